//! What the regulation requires of each kind of record — one table a legal officer can read
//! line by line against `regulation.zh.txt` (the Measures) and the statutes.
//!
//! Each row says: the stage the record belongs to; whether it is an outward document that must
//! be served (送达); which fields must be filled before it may be finalized (and which only for
//! a major case); whether it is an enforcement act needing two officers with valid
//! certificates and a statement that the certificates were shown; who must sign; its audio/
//! video rule; and the articles it comes from.
//!
//! Field names are those of the body structs in `model::bodies`; a test checks every name
//! exists, every kind has a row, and every row has a stage, an AV rule and a citation.
//!
//! This is the only list of required fields: the form schema (`form`) reads its `fields`,
//! `fields_if_major` and `cite` from here, and a test there proves they agree for every kind.

use casetrail_model::{CaseStage, RecordKind, SignerRole};

use super::cite::{Cite, Source::*, law, measures, measures_item};

/// The audio/video (音像记录) rule of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "rule", content = "reason_field", rename_all = "snake_case")]
pub enum AvRule {
    /// Not normally recorded.
    None,
    /// Recorded as the situation requires (可根据执法需要).
    Situational,
    /// Must be recorded unless unsuitable, and then the reason is written in this field (Art. 12).
    RequiredUnlessReason(&'static str),
    /// Must be recorded (Art. 11, 14, 18).
    Required,
    /// Depends on the service method: leave-at-premises needs AV, public notice needs
    /// screenshots (Art. 17).
    ByServiceMethod,
}

/// Who must sign a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotRule {
    /// One slot per officer named in the body's `officers`, in this role.
    EachOfficer(SignerRole),
    /// One slot for this role, with the affirmation the signer writes or accepts.
    Role(SignerRole, &'static str),
    /// Service: officers, recipient and witnesses as the method requires (Art. 17).
    Service,
}

/// The requirements of one record kind.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    /// The kind.
    pub kind: RecordKind,
    /// Stage it belongs to.
    pub stage: CaseStage,
    /// Served on the party (needs a service record).
    pub served: bool,
    /// Fields that must be filled to finalize.
    pub fields: &'static [&'static str],
    /// Fields that must be filled to finalize when the case is major.
    pub fields_if_major: &'static [&'static str],
    /// An enforcement act: ≥ 2 officers with valid certificates (统计法 §38; 行政处罚法 §42).
    pub officers: bool,
    /// Must state each officer's certificate was shown (Art. 9).
    pub certificates_shown: bool,
    /// Who signs.
    pub slots: &'static [SlotRule],
    /// Audio/video rule.
    pub av: AvRule,
    /// Where the rule comes from.
    pub cite: &'static [Cite],
}

/// 以上笔录我看过，与我说的相符 — the interviewee's affirmation on an inquiry record.
pub const AFFIRM_INQUIRY: &str = "以上笔录我看过，与我说的相符";
/// 以上记录属实 — the party's affirmation on an on-site record.
pub const AFFIRM_ONSITE: &str = "以上记录属实";
/// 以上情况属实 — generic affirmation.
pub const AFFIRM_GENERIC: &str = "以上情况属实";
/// 已收到 — acknowledgement of receipt.
pub const AFFIRM_RECEIPT: &str = "已收到";

use AvRule as Av;
use CaseStage as St;
use RecordKind as K;
use SignerRole as R;
use SlotRule::*;

const OFFICERS: SlotRule = EachOfficer(R::Officer);
const APPROVER: SlotRule = Role(R::Approver, "");

macro_rules! req {
    ($kind:ident, $stage:ident, served: $served:expr, fields: [$($f:literal),*], $(major: [$($m:literal),*],)?
     officers: $off:expr, certs: $certs:expr, slots: [$($slot:expr),*], av: $av:expr, cite: [$($cite:expr),*]) => {
        Requirement {
            kind: K::$kind,
            stage: St::$stage,
            served: $served,
            fields: &[$($f),*],
            fields_if_major: &[$($($m),*)?],
            officers: $off,
            certificates_shown: $certs,
            slots: &[$($slot),*],
            av: $av,
            cite: &[$($cite),*],
        }
    };
}

/// The table. Order follows the stages.
pub const REQUIREMENTS: &[Requirement] = &[
    // ------------------------------------------------------------------ 程序启动 (第二章)
    // 第五条 执法方案：依据、时间、范围、内容、组织形式，报分管领导批准。
    req!(InspectionPlan, Initiation, served: false,
         fields: ["basis", "period", "scope", "content", "organisation", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [measures(5)]),
    req!(InspectionDeploymentNotice, Initiation, served: true,
         fields: ["doc_no", "recipient", "content"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(5)]),
    // 第七条 问题线索：收阅时间、来源、简要内容、批示人、批示要求、经办人。
    req!(ClueRegister, Initiation, served: false,
         fields: ["received_at", "source", "summary", "instructed_by", "instruction", "handler"],
         officers: false, certs: false, slots: [], av: Av::Situational, cite: [measures(7)]),
    req!(ComplaintRecord, Initiation, served: false,
         fields: ["received_at", "channel", "summary"],
         officers: false, certs: false, slots: [], av: Av::Situational,
         cite: [measures(7), law(StatisticsRegulation, 38)]),
    // 第七条 实名投诉举报不启动执法程序的，告知投诉人并书面记录。
    req!(NonInitiationNotice, Initiation, served: true,
         fields: ["recipient", "content", "issued_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(7)]),
    // 第六条 启动原因、当事人基本情况、承办机构、负责人意见；重大的还应载明法治机构合法性审查意见。
    req!(CaseInitiationApproval, Initiation, served: false,
         fields: ["case_source", "cause", "party_summary", "facts_and_reason", "handling_unit", "leader_approval"],
         major: ["legal_review"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None,
         cite: [measures(6), law(PenaltyLaw, 54)]),
    // 第六条 情况紧急的，可先启动执法程序，并在启动后24小时内补报。
    req!(EmergencyStartRecord, Initiation, served: false,
         fields: ["started_at", "reason", "measures", "reported_to"],
         officers: false, certs: false, slots: [], av: Av::Situational, cite: [measures(6)]),
    // ------------------------------------------------------------------ 调查取证 (第三章)
    // 第八条 提前送达检查通知书：机构、依据、范围、内容、方式、时间、具体要求。
    req!(InspectionNotice, Investigation, served: true,
         fields: ["doc_no", "party_id", "basis", "scope", "content", "method", "scheduled_at", "demands", "officers"],
         officers: true, certs: false, slots: [], av: Av::None,
         cite: [measures(8), law(StatisticsLaw, 38)]),
    req!(InspectionInquiry, Investigation, served: true,
         fields: ["doc_no", "party_id", "matters", "reply_by", "reply_method"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(StatisticsLaw, 38)]),
    // 第九条 询问笔录载明执法人员姓名、证件编号及出示情况；被询问人签字。
    req!(InquiryRecord, Investigation, served: false,
         fields: ["start_at", "end_at", "place", "officers", "interviewee", "certificates", "rights_told",
                  "recusal_requested", "qa", "read_back"],
         officers: true, certs: true,
         slots: [Role(R::Interviewee, AFFIRM_INQUIRY), OFFICERS], av: Av::Situational,
         cite: [measures(9), measures_item(11, 1), law(PenaltyLaw, 55)]),
    // 第九条、第十一条第（三）项、第十二条 现场检查应同时音像记录，不适宜的除外（说明理由）。
    req!(OnsiteInspectionRecord, Investigation, served: false,
         fields: ["start_at", "end_at", "place", "party_id", "officers", "certificates", "basis", "items", "findings"],
         officers: true, certs: true,
         slots: [Role(R::Party, AFFIRM_ONSITE), OFFICERS],
         av: Av::RequiredUnlessReason("av_unsuitable_reason"),
         cite: [measures(9), measures_item(11, 3), measures(12), law(StatisticsLaw, 38)]),
    // 第十一条第（二）项 调取证据通知书、证据登记保存清单。
    req!(EvidenceRequestNotice, Investigation, served: true,
         fields: ["doc_no", "party_id", "items", "due_on", "officers"],
         officers: true, certs: false, slots: [], av: Av::None,
         cite: [measures_item(11, 2), law(StatisticsLaw, 38)]),
    req!(EvidenceList, Investigation, served: false,
         fields: ["items", "provider", "officers"],
         officers: true, certs: false, slots: [Role(R::Provider, AFFIRM_GENERIC), OFFICERS], av: Av::None,
         cite: [measures_item(11, 2)]),
    // 第十三条 证据保全：启动理由、具体标的、存放地点、保管人员。统计法第三十八条第（五）项：负责人批准。
    req!(PreservationApproval, Investigation, served: false,
         fields: ["reason", "object", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None,
         cite: [measures(13), law(StatisticsLaw, 38), law(PenaltyLaw, 56)]),
    req!(PreservationNotice, Investigation, served: true,
         fields: ["doc_no", "party_id", "reason", "object", "storage_place", "custodian", "from_date", "approval_record", "officers"],
         officers: true, certs: false, slots: [], av: Av::Situational,
         cite: [measures(13), law(PenaltyLaw, 56)]),
    req!(PreservationList, Investigation, served: false,
         fields: ["items", "officers"],
         officers: true, certs: false, slots: [Role(R::Provider, AFFIRM_GENERIC), OFFICERS], av: Av::None,
         cite: [measures_item(11, 2), measures(13)]),
    req!(PreservationDisposalDecision, Investigation, served: true,
         fields: ["doc_no", "preservation_notice", "disposal", "decided_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 56)]),
    // 第十一条第（四）项、第十二条 抽样应同时音像记录，不适宜的除外。
    req!(SamplingNotice, Investigation, served: true,
         fields: ["doc_no", "party_id", "reason", "sampled_at", "place", "officers"],
         officers: true, certs: false, slots: [], av: Av::RequiredUnlessReason("av_unsuitable_reason"),
         cite: [measures_item(11, 4), measures(12)]),
    req!(SamplingList, Investigation, served: false,
         fields: ["items", "officers"],
         officers: true, certs: false, slots: [Role(R::Provider, AFFIRM_GENERIC), OFFICERS], av: Av::None,
         cite: [measures_item(11, 4)]),
    req!(ExpertOpinion, Investigation, served: false,
         fields: ["entrusted_to", "matter", "opinion", "issued_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures_item(11, 7)]),
    // 第十条 告知陈述、申辩、回避、听证、复议、诉讼等权利的方式应当记录。
    req!(RightsNotice, Investigation, served: true,
         fields: ["doc_no", "party_id", "rights", "method", "told_at", "officers"],
         officers: true, certs: false, slots: [], av: Av::Situational,
         cite: [measures(10), measures_item(11, 5)]),
    req!(StatementDefenseRecord, Investigation, served: false,
         fields: ["start_at", "place", "speaker", "statement", "officers"],
         officers: true, certs: false, slots: [Role(R::Party, AFFIRM_INQUIRY), OFFICERS], av: Av::Situational,
         cite: [measures_item(11, 5), measures(19)]),
    // 第十九条 陈述申辩内容的复核及处理意见。
    req!(DefenseReview, Investigation, served: false,
         fields: ["statement_record", "review", "adopted", "reason"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(19), law(PenaltyLaw, 45)]),
    req!(RectificationOrder, Investigation, served: true,
         fields: ["doc_no", "party_id", "violation", "basis", "requirement", "due_on"],
         officers: false, certs: false, slots: [], av: Av::None,
         cite: [law(PenaltyLaw, 28), law(StatisticsLaw, 44)]),
    req!(InvestigationFinalReport, Investigation, served: false,
         fields: ["facts", "evidence", "proposal", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [law(PenaltyLaw, 57)]),
    req!(EvidenceCaptionSheet, Investigation, served: false,
         fields: ["captions"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 46)]),
    // 第十一条 不配合或拒绝接受调查和提供证据的，文字记录并对过程进行音像记录。
    req!(NonCooperationRecord, Investigation, served: false,
         fields: ["occurred_at", "place", "conduct", "officers"],
         officers: true, certs: false, slots: [OFFICERS], av: Av::Required, cite: [measures(11)]),
    // ------------------------------------------------------------------ 审查决定 (第四章)
    req!(PenaltyPriorNotice, ReviewDecision, served: true,
         fields: ["doc_no", "party_id", "facts", "evidence", "basis", "proposed_penalty", "defense_window_wd"],
         officers: false, certs: false, slots: [], av: Av::None,
         cite: [law(PenaltyLaw, 44), law(PenaltyLaw, 62)]),
    req!(HearingRightsNotice, ReviewDecision, served: true,
         fields: ["doc_no", "party_id", "request_window_wd"],
         officers: false, certs: false, slots: [], av: Av::None,
         cite: [law(PenaltyLaw, 63), law(PenaltyLaw, 64)]),
    req!(HearingRequest, ReviewDecision, served: false,
         fields: ["requested_at", "requester"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 64)]),
    req!(RightsWaiver, ReviewDecision, served: false,
         fields: ["waived", "declared_at", "declarant"],
         officers: false, certs: false, slots: [Role(R::Party, AFFIRM_GENERIC)], av: Av::None,
         cite: [law(PenaltyLaw, 62)]),
    req!(HearingNotice, ReviewDecision, served: true,
         fields: ["doc_no", "hearing_at", "place", "host"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 64)]),
    // 第十一条第（六）项、第十二条 听证应同时音像记录，不适宜的除外。
    req!(HearingRecord, ReviewDecision, served: false,
         fields: ["start_at", "end_at", "place", "host", "participants", "proceedings"],
         officers: false, certs: false,
         slots: [Role(R::Party, AFFIRM_GENERIC), Role(R::HearingHost, "")],
         av: Av::RequiredUnlessReason("av_unsuitable_reason"),
         cite: [measures_item(11, 6), measures(12), law(PenaltyLaw, 64)]),
    req!(HearingReport, ReviewDecision, served: false,
         fields: ["held_at", "host", "conclusion"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 65)]),
    // 第十四条 法治审查载明审查人员、审查意见和建议。
    req!(LegalReviewOpinion, ReviewDecision, served: false,
         fields: ["reviewers", "opinion", "result", "reviewed_on"],
         officers: false, certs: false, slots: [Role(R::Reviewer, "")], av: Av::None,
         cite: [measures(14), law(PenaltyLaw, 58)]),
    // 第十四条 专家论证：会议纪要 + 音像记录。
    req!(ExpertPanelMinutes, ReviewDecision, served: false,
         fields: ["held_at", "participants", "topic", "minutes", "conclusion"],
         officers: false, certs: false, slots: [], av: Av::Required, cite: [measures(14)]),
    // 第十四条 集体讨论：文字记录或纪要 + 音像记录。
    req!(CollectiveDiscussionMinutes, ReviewDecision, served: false,
         fields: ["held_at", "participants", "topic", "minutes", "conclusion"],
         officers: false, certs: false, slots: [], av: Av::Required,
         cite: [measures(14), law(PenaltyLaw, 57)]),
    // 第十四条 负责人审批：签署意见、签名。
    req!(LeaderApproval, ReviewDecision, served: false,
         fields: ["subject", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [measures(14)]),
    req!(PenaltyDecisionApproval, ReviewDecision, served: false,
         fields: ["subject", "proposal", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [measures(14)]),
    req!(PenaltyDecision, ReviewDecision, served: true,
         fields: ["doc_no", "party_id", "facts", "evidence", "penalty", "basis", "payment_terms", "remedies",
                  "decided_on", "sealed"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(15), law(PenaltyLaw, 59)]),
    req!(NoPenaltyDecision, ReviewDecision, served: true,
         fields: ["doc_no", "party_id", "facts", "reason", "basis", "decided_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 57)]),
    // 第十六条 简易程序记录事实依据、法律依据、陈述申辩及复核、备案、当场收缴。
    req!(OnTheSpotPenaltyDecision, ReviewDecision, served: true,
         fields: ["doc_no", "party_id", "facts", "basis", "penalty", "decided_at", "place", "defense_and_review",
                  "filed_with_bureau_on", "officers"],
         officers: true, certs: false, slots: [Role(R::Party, AFFIRM_RECEIPT), OFFICERS], av: Av::Situational,
         cite: [measures(16), law(PenaltyLaw, 51), law(PenaltyLaw, 52)]),
    req!(CaseTransferLetter, ReviewDecision, served: true,
         fields: ["doc_no", "receiving_body", "reason"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(PenaltyLaw, 57)]),
    req!(DisciplineRecommendation, ReviewDecision, served: true,
         fields: ["doc_no", "receiving_body", "reason"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [law(StatisticsLaw, 46)]),
    // ------------------------------------------------------------------ 送达执行 (第五章)
    // 第十七条 直接、邮寄、留置、委托/转交、公告送达，各有记录要求。
    req!(ServiceReceipt, ServiceExecution, served: false,
         fields: ["document_title", "method", "officers"],
         officers: true, certs: false, slots: [Service], av: Av::ByServiceMethod,
         cite: [measures(17), law(CivilProcedureLaw, 87), law(CivilProcedureLaw, 89)]),
    req!(ServiceAddressConfirmation, ServiceExecution, served: false,
         fields: ["party_id", "address"],
         officers: false, certs: false, slots: [Role(R::Party, AFFIRM_GENERIC)], av: Av::None,
         cite: [law(PenaltyLaw, 61)]),
    req!(EntrustedServiceLetter, ServiceExecution, served: false,
         fields: ["doc_no", "receiving_body", "reason"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(17)]),
    // 第十八条 责令改正的，按期核查并文字记录，可音像记录。
    req!(ComplianceCheckRecord, ServiceExecution, served: false,
         fields: ["order", "checked_at", "place", "result", "rectified", "officers"],
         officers: true, certs: false, slots: [Role(R::Party, AFFIRM_GENERIC), OFFICERS], av: Av::Situational,
         cite: [measures(18)]),
    // 第十八条 约谈：文字记录 + 全过程音像记录。
    req!(InterviewRecord, ServiceExecution, served: false,
         fields: ["start_at", "end_at", "place", "interviewees", "topic", "content", "officers"],
         officers: true, certs: false, slots: [Role(R::Interviewee, AFFIRM_INQUIRY), OFFICERS], av: Av::Required,
         cite: [measures(18)]),
    req!(PaymentDeferralApproval, ServiceExecution, served: true,
         fields: ["subject", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [law(PenaltyLaw, 66)]),
    // 第十八条 对当事人履行执法决定的情况进行文字记录。
    req!(ExecutionRecord, ServiceExecution, served: false,
         fields: ["executed_on", "manner"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(18)]),
    // 第二十条 申请法院强制执行前制作并送达催告书。
    req!(DemandNotice, ServiceExecution, served: true,
         fields: ["doc_no", "party_id", "obligation", "due_on", "method", "defense_right_told"],
         officers: false, certs: false, slots: [], av: Av::Situational,
         cite: [measures(20), law(CoercionLaw, 35), law(CoercionLaw, 54)]),
    req!(CourtEnforcementApplication, ServiceExecution, served: false,
         fields: ["court", "filed_on", "documents"],
         officers: false, certs: false, slots: [], av: Av::Situational,
         cite: [measures(20), law(CoercionLaw, 55)]),
    req!(PublicationRecord, ServiceExecution, served: false,
         fields: ["published_at", "medium", "content"],
         officers: false, certs: false, slots: [], av: Av::Situational, cite: [law(PenaltyLaw, 48)]),
    // ------------------------------------------------------------------ 归档 (第六章)
    // 第二十一条 行为终结之日起30日内形成案卷归档。
    req!(CaseClosureReport, Archiving, served: false,
         fields: ["summary", "outcome", "closed_on", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [measures(21)]),
    req!(ArchiveIndex, Archiving, served: false,
         fields: ["entries", "compiled_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(21)]),
    req!(AvRegister, Archiving, served: false,
         fields: ["entries", "compiled_on"],
         officers: false, certs: false, slots: [], av: Av::None, cite: [measures(21)]),
    // 第二十四条 查阅、复制经统计法治机构主要负责人批准。
    req!(AccessApproval, Archiving, served: false,
         fields: ["requester", "targets", "purpose", "scope", "approval"],
         officers: false, certs: false, slots: [APPROVER], av: Av::None, cite: [measures(24)]),
];

/// The requirement row of `kind`.
pub fn requirement(kind: RecordKind) -> &'static Requirement {
    // Every kind has a row (checked by a test); fall back to the first row rather than panic.
    REQUIREMENTS
        .iter()
        .find(|r| r.kind == kind)
        .unwrap_or(&REQUIREMENTS[0])
}

/// The articles that require the fields of `kind`, in words (《实施办法》第九条；…).
pub fn required_by(lang: casetrail_i18n::Lang, kind: RecordKind) -> String {
    let sep = if lang == casetrail_i18n::Lang::Zh {
        "；"
    } else {
        "; "
    };
    let cites: Vec<String> = requirement(kind)
        .cite
        .iter()
        .map(|c| c.render(lang))
        .collect();
    cites.join(sep)
}

/// Whether a field of a body (as JSON) counts as filled: not null, not blank, not an empty
/// list, and `true` for a yes/no field.
pub fn is_filled(body: &serde_json::Value, field: &str) -> bool {
    match body.get(field) {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
        Some(serde_json::Value::Array(a)) => !a.is_empty(),
        Some(serde_json::Value::Object(o)) => !o.is_empty(),
        Some(serde_json::Value::Bool(b)) => {
            *b || field == "recusal_requested" || field == "adopted" || field == "rectified"
        }
        Some(_) => true,
    }
}

/// The whole table in words, as Markdown, for the legal officer who reviews it against the
/// regulation (`casetrail rules`; committed as `docs/requirements.zh.md` / `.en.md`).
pub fn markdown(lang: casetrail_i18n::Lang) -> String {
    use casetrail_i18n::{field_label, tr};
    let zh = lang == casetrail_i18n::Lang::Zh;
    let yes = if zh { "是" } else { "yes" };
    let sep = if zh { "、" } else { ", " };
    let mut out = String::new();
    out.push_str(&tr(lang, "rules-table-title"));
    out.push_str("\n\n");
    out.push_str(&tr(lang, "rules-table-intro"));
    out.push_str("\n\n");
    out.push_str(&tr(lang, "rules-table-header"));
    out.push_str("\n|---|---|---|---|---|---|---|---|\n");
    for r in REQUIREMENTS {
        let fields: Vec<String> = r.fields.iter().map(|f| field_label(lang, f)).collect();
        let mut fields = fields.join(sep);
        if !r.fields_if_major.is_empty() {
            let major: Vec<String> = r
                .fields_if_major
                .iter()
                .map(|f| field_label(lang, f))
                .collect();
            fields.push_str(&format!(
                "{}{}",
                tr(lang, "rules-if-major"),
                major.join(sep)
            ));
        }
        let officers = match (r.officers, r.certificates_shown) {
            (true, true) => tr(lang, "rules-officers-and-certificates"),
            (true, false) => tr(lang, "rules-officers"),
            _ => String::new(),
        };
        let slots: Vec<String> = r
            .slots
            .iter()
            .map(|s| match s {
                SlotRule::EachOfficer(role) => {
                    tr(lang, &format!("rules-slot-each-{}", role.as_str()))
                }
                SlotRule::Role(role, _) => tr(lang, &format!("role-{}", role.as_str())),
                SlotRule::Service => tr(lang, "rules-slot-service"),
            })
            .collect();
        let av = match r.av {
            AvRule::None => String::new(),
            AvRule::Situational => tr(lang, "rules-av-situational"),
            AvRule::Required => tr(lang, "rules-av-required"),
            AvRule::RequiredUnlessReason(_) => tr(lang, "rules-av-unless-reason"),
            AvRule::ByServiceMethod => tr(lang, "rules-av-by-method"),
        };
        let cites: Vec<String> = r.cite.iter().map(|c| c.render(lang)).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            tr(lang, &format!("kind-{}", r.kind.as_str())),
            tr(lang, &format!("stage-{}", r.stage.as_str())),
            if r.served { yes } else { "" },
            fields,
            officers,
            slots.join(sep),
            av,
            cites.join(if zh { "；" } else { "; " }),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_row_with_stage_av_and_citation() {
        for &kind in RecordKind::ALL {
            let rows: Vec<_> = REQUIREMENTS.iter().filter(|r| r.kind == kind).collect();
            assert_eq!(rows.len(), 1, "{kind}");
            assert!(!rows[0].cite.is_empty(), "{kind} cites nothing");
        }
        assert_eq!(REQUIREMENTS.len(), RecordKind::ALL.len());
    }

    #[test]
    fn every_required_field_exists_in_the_body() {
        for r in REQUIREMENTS {
            let body = r.kind.empty_body().to_value().unwrap();
            for f in r.fields.iter().chain(r.fields_if_major) {
                assert!(body.get(*f).is_some(), "{}: no field {f}", r.kind);
            }
            if let AvRule::RequiredUnlessReason(f) = r.av {
                assert!(body.get(f).is_some(), "{}: no reason field {f}", r.kind);
            }
            if r.officers {
                assert!(
                    body.get("officers").is_some(),
                    "{}: enforcement record without officers",
                    r.kind
                );
            }
            if r.certificates_shown {
                assert!(body.get("certificates").is_some(), "{}", r.kind);
            }
        }
    }

    #[test]
    fn the_committed_requirement_docs_match_the_table() {
        for (lang, file) in [
            (casetrail_i18n::Lang::Zh, "requirements.zh.md"),
            (casetrail_i18n::Lang::En, "requirements.en.md"),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../docs")
                .join(file);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            let generated = markdown(lang);
            if committed != generated {
                if std::env::var("CASETRAIL_BLESS").is_ok() {
                    std::fs::write(&path, &generated).unwrap();
                } else {
                    panic!(
                        "docs/{file} is out of date: run CASETRAIL_BLESS=1 cargo test -p casetrail-core requirement_docs"
                    );
                }
            }
        }
    }
}

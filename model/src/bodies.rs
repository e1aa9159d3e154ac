//! The typed body of every enforcement document (domain.md §2.2–2.3, regulation Art. 5–20).
//!
//! A body is what the inspector fills in. Every field defaults to empty so a draft can be saved
//! half-filled on site; which fields must be present before a record may be finalized is data
//! in `rules::requirements`, checked there against these field names (a test keeps the two in
//! step). The form schema (`rules::form`) is walked from these structs in declaration order;
//! its tests fail when a field is added here without a shape there. Structure is checked here: text lengths, identity documents, time ranges, and that
//! officers named on a record belong to the case.
//!
//! Shared shapes (an approval, a list row, a Q&A turn) are defined once and reused; a body type
//! may serve several record kinds when the documents really carry the same fields.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{EvidenceId, LegalBasis, PartyId, Person, RecordId};
use crate::error::{ValidationCode, ValidationError};

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

crate::code_enum!(
    /// Outcome of an approval or review.
    ApprovalResult {
        /// 同意/通过.
        Approved = "approved",
        /// 不同意.
        Rejected = "rejected",
        /// 退回补充.
        Returned = "returned",
    }
);

/// A leader's or reviewer's opinion and signature block (Art. 14: opinion + signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Approval {
    /// 审批人/审核人.
    pub approver: String,
    /// 职务.
    pub approver_title: String,
    /// 意见.
    pub opinion: String,
    /// Outcome.
    pub result: Option<ApprovalResult>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// One question and its answer, recorded as close to verbatim as possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct QaTurn {
    /// 问.
    pub question: String,
    /// 答.
    pub answer: String,
}

/// That an officer showed the 统计执法证, and whether the party checked it (Art. 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CertificateShown {
    /// 执法证号 of an officer of the case.
    pub cert_no: String,
    /// 已出示.
    pub shown: bool,
    /// 当事人已核验.
    pub checked_by_party: bool,
}

/// A row of an evidence, preservation or sampling list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ListedItem {
    /// 名称.
    pub name: String,
    /// 规格/所属期间.
    pub spec: String,
    /// 数量/页数.
    pub quantity: String,
    /// 存放地点 / 原件保存处.
    pub location: String,
    /// 备注 (e.g. copy or original).
    pub note: String,
}

/// A reported figure set against the verified one (上报数 vs 核实数).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DataCheck {
    /// Indicator, with form and period (e.g. `B103-2表 2024年 营业收入`).
    pub item: String,
    /// 上报数.
    pub reported: String,
    /// 核实数.
    pub verified: String,
    /// Difference or remark.
    pub note: String,
}

/// An item of evidence as a decision lists it: what it is and what it proves (用于证明…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EvidenceUse {
    /// Description or evidence id.
    pub evidence: String,
    /// 证明对象.
    pub proves: String,
}

/// The penalty imposed or proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Penalty {
    /// 警告.
    pub warning: bool,
    /// 罚款 in fen (1/100 yuan).
    pub fine_fen: Option<i64>,
    /// 通报.
    pub public_notice: bool,
    /// Other measures in words.
    pub other: String,
}

crate::code_enum!(
    /// Rights a party must be told of (Art. 10).
    PartyRight {
        /// 陈述权.
        Statement = "statement",
        /// 申辩权.
        Defense = "defense",
        /// 申请回避权.
        Recusal = "recusal",
        /// 要求听证权.
        Hearing = "hearing",
        /// 申请行政复议权.
        Reconsideration = "reconsideration",
        /// 提起行政诉讼权.
        Litigation = "litigation",
    }
);

crate::code_enum!(
    /// How a record was checked by the person who signs it.
    ReadBack {
        /// 交被询问人阅读.
        ReadByThem = "read_by_them",
        /// 向其宣读.
        ReadToThem = "read_to_them",
    }
);

crate::code_enum!(
    /// How a document is served (送达方式, Art. 17; 民诉法 §85–95).
    ServiceMethod {
        /// 直接送达: receipt signed by the serving officer and the recipient.
        Direct = "direct",
        /// 留置送达: refusal reason and date, serving officer and witness sign, AV.
        LeaveAtPremises = "leave_at_premises",
        /// 邮寄送达: registered/express mail with postage proof and return receipt.
        Postal = "postal",
        /// 委托送达.
        Entrusted = "entrusted",
        /// 转交送达.
        Forwarded = "forwarded",
        /// 电子送达 (with the party's written consent).
        Electronic = "electronic",
        /// 公告送达: deemed served 30 days after publication.
        PublicNotice = "public_notice",
    }
);

// ---------------------------------------------------------------------------------------------
// A. 程序启动 Initiation
// ---------------------------------------------------------------------------------------------

/// 统计执法检查（工作）方案 (Art. 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InspectionPlan {
    /// 依据.
    pub basis: String,
    /// 时间.
    pub period: String,
    /// 对象/范围.
    pub scope: String,
    /// 内容.
    pub content: String,
    /// 组织形式.
    pub organisation: String,
    /// Approval of the leader in charge.
    pub approval: Option<Approval>,
}

/// An outward notice with a number, a recipient and a text (检查部署通知, 不予立案告知书, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    /// 文书编号.
    pub doc_no: String,
    /// 受文对象.
    pub recipient: String,
    /// 事由/内容.
    pub content: String,
    /// 依据.
    pub basis: String,
    /// 日期.
    pub issued_on: Option<NaiveDate>,
}

/// 问题线索登记表 (Art. 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ClueRegister {
    /// 收到时间.
    pub received_at: Option<DateTime<Utc>>,
    /// 来源.
    pub source: String,
    /// 内容摘要.
    pub summary: String,
    /// 批示人.
    pub instructed_by: String,
    /// 批示意见.
    pub instruction: String,
    /// 承办人.
    pub handler: String,
}

/// 举报投诉登记 / 处理记录 (Art. 7; 实施条例 §38 — the reporter stays confidential).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ComplaintRecord {
    /// 收到时间.
    pub received_at: Option<DateTime<Utc>>,
    /// 渠道 (电话/信函/网络/来访).
    pub channel: String,
    /// Whether the complainant gave their name.
    pub named: bool,
    /// Reporter's identity (confidential).
    pub reporter: String,
    /// 内容摘要.
    pub summary: String,
    /// 处理情况.
    pub handling: String,
}

/// 立案审批表 (Art. 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CaseInitiationApproval {
    /// 案件来源.
    pub case_source: String,
    /// 案由.
    pub cause: String,
    /// 当事人基本情况.
    pub party_summary: String,
    /// 案情及立案理由.
    pub facts_and_reason: String,
    /// 承办机构.
    pub handling_unit: String,
    /// 承办人意见.
    pub handler_opinion: String,
    /// 承办机构审核意见.
    pub unit_review: Option<Approval>,
    /// 法制审核意见 (major cases).
    pub legal_review: Option<Approval>,
    /// 机关负责人审批意见.
    pub leader_approval: Option<Approval>,
}

/// 紧急启动记录 + 补办审批 (Art. 6: supplementary approval within 24 h).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EmergencyStartRecord {
    /// When enforcement started.
    pub started_at: Option<DateTime<Utc>>,
    /// Why it could not wait.
    pub reason: String,
    /// Measures taken.
    pub measures: String,
    /// Whom it was reported to.
    pub reported_to: String,
    /// The supplementary approval.
    pub supplementary_approval: Option<Approval>,
}

// ---------------------------------------------------------------------------------------------
// B. 调查取证 Investigation
// ---------------------------------------------------------------------------------------------

/// 统计执法检查通知书 (Art. 8), served in advance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InspectionNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 检查对象.
    pub party_id: Option<PartyId>,
    /// 依据.
    pub basis: String,
    /// 检查范围/事项/所属期.
    pub scope: String,
    /// 检查内容.
    pub content: String,
    /// 检查方式 (现场/书面/系统).
    pub method: String,
    /// 检查时间.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// 要求/需准备的资料.
    pub demands: Vec<String>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
    /// 联系人/电话.
    pub contact: String,
}

/// 统计检查查询书 (统计法 §38(1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InspectionInquiry {
    /// 文书编号.
    pub doc_no: String,
    /// 受查询单位.
    pub party_id: Option<PartyId>,
    /// 查询事项.
    pub matters: Vec<String>,
    /// 答复期限.
    pub reply_by: Option<NaiveDate>,
    /// 答复方式.
    pub reply_method: String,
    /// 法律责任提示.
    pub liability_warning: String,
    /// 当事人答复.
    pub reply: String,
}

/// 询问笔录 (Art. 9; 行政处罚法 §55; domain.md §2.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InquiryRecord {
    /// 文书编号.
    pub doc_no: String,
    /// 询问开始时间.
    pub start_at: Option<DateTime<Utc>>,
    /// 询问结束时间.
    pub end_at: Option<DateTime<Utc>>,
    /// 询问地点.
    pub place: String,
    /// 询问人、记录人 (certificate numbers; two officers in total).
    pub officers: Vec<String>,
    /// 记录人 (certificate number).
    pub recorder: String,
    /// 被询问人.
    pub interviewee: Option<Person>,
    /// 执法证件出示情况.
    pub certificates: Vec<CertificateShown>,
    /// 已告知如实回答义务和申请回避权.
    pub rights_told: bool,
    /// 是否申请回避.
    pub recusal_requested: Option<bool>,
    /// 问答.
    pub qa: Vec<QaTurn>,
    /// How it was checked.
    pub read_back: Option<ReadBack>,
    /// Closing affirmation (以上笔录我看过，与我说的相符).
    pub affirmation: String,
}

/// 现场检查笔录 (Art. 11, 12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct OnsiteInspectionRecord {
    /// 文书编号.
    pub doc_no: String,
    /// 检查开始时间.
    pub start_at: Option<DateTime<Utc>>,
    /// 检查结束时间.
    pub end_at: Option<DateTime<Utc>>,
    /// 检查地点.
    pub place: String,
    /// 检查对象.
    pub party_id: Option<PartyId>,
    /// 在场人.
    pub present: Vec<Person>,
    /// 检查人员 (certificate numbers).
    pub officers: Vec<String>,
    /// 记录人.
    pub recorder: String,
    /// 执法证件出示情况.
    pub certificates: Vec<CertificateShown>,
    /// 检查依据.
    pub basis: String,
    /// 检查事项 (report period and form).
    pub items: String,
    /// 查阅的资料 (原始记录和凭证、统计台账、统计调查表、会计资料).
    pub materials_checked: Vec<String>,
    /// 检查的统计数据处理信息系统.
    pub systems_checked: Vec<String>,
    /// 检查情况.
    pub findings: String,
    /// 上报数 vs 核实数.
    pub data_checks: Vec<DataCheck>,
    /// 当事人意见.
    pub party_opinion: String,
    /// Why no audio/video was made, when it was unsuitable (Art. 12).
    pub av_unsuitable_reason: String,
}

/// 调取证据通知书 (统计法 §38(2)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EvidenceRequestNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 被调取单位.
    pub party_id: Option<PartyId>,
    /// 调取的证据材料.
    pub items: Vec<String>,
    /// 提供期限.
    pub due_on: Option<NaiveDate>,
    /// 提供地点/方式.
    pub place: String,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 证据材料清单 / 证据登记保存清单 / 抽样物品清单: a list signed by provider and officers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ItemList {
    /// The notice this list belongs to.
    pub notice: Option<RecordId>,
    /// Rows.
    pub items: Vec<ListedItem>,
    /// 提供人/被取证人.
    pub provider: Option<Person>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 证据先行登记保存审批表 (统计法 §38(5): 本机构负责人批准).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PreservationApproval {
    /// 理由.
    pub reason: String,
    /// 对象.
    pub object: String,
    /// 负责人审批.
    pub approval: Option<Approval>,
}

/// 证据先行登记保存通知书 (Art. 13: reason, object, storage place, custodian).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PreservationNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 理由.
    pub reason: String,
    /// 对象.
    pub object: String,
    /// 存放地点.
    pub storage_place: String,
    /// 保管人.
    pub custodian: String,
    /// 保存方式 (就地/异地).
    pub method: String,
    /// 保存起始日.
    pub from_date: Option<NaiveDate>,
    /// The approval record.
    pub approval_record: Option<RecordId>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 登记保存处理决定书 (within 7 working days, 行政处罚法 §56).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PreservationDisposalDecision {
    /// 文书编号.
    pub doc_no: String,
    /// The preservation notice decided on.
    pub preservation_notice: Option<RecordId>,
    /// 处理决定 (解除/返还/…).
    pub disposal: String,
    /// 决定日期.
    pub decided_on: Option<NaiveDate>,
}

/// 抽样取证通知书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SamplingNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 抽样理由.
    pub reason: String,
    /// 抽样时间.
    pub sampled_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
    /// Why no audio/video was made, when it was unsuitable (Art. 12).
    pub av_unsuitable_reason: String,
}

/// 鉴定（检验）委托 + 鉴定意见书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExpertOpinion {
    /// 鉴定机构.
    pub entrusted_to: String,
    /// 鉴定事项.
    pub matter: String,
    /// 鉴定意见.
    pub opinion: String,
    /// 出具日期.
    pub issued_on: Option<NaiveDate>,
}

/// 权利（义务）告知书 (Art. 10: record how the party was told).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RightsNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// Rights told.
    pub rights: Vec<PartyRight>,
    /// 告知方式 (口头/书面/宣读).
    pub method: String,
    /// 告知时间.
    pub told_at: Option<DateTime<Utc>>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 陈述申辩笔录.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct StatementDefenseRecord {
    /// 开始时间.
    pub start_at: Option<DateTime<Utc>>,
    /// 结束时间.
    pub end_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 陈述申辩人.
    pub speaker: Option<Person>,
    /// 陈述申辩内容.
    pub statement: String,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 陈述申辩复核意见 (Art. 19: review and whether it was adopted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DefenseReview {
    /// The statement/defence record reviewed.
    pub statement_record: Option<RecordId>,
    /// 复核情况.
    pub review: String,
    /// 是否采纳.
    pub adopted: Option<bool>,
    /// 理由.
    pub reason: String,
}

/// 责令（限期）改正通知书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RectificationOrder {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 违法事实.
    pub violation: String,
    /// 依据.
    pub basis: Vec<LegalBasis>,
    /// 改正要求.
    pub requirement: String,
    /// 改正期限.
    pub due_on: Option<NaiveDate>,
}

/// 案件调查终结报告 + 审批.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InvestigationFinalReport {
    /// 违法事实.
    pub facts: String,
    /// 证据.
    pub evidence: Vec<EvidenceUse>,
    /// 处理意见.
    pub proposal: String,
    /// 审批.
    pub approval: Option<Approval>,
}

/// One caption of an evidence caption sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EvidenceCaption {
    /// The evidence item (id).
    pub evidence_id: String,
    /// 拍摄时间.
    pub taken_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 拍摄人.
    pub taken_by: String,
    /// 证明对象.
    pub proves: String,
}

/// 现场照片/音像证据说明 (证据提取单).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EvidenceCaptionSheet {
    /// Captions.
    pub captions: Vec<EvidenceCaption>,
}

/// 不配合/阻碍执法记录 (Art. 11: text record plus audio/video of the process).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct NonCooperationRecord {
    /// 发生时间.
    pub occurred_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// What happened (拒绝提供资料、阻碍检查 …).
    pub conduct: String,
    /// Persons involved.
    pub persons: Vec<Person>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// C. 告知 / 听证 Notice and hearing
// ---------------------------------------------------------------------------------------------

/// 统计行政处罚事先告知书 (行政处罚法 §44, §62–64).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PenaltyPriorNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 拟认定的违法事实.
    pub facts: String,
    /// 证据.
    pub evidence: Vec<EvidenceUse>,
    /// 拟处罚依据.
    pub basis: Vec<LegalBasis>,
    /// 拟处罚内容.
    pub proposed_penalty: Option<Penalty>,
    /// 陈述申辩期限 (working days).
    pub defense_window_wd: Option<u32>,
    /// Whether the party has a right to a hearing (§63).
    pub hearing_right: bool,
}

/// 听证告知书 (request within 5 working days, §64(1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HearingRightsNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// Request window in working days.
    pub request_window_wd: Option<u32>,
}

/// 听证申请书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HearingRequest {
    /// 申请时间.
    pub requested_at: Option<DateTime<Utc>>,
    /// 申请人.
    pub requester: String,
    /// 申请方式.
    pub method: String,
}

/// 放弃陈述申辩、听证声明 (§62: an explicit waiver lets the agency proceed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RightsWaiver {
    /// Rights waived.
    pub waived: Vec<PartyRight>,
    /// 声明时间.
    pub declared_at: Option<DateTime<Utc>>,
    /// 声明人.
    pub declarant: String,
}

/// 听证通知书 (served ≥ 7 working days before the hearing, §64(2)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HearingNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 听证时间.
    pub hearing_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 主持人.
    pub host: String,
}

/// 听证笔录 (§64(8); Art. 12: audio/video unless unsuitable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HearingRecord {
    /// 开始时间.
    pub start_at: Option<DateTime<Utc>>,
    /// 结束时间.
    pub end_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 主持人.
    pub host: String,
    /// 听证参加人.
    pub participants: Vec<String>,
    /// 听证经过.
    pub proceedings: String,
    /// Why no audio/video was made, when it was unsuitable (Art. 12).
    pub av_unsuitable_reason: String,
}

/// 听证报告 / 专家论证 / 集体讨论 minutes: who met, what was discussed, what was concluded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Minutes {
    /// 时间.
    pub held_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 主持人.
    pub host: String,
    /// 参加人员.
    pub participants: Vec<String>,
    /// 议题.
    pub topic: String,
    /// 讨论/论证情况.
    pub minutes: String,
    /// 结论/决定.
    pub conclusion: String,
}

// ---------------------------------------------------------------------------------------------
// D. 审查决定 Review and decision
// ---------------------------------------------------------------------------------------------

/// 法制审核意见书 (Art. 14: reviewers and their opinion; §58).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LegalReviewOpinion {
    /// 审核人员.
    pub reviewers: Vec<String>,
    /// 审核意见.
    pub opinion: String,
    /// 结论.
    pub result: Option<ApprovalResult>,
    /// 审核日期.
    pub reviewed_on: Option<NaiveDate>,
}

/// An approval form: 领导审批, 处罚决定审批表, 延期缴纳审批, 调阅审批 …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ApprovalForm {
    /// 审批事项.
    pub subject: String,
    /// 申请/拟办意见.
    pub proposal: String,
    /// 审批.
    pub approval: Option<Approval>,
}

/// 统计行政处罚决定书 (行政处罚法 §59).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PenaltyDecision {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 违法事实.
    pub facts: String,
    /// 证据, item by item.
    pub evidence: Vec<EvidenceUse>,
    /// 陈述申辩/听证 and whether adopted.
    pub defense_adoption: String,
    /// 处罚种类.
    pub penalty: Option<Penalty>,
    /// 处罚依据.
    pub basis: Vec<LegalBasis>,
    /// 责令改正内容和期限.
    pub rectification: String,
    /// 履行方式和期限 (15 days from receipt).
    pub payment_terms: String,
    /// 复议机关 and 诉讼 途径和期限.
    pub remedies: String,
    /// 决定日期.
    pub decided_on: Option<NaiveDate>,
    /// 印章 applied.
    pub sealed: bool,
}

/// 不予行政处罚决定书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct NoPenaltyDecision {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 事实.
    pub facts: String,
    /// 不予处罚理由.
    pub reason: String,
    /// 依据.
    pub basis: Vec<LegalBasis>,
    /// 决定日期.
    pub decided_on: Option<NaiveDate>,
}

/// 当场行政处罚决定书 (简易程序, §51–52) and the simplified-procedure record (Art. 16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct OnTheSpotPenaltyDecision {
    /// 文书编号 (pre-numbered form).
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 违法事实 (factual conditions).
    pub facts: String,
    /// 法律依据 (legal conditions).
    pub basis: Vec<LegalBasis>,
    /// 处罚.
    pub penalty: Option<Penalty>,
    /// 时间.
    pub decided_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 陈述申辩 and its review, whether adopted.
    pub defense_and_review: String,
    /// Fine collected on the spot.
    pub collected_on_spot: bool,
    /// 报所属行政机关备案.
    pub filed_with_bureau_on: Option<NaiveDate>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 案件移送函 / 处分建议书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TransferLetter {
    /// 文书编号.
    pub doc_no: String,
    /// 接收机关.
    pub receiving_body: String,
    /// 事由.
    pub reason: String,
    /// 移送材料.
    pub materials: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// E. 送达执行 Service and execution
// ---------------------------------------------------------------------------------------------

/// 送达回证 / 送达记录 (Art. 17; 民诉法 §85–95). Method-specific fields are checked by the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ServiceRecord {
    /// The document served.
    pub document: Option<RecordId>,
    /// 送达文书名称及文号.
    pub document_title: String,
    /// 受送达人.
    pub recipient_party: Option<PartyId>,
    /// 送达方式.
    pub method: Option<ServiceMethod>,
    /// 送达地点/地址.
    pub address: String,
    /// 送达时间 (attempt or handover).
    pub served_at: Option<DateTime<Utc>>,
    /// 签收人.
    pub receiver: Option<Person>,
    /// 送达人 (certificate numbers).
    pub officers: Vec<String>,
    /// 拒收事由 (留置送达).
    pub refusal_reason: String,
    /// 拒收时间.
    pub refused_at: Option<DateTime<Utc>>,
    /// 见证人.
    pub witnesses: Vec<Person>,
    /// 邮件单号.
    pub tracking_no: String,
    /// 回执签收日期 (the service date for mail).
    pub return_receipt_on: Option<NaiveDate>,
    /// 委托/转交 机关 and reason.
    pub entrusted_to: String,
    /// 委托/转交 理由.
    pub entrust_reason: String,
    /// 电子送达 channel and the consent record.
    pub electronic_channel: String,
    /// 电子送达确认书.
    pub electronic_consent: Option<RecordId>,
    /// 到达受送达人系统的时间.
    pub electronic_arrived_at: Option<DateTime<Utc>>,
    /// 公告载体 (网站/报纸/公告栏).
    pub notice_medium: String,
    /// 公告发布时间.
    pub published_at: Option<DateTime<Utc>>,
    /// 其他方式无法送达的原因.
    pub why_other_methods_failed: String,
    /// Audio/video/screenshots of the service (leave-at-premises, public notice: Art. 17).
    pub av_evidence: Vec<EvidenceId>,
}

/// 送达地址确认书 / 电子送达确认书 (§61(2)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ServiceAddressConfirmation {
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 送达地址.
    pub address: String,
    /// 同意电子送达.
    pub electronic_consent: bool,
    /// 电子送达地址/渠道.
    pub electronic_address: String,
}

/// 整改复查记录 (Art. 18).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ComplianceCheckRecord {
    /// The order whose compliance is checked.
    pub order: Option<RecordId>,
    /// 复查时间.
    pub checked_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 复查情况.
    pub result: String,
    /// 是否按期改正.
    pub rectified: Option<bool>,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 约谈记录 (Art. 18: full audio/video).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InterviewRecord {
    /// 开始时间.
    pub start_at: Option<DateTime<Utc>>,
    /// 结束时间.
    pub end_at: Option<DateTime<Utc>>,
    /// 地点.
    pub place: String,
    /// 被约谈人.
    pub interviewees: Vec<Person>,
    /// 约谈事由.
    pub topic: String,
    /// 约谈内容.
    pub content: String,
    /// Officers (certificate numbers).
    pub officers: Vec<String>,
}

/// 行政处罚执行情况记录 / 罚款缴纳凭证.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExecutionRecord {
    /// 执行/缴纳时间.
    pub executed_on: Option<NaiveDate>,
    /// 执行情况.
    pub manner: String,
    /// 缴纳金额 (fen).
    pub amount_paid_fen: Option<i64>,
    /// 凭证.
    pub proof: String,
}

/// 催告书 (行政强制法 §35, §54; Art. 20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DemandNotice {
    /// 文书编号.
    pub doc_no: String,
    /// 当事人.
    pub party_id: Option<PartyId>,
    /// 履行义务.
    pub obligation: String,
    /// 履行期限.
    pub due_on: Option<NaiveDate>,
    /// 履行方式.
    pub method: String,
    /// 金额 (fen).
    pub amount_fen: Option<i64>,
    /// 陈述申辩权 told.
    pub defense_right_told: bool,
}

/// 强制执行申请书 and its result (Art. 20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CourtEnforcementApplication {
    /// 法院.
    pub court: String,
    /// 申请日期.
    pub filed_on: Option<NaiveDate>,
    /// 提交材料.
    pub documents: Vec<String>,
    /// 结果.
    pub result: String,
}

/// 行政处罚决定公示记录 (公告送达 notices use `ServiceRecord`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PublicationRecord {
    /// 公示/公告时间.
    pub published_at: Option<DateTime<Utc>>,
    /// 载体.
    pub medium: String,
    /// 网址.
    pub url: String,
    /// 内容.
    pub content: String,
}

// ---------------------------------------------------------------------------------------------
// F. 归档 Archiving
// ---------------------------------------------------------------------------------------------

/// 结案报告 / 结案审批表.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CaseClosureReport {
    /// 案件办理情况.
    pub summary: String,
    /// 处理结果.
    pub outcome: String,
    /// 结案日期.
    pub closed_on: Option<NaiveDate>,
    /// 审批.
    pub approval: Option<Approval>,
}

/// 卷内文件目录 / 音像资料登记清单: an ordered list of entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RegisterList {
    /// Entries in order.
    pub entries: Vec<String>,
    /// 移交/编制日期.
    pub compiled_on: Option<NaiveDate>,
}

/// 音像/案卷调阅、复制审批表 (Art. 24: approved by the 法制机构负责人).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AccessApproval {
    /// 申请人.
    pub requester: String,
    /// 调阅对象.
    pub targets: Vec<String>,
    /// 用途.
    pub purpose: String,
    /// 范围 (查阅/复制/导出).
    pub scope: String,
    /// 审批.
    pub approval: Option<Approval>,
}

// ---------------------------------------------------------------------------------------------
// Structural checks
// ---------------------------------------------------------------------------------------------

/// The most items any list of a body may hold.
pub const MAX_ITEMS: usize = 1_000;

/// Walks a body's JSON and checks every string: bounded, and no control characters except in
/// multi-line text. Runs for every kind, so no field escapes the limits.
pub(crate) fn check_strings(value: &serde_json::Value, path: &str) -> Result<(), ValidationError> {
    use super::validate::{LONG_TEXT, free_text};
    match value {
        serde_json::Value::String(s) => free_text(path, s, LONG_TEXT),
        serde_json::Value::Array(items) => {
            if items.len() > MAX_ITEMS {
                return Err(ValidationError::new(
                    path,
                    ValidationCode::TooMany { max: MAX_ITEMS },
                ));
            }
            for (i, v) in items.iter().enumerate() {
                check_strings(v, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_strings(v, &p)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks that an end time is not before its start.
pub(crate) fn check_span(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(), ValidationError> {
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(ValidationError::new("end_at", ValidationCode::InvalidDate));
        }
    }
    Ok(())
}

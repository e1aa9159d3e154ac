//! Records (文书, 笔录): one `RecordKind` per enforcement document type of domain.md §2.2, each
//! with its typed body.
//!
//! A record is created as a draft, may be amended (each amendment is a new *version* with a
//! reason; earlier versions stay readable forever), and is finalized to fix its content hash.
//! Signatures then bind to that hash. A record is never deleted: a withdrawal is a `void` with a
//! reason, and the voided record stays in the case file, marked.
//!
//! The body of every version is stored as the exact JSON bytes the inspector's device wrote, and
//! `content_hash = SHA-256(those bytes)`; bodies are never re-serialized to be hashed again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bodies::{self, *};
use super::{CaseId, DeviceId, RecordId, SignatureSlot};
use crate::Hash;
use crate::error::{ValidationCode, ValidationError};

macro_rules! record_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal => $body:ty ),+ $(,)?) => {
        /// The type of an enforcement document.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum RecordKind {
            $( $(#[$doc])* #[serde(rename = $code)] $variant ),+
        }

        impl RecordKind {
            /// Every kind, in the order of the stages.
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$variant),+];

            /// Stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(RecordKind::$variant => $code),+ }
            }

            /// Parses the stable code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(RecordKind::$variant),)+ _ => None }
            }

            /// An empty body of this kind, as a template to fill.
            pub fn empty_body(self) -> RecordBody {
                match self { $(RecordKind::$variant => RecordBody::$variant(<$body>::default())),+ }
            }
        }

        /// The typed content of a record; the variant is the record's kind.
        #[derive(Debug, Clone, PartialEq)]
        pub enum RecordBody {
            $( $(#[$doc])* $variant($body) ),+
        }

        impl RecordBody {
            /// The kind this body belongs to.
            pub fn kind(&self) -> RecordKind {
                match self { $(RecordBody::$variant(_) => RecordKind::$variant),+ }
            }

            /// Reads a body of `kind` from its JSON.
            pub fn from_json(kind: RecordKind, json: &str) -> Result<Self, serde_json::Error> {
                Ok(match kind {
                    $(RecordKind::$variant => RecordBody::$variant(serde_json::from_str(json)?)),+
                })
            }

            /// Writes the body as compact JSON (the bytes that will be hashed and signed).
            pub fn to_json(&self) -> Result<String, serde_json::Error> {
                match self { $(RecordBody::$variant(b) => serde_json::to_string(b)),+ }
            }

            /// The body as a JSON value (for generic checks and display).
            pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self { $(RecordBody::$variant(b) => serde_json::to_value(b)),+ }
            }
        }
    };
}

record_kinds! {
    // A. 程序启动
    /// 统计执法检查（工作）方案.
    InspectionPlan = "inspection_plan" => InspectionPlan,
    /// 检查任务（部署）通知.
    InspectionDeploymentNotice = "inspection_deployment_notice" => Notice,
    /// 问题线索登记表.
    ClueRegister = "clue_register" => ClueRegister,
    /// 举报投诉登记表 / 处理记录.
    ComplaintRecord = "complaint_record" => ComplaintRecord,
    /// 不予立案告知书.
    NonInitiationNotice = "non_initiation_notice" => Notice,
    /// 立案审批表.
    CaseInitiationApproval = "case_initiation_approval" => CaseInitiationApproval,
    /// 紧急启动记录 + 补办审批.
    EmergencyStartRecord = "emergency_start_record" => EmergencyStartRecord,
    // B. 调查取证
    /// 统计执法检查通知书.
    InspectionNotice = "inspection_notice" => InspectionNotice,
    /// 统计检查查询书.
    InspectionInquiry = "inspection_inquiry" => InspectionInquiry,
    /// 询问笔录.
    InquiryRecord = "inquiry_record" => InquiryRecord,
    /// 现场检查笔录.
    OnsiteInspectionRecord = "onsite_inspection_record" => OnsiteInspectionRecord,
    /// 调取证据通知书.
    EvidenceRequestNotice = "evidence_request_notice" => EvidenceRequestNotice,
    /// 证据材料清单 (证据登记清单).
    EvidenceList = "evidence_list" => ItemList,
    /// 证据先行登记保存审批表.
    PreservationApproval = "preservation_approval" => PreservationApproval,
    /// 证据先行登记保存通知书.
    PreservationNotice = "preservation_notice" => PreservationNotice,
    /// 证据登记保存清单.
    PreservationList = "preservation_list" => ItemList,
    /// 登记保存处理决定书.
    PreservationDisposalDecision = "preservation_disposal_decision" => PreservationDisposalDecision,
    /// 抽样取证通知书.
    SamplingNotice = "sampling_notice" => SamplingNotice,
    /// 抽样物品清单.
    SamplingList = "sampling_list" => ItemList,
    /// 鉴定（检验）意见书.
    ExpertOpinion = "expert_opinion" => ExpertOpinion,
    /// 权利（义务）告知书.
    RightsNotice = "rights_notice" => RightsNotice,
    /// 陈述申辩笔录.
    StatementDefenseRecord = "statement_defense_record" => StatementDefenseRecord,
    /// 陈述申辩复核意见.
    DefenseReview = "defense_review" => DefenseReview,
    /// 责令（限期）改正通知书.
    RectificationOrder = "rectification_order" => RectificationOrder,
    /// 案件调查终结报告.
    InvestigationFinalReport = "investigation_final_report" => InvestigationFinalReport,
    /// 现场照片/音像证据说明.
    EvidenceCaptionSheet = "evidence_caption_sheet" => EvidenceCaptionSheet,
    /// 不配合/阻碍执法记录.
    NonCooperationRecord = "non_cooperation_record" => NonCooperationRecord,
    // C. 告知 / 听证
    /// 统计行政处罚事先告知书.
    PenaltyPriorNotice = "penalty_prior_notice" => PenaltyPriorNotice,
    /// 听证告知书.
    HearingRightsNotice = "hearing_rights_notice" => HearingRightsNotice,
    /// 听证申请书.
    HearingRequest = "hearing_request" => HearingRequest,
    /// 放弃陈述申辩、听证声明.
    RightsWaiver = "rights_waiver" => RightsWaiver,
    /// 听证通知书.
    HearingNotice = "hearing_notice" => HearingNotice,
    /// 听证笔录.
    HearingRecord = "hearing_record" => HearingRecord,
    /// 听证报告.
    HearingReport = "hearing_report" => Minutes,
    // D. 审查决定
    /// 法制审核意见书.
    LegalReviewOpinion = "legal_review_opinion" => LegalReviewOpinion,
    /// 专家论证会议纪要.
    ExpertPanelMinutes = "expert_panel_minutes" => Minutes,
    /// 集体讨论记录.
    CollectiveDiscussionMinutes = "collective_discussion_minutes" => Minutes,
    /// 领导审批 (机关负责人意见 + 签名).
    LeaderApproval = "leader_approval" => ApprovalForm,
    /// 行政处罚决定审批表.
    PenaltyDecisionApproval = "penalty_decision_approval" => ApprovalForm,
    /// 统计行政处罚决定书.
    PenaltyDecision = "penalty_decision" => PenaltyDecision,
    /// 不予行政处罚决定书.
    NoPenaltyDecision = "no_penalty_decision" => NoPenaltyDecision,
    /// 当场行政处罚决定书（简易程序）.
    OnTheSpotPenaltyDecision = "on_the_spot_penalty_decision" => OnTheSpotPenaltyDecision,
    /// 案件移送函.
    CaseTransferLetter = "case_transfer_letter" => TransferLetter,
    /// 处分建议书.
    DisciplineRecommendation = "discipline_recommendation" => TransferLetter,
    // E. 送达执行
    /// 送达回证 / 送达记录.
    ServiceReceipt = "service_receipt" => ServiceRecord,
    /// 送达地址确认书 / 电子送达确认书.
    ServiceAddressConfirmation = "service_address_confirmation" => ServiceAddressConfirmation,
    /// 委托送达函.
    EntrustedServiceLetter = "entrusted_service_letter" => TransferLetter,
    /// 整改复查记录.
    ComplianceCheckRecord = "compliance_check_record" => ComplianceCheckRecord,
    /// 约谈记录.
    InterviewRecord = "interview_record" => InterviewRecord,
    /// 延期/分期缴纳罚款审批.
    PaymentDeferralApproval = "payment_deferral_approval" => ApprovalForm,
    /// 行政处罚执行情况记录.
    ExecutionRecord = "execution_record" => ExecutionRecord,
    /// 催告书.
    DemandNotice = "demand_notice" => DemandNotice,
    /// 强制执行申请书.
    CourtEnforcementApplication = "court_enforcement_application" => CourtEnforcementApplication,
    /// 行政处罚决定公示记录.
    PublicationRecord = "publication_record" => PublicationRecord,
    // F. 归档
    /// 结案报告.
    CaseClosureReport = "case_closure_report" => CaseClosureReport,
    /// 卷内文件目录.
    ArchiveIndex = "archive_index" => RegisterList,
    /// 音像资料登记（移交）清单.
    AvRegister = "av_register" => RegisterList,
    /// 音像/案卷调阅、复制审批表.
    AccessApproval = "access_approval" => AccessApproval,
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecordBody {
    /// Structural validation: every string bounded, persons and times well-formed. Whether the
    /// required fields are *present* is a finalize-time rule (`rules::requirements`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        let value = self
            .to_value()
            .map_err(|_| ValidationError::new("body", ValidationCode::BadFormat))?;
        bodies::check_strings(&value, "")?;
        let persons = |field: &str, ps: &[super::Person]| {
            super::validate::each(field, ps, super::Person::validate)
        };
        let person = |field: &str, p: &Option<super::Person>| match p {
            Some(p) => p.validate().map_err(|e| e.within(field)),
            None => Ok(()),
        };
        match self {
            RecordBody::InquiryRecord(b) => {
                check_span(b.start_at, b.end_at)?;
                person("interviewee", &b.interviewee)
            }
            RecordBody::OnsiteInspectionRecord(b) => {
                check_span(b.start_at, b.end_at)?;
                persons("present", &b.present)
            }
            RecordBody::StatementDefenseRecord(b) => {
                check_span(b.start_at, b.end_at)?;
                person("speaker", &b.speaker)
            }
            RecordBody::HearingRecord(b) => check_span(b.start_at, b.end_at),
            RecordBody::InterviewRecord(b) => {
                check_span(b.start_at, b.end_at)?;
                persons("interviewees", &b.interviewees)
            }
            RecordBody::NonCooperationRecord(b) => persons("persons", &b.persons),
            RecordBody::EvidenceList(b)
            | RecordBody::PreservationList(b)
            | RecordBody::SamplingList(b) => person("provider", &b.provider),
            RecordBody::ServiceReceipt(b) => {
                person("receiver", &b.receiver)?;
                persons("witnesses", &b.witnesses)
            }
            RecordBody::PenaltyDecision(b) => check_fine(b.penalty.as_ref()),
            RecordBody::PenaltyPriorNotice(b) => check_fine(b.proposed_penalty.as_ref()),
            RecordBody::OnTheSpotPenaltyDecision(b) => check_fine(b.penalty.as_ref()),
            _ => Ok(()),
        }
    }

    /// Certificate numbers of the officers the body names (empty for kinds that name none).
    pub fn officers(&self) -> &[String] {
        match self {
            RecordBody::InspectionNotice(b) => &b.officers,
            RecordBody::InquiryRecord(b) => &b.officers,
            RecordBody::OnsiteInspectionRecord(b) => &b.officers,
            RecordBody::EvidenceRequestNotice(b) => &b.officers,
            RecordBody::EvidenceList(b)
            | RecordBody::PreservationList(b)
            | RecordBody::SamplingList(b) => &b.officers,
            RecordBody::PreservationNotice(b) => &b.officers,
            RecordBody::SamplingNotice(b) => &b.officers,
            RecordBody::RightsNotice(b) => &b.officers,
            RecordBody::StatementDefenseRecord(b) => &b.officers,
            RecordBody::NonCooperationRecord(b) => &b.officers,
            RecordBody::OnTheSpotPenaltyDecision(b) => &b.officers,
            RecordBody::ServiceReceipt(b) => &b.officers,
            RecordBody::ComplianceCheckRecord(b) => &b.officers,
            RecordBody::InterviewRecord(b) => &b.officers,
            _ => &[],
        }
    }
}

/// The largest amount in fen a fine or payment may carry. Statute caps fines at 50万元
/// (统计法 §44); this leaves headroom and refuses nonsense.
pub const MAX_FEN: i64 = 10_000_000_000;

fn check_fine(p: Option<&Penalty>) -> Result<(), ValidationError> {
    match p.and_then(|p| p.fine_fen) {
        Some(f) if !(0..=MAX_FEN).contains(&f) => Err(ValidationError::new(
            "penalty.fine_fen",
            ValidationCode::OutOfRange,
        )),
        _ => Ok(()),
    }
}

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Being filled in; may be amended freely (each amendment is still journaled).
    Draft,
    /// Content hash fixed; signatures bind to it.
    Finalized,
    /// Withdrawn with a reason; kept in the file, marked.
    Void,
}

impl RecordStatus {
    /// Stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::Finalized => "finalized",
            RecordStatus::Void => "void",
        }
    }
}

/// A record as the store holds it: its current version and status.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Record id.
    pub id: RecordId,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// Document type.
    pub kind: RecordKind,
    /// Current version (1 for the first).
    pub version: u32,
    /// Status.
    pub status: RecordStatus,
    /// The body of the current version.
    pub body: RecordBody,
    /// The exact JSON bytes of the current version's body.
    pub content: String,
    /// SHA-256 of `content`.
    pub content_hash: Hash,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When it was finalized, if it was.
    pub finalized_at: Option<DateTime<Utc>>,
    /// Why it was voided, if it was.
    pub void_reason: Option<String>,
    /// The device that owns it (only the owner amends or finalizes it).
    pub device_id: DeviceId,
    /// Its signature slots.
    pub slots: Vec<SignatureSlot>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_its_empty_body() {
        for &kind in RecordKind::ALL {
            assert_eq!(RecordKind::parse(kind.as_str()), Some(kind));
            let body = kind.empty_body();
            assert_eq!(body.kind(), kind);
            let json = body.to_json().unwrap();
            let back = RecordBody::from_json(kind, &json).unwrap();
            assert_eq!(back, body, "{kind}");
            assert_eq!(back.validate(), Ok(()), "{kind}");
        }
        assert!(RecordKind::ALL.len() >= 55);
    }

    #[test]
    fn structural_checks() {
        let mut b = InquiryRecord {
            start_at: Some("2026-11-28T02:00:00Z".parse().unwrap()),
            end_at: Some("2026-11-28T01:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        let e = RecordBody::InquiryRecord(b.clone()).validate().unwrap_err();
        assert_eq!(e.field, "end_at");
        b.end_at = None;
        b.place = "a\u{7}".into();
        let e = RecordBody::InquiryRecord(b.clone()).validate().unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("place", ValidationCode::ControlCharacters)
        );
        b.place = "会议室".into();
        b.qa = vec![QaTurn {
            question: "q".into(),
            answer: "x".repeat(30_000),
        }];
        let e = RecordBody::InquiryRecord(b.clone()).validate().unwrap_err();
        assert_eq!(e.field, "qa[0].answer");
        b.qa.clear();
        b.interviewee = Some(super::super::Person {
            name: "王五".into(),
            id_doc: Some(super::super::IdDocument {
                doc_type: super::super::IdDocType::ResidentIdCard,
                number: "110105194912310021".into(),
            }),
            ..Default::default()
        });
        let e = RecordBody::InquiryRecord(b).validate().unwrap_err();
        assert_eq!(e.field, "interviewee.id_doc.number");
        let d = PenaltyDecision {
            penalty: Some(Penalty {
                fine_fen: Some(-1),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(RecordBody::PenaltyDecision(d).validate().is_err());
    }
}

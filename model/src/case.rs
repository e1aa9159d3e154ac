//! The case (案件) and the inspection that often comes before it.
//!
//! In statistics work an inspection usually precedes the case: evidence is gathered during a
//! 检查 and the case is filed afterwards. Both live here as one `Case` whose `status` says
//! where it stands (`pre_check` for an inspection), so records and evidence never need to be
//! moved or re-created when an inspection becomes a case. The stage (程序启动 … 归档) is derived
//! from the status, never stored separately, so the two cannot disagree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validate::{self, LONG_TEXT, SHORT_TEXT};
use super::{CaseId, DeviceId, Officer, Party};
use crate::error::{ValidationCode, ValidationError};

/// Generates a fieldless enum with a stable snake_case code, `ALL`, `as_str` and `parse`. The
/// code is also the serde name and the catalogue key suffix. Used by the rules crate too (its
/// users need `serde` as a dependency).
#[macro_export]
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stable snake_case code (also the serde name and the catalogue key suffix).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the stable code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// 案由: the violation the case is about (统计法 2024 §44–45).
    ViolationType {
        /// 拒绝提供/经催报仍未按时提供统计资料.
        RefuseOrLateAfterReminder = "refuse_or_late_after_reminder",
        /// 提供不真实统计资料.
        FalseData = "false_data",
        /// 提供不完整统计资料.
        IncompleteData = "incomplete_data",
        /// 拒绝答复或者不如实答复统计检查查询书.
        RefuseOrFalseInquiryReply = "refuse_or_false_inquiry_reply",
        /// 拒绝、阻碍统计调查、统计检查.
        ObstructSurveyOrInspection = "obstruct_survey_or_inspection",
        /// 转移、隐匿、篡改、毁弃资料.
        TamperRecords = "tamper_records",
        /// 迟报统计资料.
        LateReport = "late_report",
        /// 未按规定设置原始记录、统计台账.
        NoOriginalRecordsOrLedger = "no_original_records_or_ledger",
        /// 其他.
        Other = "other",
    }
);

code_enum!(
    /// 案件来源.
    CaseSource {
        /// 双随机抽查.
        DoubleRandom = "double_random",
        /// 专项检查.
        SpecialInspection = "special_inspection",
        /// 重点检查.
        KeyInspection = "key_inspection",
        /// 举报投诉.
        Complaint = "complaint",
        /// 上级交办.
        HigherAssigned = "higher_assigned",
        /// 部门移送.
        DeptReferral = "dept_referral",
        /// 数据审核发现.
        DataReview = "data_review",
        /// 其他.
        Other = "other",
    }
);

code_enum!(
    /// 一般程序 or 简易程序.
    Procedure {
        /// 一般程序.
        General = "general",
        /// 简易程序 (当场处罚, 行政处罚法 §51).
        Simplified = "simplified",
    }
);

code_enum!(
    /// The five stages the regulation (Art. 2) structures a case into.
    CaseStage {
        /// 程序启动.
        Initiation = "initiation",
        /// 调查取证.
        Investigation = "investigation",
        /// 审查决定.
        ReviewDecision = "review_decision",
        /// 送达执行.
        ServiceExecution = "service_execution",
        /// 归档.
        Archiving = "archiving",
    }
);

code_enum!(
    /// The finer status of a case (domain.md §3.1).
    CaseStatus {
        /// 线索登记.
        ClueRegistered = "clue_registered",
        /// 检查/初查 — an inspection, before or without a case.
        PreCheck = "pre_check",
        /// 不予立案 (terminal).
        NotInitiated = "not_initiated",
        /// 立案.
        Filed = "filed",
        /// 调查取证.
        Investigating = "investigating",
        /// 调查终结.
        InvestigationConcluded = "investigation_concluded",
        /// 法制审核.
        LegalReview = "legal_review",
        /// 告知（待陈述申辩/听证申请）.
        PriorNotice = "prior_notice",
        /// 听证.
        Hearing = "hearing",
        /// 集体讨论/审批.
        Deliberation = "deliberation",
        /// 决定.
        Decided = "decided",
        /// 送达.
        Serving = "serving",
        /// 执行.
        Executing = "executing",
        /// 不予处罚.
        NoPenalty = "no_penalty",
        /// 移送.
        Transferred = "transferred",
        /// 撤销立案.
        Withdrawn = "withdrawn",
        /// 检查结束、未发现违法.
        InspectionClosed = "inspection_closed",
        /// 结案.
        Closed = "closed",
        /// 归档 (terminal, read-only).
        Archived = "archived",
    }
);

impl CaseStatus {
    /// The stage this status belongs to.
    pub fn stage(self) -> CaseStage {
        use CaseStatus::*;
        match self {
            ClueRegistered | NotInitiated | Filed => CaseStage::Initiation,
            PreCheck | Investigating | InvestigationConcluded => CaseStage::Investigation,
            LegalReview | PriorNotice | Hearing | Deliberation | Decided | NoPenalty
            | Transferred | Withdrawn => CaseStage::ReviewDecision,
            Serving | Executing => CaseStage::ServiceExecution,
            InspectionClosed | Closed | Archived => CaseStage::Archiving,
        }
    }

    /// Statuses a case may start in.
    pub fn is_initial(self) -> bool {
        matches!(
            self,
            CaseStatus::ClueRegistered | CaseStatus::PreCheck | CaseStatus::Filed
        )
    }

    /// Whether the case has ended (no more enforcement acts are recorded).
    pub fn is_ended(self) -> bool {
        matches!(
            self,
            CaseStatus::Closed
                | CaseStatus::Archived
                | CaseStatus::InspectionClosed
                | CaseStatus::NotInitiated
        )
    }
}

/// A legal basis with the law *version*: the 2024 amendment of 统计法 renumbered its articles,
/// so "第四十四条" means different things in the 2009 and 2024 texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LegalBasis {
    /// Name of the law, e.g. `中华人民共和国统计法`.
    pub law: String,
    /// Version, e.g. `2024` (the amendment year) or a date.
    pub version: String,
    /// Article number as written in the law (`44` or `第四十四条`).
    pub article: String,
    /// Clause/item, e.g. `1(2)`.
    pub clause: Option<String>,
}

impl LegalBasis {
    /// Checks that law, version and article are given.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::required_line("law", &self.law, SHORT_TEXT)?;
        validate::required_line("version", &self.version, 40)?;
        validate::required_line("article", &self.article, 40)?;
        if let Some(c) = &self.clause {
            validate::optional_line("clause", c, 40)?;
        }
        Ok(())
    }
}

/// What the inspector enters to open a case or an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseDraft {
    /// 案号 (e.g. the 立案 approval number) or 检查任务号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// 案由.
    pub cause: ViolationType,
    /// 案由 in words.
    pub cause_text: String,
    /// Legal basis, each with its law version.
    pub legal_basis: Vec<LegalBasis>,
    /// 一般程序 / 简易程序.
    pub procedure: Procedure,
    /// 重大案件: needs a legality review (Art. 6) and collective discussion.
    pub is_major: bool,
    /// Started before approval in an emergency: approval due within 24 h (Art. 6).
    pub emergency_start: bool,
    /// 案件来源.
    pub source: CaseSource,
    /// 承办机构.
    pub handling_unit: String,
    /// Status to start in: `pre_check` (inspection), `filed` or `clue_registered`.
    pub initial_status: CaseStatus,
    /// At least two officers (统计法 §38, 行政处罚法 §42).
    pub officers: Vec<Officer>,
    /// The parties (当事人).
    pub parties: Vec<Party>,
}

impl Default for CaseDraft {
    fn default() -> Self {
        Self {
            case_no: String::new(),
            title: String::new(),
            cause: ViolationType::Other,
            cause_text: String::new(),
            legal_basis: Vec::new(),
            procedure: Procedure::General,
            is_major: false,
            emergency_start: false,
            source: CaseSource::DoubleRandom,
            handling_unit: String::new(),
            initial_status: CaseStatus::PreCheck,
            officers: Vec::new(),
            parties: Vec::new(),
        }
    }
}

/// Minimum number of officers on a case and on every enforcement record.
pub const MIN_OFFICERS: usize = 2;

impl CaseDraft {
    /// Checks every field; the first problem found is returned with its full path.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::required_line("case_no", &self.case_no, 64)?;
        validate::required_line("title", &self.title, SHORT_TEXT)?;
        validate::free_text("cause_text", &self.cause_text, LONG_TEXT)?;
        validate::optional_line("handling_unit", &self.handling_unit, SHORT_TEXT)?;
        validate::each("legal_basis", &self.legal_basis, LegalBasis::validate)?;
        if !self.initial_status.is_initial() {
            return Err(ValidationError::new(
                "initial_status",
                ValidationCode::NotAllowed,
            ));
        }
        if self.procedure == Procedure::Simplified && self.is_major {
            return Err(ValidationError::new(
                "is_major",
                ValidationCode::Inconsistent,
            ));
        }
        if self.officers.len() < MIN_OFFICERS {
            return Err(ValidationError::new(
                "officers",
                ValidationCode::TooFew { min: MIN_OFFICERS },
            ));
        }
        if self.officers.len() > 20 {
            return Err(ValidationError::new(
                "officers",
                ValidationCode::TooMany { max: 20 },
            ));
        }
        validate::each("officers", &self.officers, Officer::validate)?;
        for (i, o) in self.officers.iter().enumerate() {
            if self.officers[..i].iter().any(|p| p.cert_no == o.cert_no) {
                return Err(ValidationError::new(
                    format!("officers[{i}].cert_no"),
                    ValidationCode::Duplicate,
                ));
            }
        }
        if self.parties.len() > 50 {
            return Err(ValidationError::new(
                "parties",
                ValidationCode::TooMany { max: 50 },
            ));
        }
        validate::each("parties", &self.parties, Party::validate)?;
        for (i, p) in self.parties.iter().enumerate() {
            if self.parties[..i].iter().any(|q| q.id == p.id) {
                return Err(ValidationError::new(
                    format!("parties[{i}].id"),
                    ValidationCode::Duplicate,
                ));
            }
        }
        Ok(())
    }
}

/// A saved case: the draft as entered, plus what the journal gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Case id.
    pub id: CaseId,
    /// What was entered.
    #[serde(flatten)]
    pub info: CaseDraft,
    /// Current status.
    pub status: CaseStatus,
    /// When it was opened (device time, UTC).
    pub opened_at: DateTime<Utc>,
    /// The device that opened it.
    pub opened_by: DeviceId,
}

impl Case {
    /// The stage, derived from the status.
    pub fn stage(&self) -> CaseStage {
        self.status.stage()
    }

    /// Finds an officer of this case by certificate number.
    pub fn officer(&self, cert_no: &str) -> Option<&Officer> {
        self.info.officers.iter().find(|o| o.cert_no == cert_no)
    }
}

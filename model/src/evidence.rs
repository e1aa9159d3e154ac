//! Evidence item metadata (证据/音像资料): what was captured, where, when, by whom, and the
//! hashes that tie the metadata to the untouched original file and its derivatives.
//!
//! The bytes themselves live in the media store; this is what the journal signs about them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CaseId, DeviceId, EvidenceId, RecordId};
use crate::Hash;
use crate::code_enum;

code_enum!(
    /// What kind of file the evidence is.
    EvidenceKind {
        /// 照片.
        Photo = "photo",
        /// 视频.
        Video = "video",
        /// 录音.
        Audio = "audio",
        /// 扫描件.
        Scan = "scan",
        /// 截图.
        Screenshot = "screenshot",
        /// 手写签名 (strokes + rendered image).
        Signature = "signature",
        /// 其他文件 / 电子数据.
        File = "file",
    }
);

impl EvidenceKind {
    /// Audio or video: must reach the back office within 24 h (Art. 21).
    pub fn is_av(self) -> bool {
        matches!(self, EvidenceKind::Video | EvidenceKind::Audio)
    }

    /// Counts as an audiovisual record (音像记录) for the AV rules: photo, audio, video, screenshot.
    pub fn counts_as_av_record(self) -> bool {
        matches!(
            self,
            EvidenceKind::Photo
                | EvidenceKind::Video
                | EvidenceKind::Audio
                | EvidenceKind::Screenshot
        )
    }
}

code_enum!(
    /// 行政处罚法 §46 evidence categories.
    LegalCategory {
        /// 书证.
        Documentary = "documentary",
        /// 物证.
        Physical = "physical",
        /// 视听资料.
        Audiovisual = "audiovisual",
        /// 电子数据.
        Electronic = "electronic",
        /// 证人证言.
        Witness = "witness",
        /// 当事人陈述.
        PartyStatement = "party_statement",
        /// 鉴定意见.
        ExpertOpinion = "expert_opinion",
        /// 勘验笔录、现场笔录.
        SiteRecord = "site_record",
    }
);

code_enum!(
    /// The activity during which a recording was made (domain.md §4.3).
    RecordedActivity {
        /// 电话举报受理.
        PhoneTipoff = "phone_tipoff",
        /// 现场检查.
        OnsiteInspection = "onsite_inspection",
        /// 询问.
        Inquiry = "inquiry",
        /// 调查取证.
        EvidenceCollection = "evidence_collection",
        /// 登记保存.
        Preservation = "preservation",
        /// 抽样.
        Sampling = "sampling",
        /// 统计数据与实体核查.
        DataVsEntityCheck = "data_vs_entity_check",
        /// 听证.
        Hearing = "hearing",
        /// 专家论证.
        ExpertPanel = "expert_panel",
        /// 集体讨论.
        CollectiveDiscussion = "collective_discussion",
        /// 直接送达.
        ServiceDirect = "service_direct",
        /// 留置送达.
        ServiceLeave = "service_leave",
        /// 公告送达.
        ServicePublicNotice = "service_public_notice",
        /// 整改复查.
        ComplianceCheck = "compliance_check",
        /// 约谈.
        Interview = "interview",
        /// 拒签.
        RefusalToSign = "refusal_to_sign",
        /// 阻碍执法.
        Obstruction = "obstruction",
        /// 其他.
        Other = "other",
    }
);

impl RecordedActivity {
    /// The activity a record of this kind records, as a default for evidence captured for it.
    pub fn for_record(body: &super::RecordBody) -> Self {
        use super::RecordBody as B;
        use super::bodies::ServiceMethod as M;
        match body {
            B::OnsiteInspectionRecord(_) => Self::OnsiteInspection,
            B::InquiryRecord(_) | B::StatementDefenseRecord(_) => Self::Inquiry,
            B::EvidenceRequestNotice(_) | B::EvidenceList(_) | B::EvidenceCaptionSheet(_) => {
                Self::EvidenceCollection
            }
            B::PreservationNotice(_) | B::PreservationList(_) | B::PreservationApproval(_) => {
                Self::Preservation
            }
            B::SamplingNotice(_) | B::SamplingList(_) => Self::Sampling,
            B::HearingRecord(_) => Self::Hearing,
            B::ExpertPanelMinutes(_) => Self::ExpertPanel,
            B::CollectiveDiscussionMinutes(_) => Self::CollectiveDiscussion,
            B::ComplianceCheckRecord(_) => Self::ComplianceCheck,
            B::InterviewRecord(_) => Self::Interview,
            B::NonCooperationRecord(_) => Self::Obstruction,
            B::ClueRegister(_) | B::ComplaintRecord(_) => Self::PhoneTipoff,
            B::ServiceReceipt(s) => match s.method {
                Some(M::LeaveAtPremises) => Self::ServiceLeave,
                Some(M::PublicNotice) => Self::ServicePublicNotice,
                _ => Self::ServiceDirect,
            },
            _ => Self::Other,
        }
    }
}

/// Coordinate reference system of a GPS reading. Chinese map SDKs return GCJ-02.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Crs {
    /// WGS-84 (raw GNSS).
    #[default]
    Wgs84,
    /// GCJ-02 (Chinese map SDKs).
    Gcj02,
}

/// The host's location reading at capture time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fix", rename_all = "snake_case")]
pub enum LocationReading {
    /// A fix.
    Fix {
        /// Latitude in degrees.
        lat: f64,
        /// Longitude in degrees.
        lon: f64,
        /// Horizontal accuracy in metres.
        accuracy_m: Option<f64>,
        /// Coordinate system.
        crs: Crs,
        /// When the fix was taken.
        fixed_at: Option<DateTime<Utc>>,
    },
    /// No fix, and why (indoors, permission denied, timed out …).
    NoFix {
        /// Why.
        reason: String,
    },
}

/// Hashes and facts about one stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// Plain SHA-256 of the bytes.
    pub sha256: Hash,
    /// Size in bytes.
    pub size: u64,
    /// MIME type sniffed from the content.
    pub mime: String,
}

/// An evidence item as the journal records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Evidence id.
    pub id: EvidenceId,
    /// The case.
    pub case_id: CaseId,
    /// The record it belongs to, if any.
    pub record_id: Option<RecordId>,
    /// File kind.
    pub kind: EvidenceKind,
    /// Evidence category.
    pub category: Option<LegalCategory>,
    /// Activity recorded.
    pub activity: RecordedActivity,
    /// 证明对象 (用于证明…).
    pub purpose: String,
    /// The original, untouched.
    pub original: StoredFile,
    /// The watermarked derivative, when one was made.
    pub derivative: Option<StoredFile>,
    /// When it was captured (host time, UTC).
    pub captured_at: DateTime<Utc>,
    /// Certificate number of the capturing officer.
    pub captured_by: String,
    /// Where.
    pub location: Option<LocationReading>,
    /// Reverse-geocoded address, when the host had one.
    pub address: String,
    /// The capturing device.
    pub device_id: DeviceId,
}

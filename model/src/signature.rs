//! Signature slots (签名栏) and their outcomes, including the refusal to sign (拒签).
//!
//! A slot is created with its record (who must sign, in which role, with which affirmation).
//! It ends as signed, sealed, fingerprinted, refused, unable, absent or not required. Refusal is
//! a first-class outcome: it carries the reason, the officer who noted it, an optional witness
//! and the audio/video evidence made there and then (Art. 9, 17). A later signature (the party
//! changes its mind) does not erase the refusal: the slot keeps every outcome in order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{EvidenceId, Person, RecordId, SlotId};
use crate::Hash;
use crate::code_enum;

code_enum!(
    /// Who signs in a slot (domain.md §6.1 SignatureSlot.role).
    SignerRole {
        /// 当事人.
        Party = "party",
        /// 法定代表人.
        LegalRep = "legal_rep",
        /// 委托代理人.
        Agent = "agent",
        /// 被询问人.
        Interviewee = "interviewee",
        /// 见证人.
        Witness = "witness",
        /// 执法人员.
        Officer = "officer",
        /// 记录人.
        Recorder = "recorder",
        /// 听证主持人.
        HearingHost = "hearing_host",
        /// 送达人.
        ServingOfficer = "serving_officer",
        /// 受送达人/代收人.
        Recipient = "recipient",
        /// 提供人/被取证人.
        Provider = "provider",
        /// 审核人.
        Reviewer = "reviewer",
        /// 审批人.
        Approver = "approver",
    }
);

impl SignerRole {
    /// Whether the signer is one of the case's officers (signs with a certificate number).
    pub fn is_officer(self) -> bool {
        matches!(
            self,
            SignerRole::Officer
                | SignerRole::Recorder
                | SignerRole::HearingHost
                | SignerRole::ServingOfficer
                | SignerRole::Reviewer
                | SignerRole::Approver
        )
    }
}

/// The slot's description, fixed when the record is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SlotSpec {
    /// Role of the signer.
    pub role: Option<SignerRole>,
    /// Name of the expected signer, when known.
    pub signer_name: String,
    /// Certificate number, when the signer is an officer.
    pub cert_no: Option<String>,
    /// Whether the record is incomplete without this slot's outcome.
    pub required: bool,
    /// Text the signer affirms, e.g. 以上笔录我看过，与我说的相符.
    pub affirmation: String,
}

code_enum!(
    /// Pick-list of why a signature was refused; `other` needs free text.
    RefusalReason {
        /// 对笔录内容有异议.
        DisputesContent = "disputes_content",
        /// 拒不配合、拒绝签字.
        RefusesToCooperate = "refuses_to_cooperate",
        /// 需请示上级/法定代表人.
        NeedsAuthorisation = "needs_authorisation",
        /// 称无权签字.
        ClaimsNoAuthority = "claims_no_authority",
        /// 拒绝接收文书.
        RefusesDocument = "refuses_document",
        /// 其他.
        Other = "other",
    }
);

/// A witness to a refusal or a leave-at-premises service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Witness {
    /// Who.
    pub person: Person,
    /// Role in words when no ID is taken (e.g. 社区工作人员, 物业经理).
    pub role_text: String,
    /// The witness's own signature, when given.
    pub signature: Option<SignatureMark>,
}

/// A rendered handwritten signature bound to the content it signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureMark {
    /// SHA-256 of the stroke data as captured.
    pub strokes_sha256: Hash,
    /// SHA-256 of the rendered PNG.
    pub image_sha256: Hash,
    /// Where the stroke data and image are kept (evidence item of kind `signature`).
    pub evidence_id: EvidenceId,
}

/// A refusal to sign (拒签), as Art. 9 requires it be recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// Reason from the pick list.
    pub reason: RefusalReason,
    /// Reason in words (required for `other`, welcome always).
    pub reason_text: String,
    /// Certificate number of the officer who noted the refusal on the record.
    pub noted_by: String,
    /// The officer's annotation on the record.
    pub annotation: String,
    /// A witness, when one was present.
    pub witness: Option<Witness>,
    /// Audio/video/photo evidence made there and then (at least one).
    pub av_evidence: Vec<EvidenceId>,
    /// The record version's content hash the refusal concerns.
    pub content_hash: Hash,
}

/// How a slot ended. A slot may hold several outcomes over time (refused, then signed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SlotOutcome {
    /// Signed by hand on screen.
    Signed {
        /// The mark.
        mark: SignatureMark,
        /// The content hash of the record version signed.
        content_hash: Hash,
        /// The affirmation written or accepted by the signer.
        affirmation: String,
    },
    /// Sealed (盖章) or signed in wet ink on paper; the scan is evidence.
    Sealed {
        /// The scan or photo of the sealed page.
        scan: EvidenceId,
        /// The content hash of the record version sealed.
        content_hash: Hash,
    },
    /// Refused.
    Refused(Box<Refusal>),
    /// Unable to sign (illiterate, injured …), with the reason.
    Unable {
        /// Why.
        reason: String,
    },
    /// Absent, with the reason.
    Absent {
        /// Why.
        reason: String,
    },
    /// Not required for this record, with the reason.
    NotRequired {
        /// Why.
        reason: String,
    },
}

impl SlotOutcome {
    /// Every code `code` can return (the catalogues hold `slot-<code>` for each); the test below
    /// fails to compile when a variant is added, pointing here.
    pub const CODES: &'static [&'static str] = &[
        "signed",
        "sealed",
        "refused",
        "unable",
        "absent",
        "not_required",
    ];

    /// Stable code of the outcome.
    pub fn code(&self) -> &'static str {
        match self {
            SlotOutcome::Signed { .. } => "signed",
            SlotOutcome::Sealed { .. } => "sealed",
            SlotOutcome::Refused(_) => "refused",
            SlotOutcome::Unable { .. } => "unable",
            SlotOutcome::Absent { .. } => "absent",
            SlotOutcome::NotRequired { .. } => "not_required",
        }
    }
}

/// One outcome with the time it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotEntry {
    /// When (device time, UTC).
    pub at: DateTime<Utc>,
    /// The outcome.
    pub outcome: SlotOutcome,
}

/// A signature slot of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureSlot {
    /// Slot id.
    pub id: SlotId,
    /// The record.
    pub record_id: RecordId,
    /// The record version whose content the slot signs.
    pub version: u32,
    /// Who and how.
    pub spec: SlotSpec,
    /// Every outcome, oldest first. Empty while pending.
    pub history: Vec<SlotEntry>,
}

impl SignatureSlot {
    /// Every state `status` can return: `pending` and each outcome's code.
    pub fn states() -> Vec<&'static str> {
        let mut all = vec!["pending"];
        all.extend_from_slice(SlotOutcome::CODES);
        all
    }

    /// The current status code: `pending` or the latest outcome's code.
    pub fn status(&self) -> &'static str {
        self.history.last().map_or("pending", |e| e.outcome.code())
    }

    /// The latest outcome, if any.
    pub fn outcome(&self) -> Option<&SlotOutcome> {
        self.history.last().map(|e| &e.outcome)
    }
}

#[cfg(test)]
mod codes_tests {
    use super::*;

    /// No wildcard: a new outcome does not compile until it is listed here and its code added
    /// to `SlotOutcome::CODES`.
    #[allow(dead_code)]
    fn listed(o: &SlotOutcome) -> usize {
        match o {
            SlotOutcome::Signed { .. } => 0,
            SlotOutcome::Sealed { .. } => 1,
            SlotOutcome::Refused(_) => 2,
            SlotOutcome::Unable { .. } => 3,
            SlotOutcome::Absent { .. } => 4,
            SlotOutcome::NotRequired { .. } => 5,
        }
    }

    #[test]
    fn codes_has_one_code_per_outcome() {
        let o = SlotOutcome::Unable { reason: "x".into() };
        assert_eq!(SlotOutcome::CODES[listed(&o)], o.code());
        let o = SlotOutcome::NotRequired { reason: "x".into() };
        assert_eq!(SlotOutcome::CODES[listed(&o)], o.code());
        assert_eq!(SlotOutcome::CODES.len(), 6);
        assert_eq!(SignatureSlot::states()[0], "pending");
    }
}

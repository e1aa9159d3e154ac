//! The domain events the journal carries: every change to anything is one of these first.
//!
//! The event kind lives in the signed header (`record.finalized`, …); the body is the JSON of
//! the matching struct below and is parsed according to the header's kind. Record content is
//! carried as raw JSON (`RawValue`) so the exact bytes the device hashed stay the bytes that
//! are stored, shipped and verified — they are never re-serialized.
//!
//! Adding a kind: add a struct, list it in `events!`, teach `store::projection::apply` what it
//! changes. Never change the meaning of an existing kind: old events must read the same forever.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::Result;
use crate::journal::Hash;
use crate::model::{
    BackofficeDecision, CaseDraft, CaseId, CaseStatus, DeviceId, EvidenceItem, EvidenceKind,
    FindingKey, RecordId, RecordKind, SlotId, SlotSpec,
};

/// First event of every chain: the device announces its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceGenesis {
    /// ed25519 public key, hex.
    pub public_key: String,
    /// Signature algorithm the chain uses.
    pub alg: String,
    /// Software that wrote it.
    pub software: String,
}

/// A case or inspection was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOpened {
    /// New case id.
    pub case_id: CaseId,
    /// What was entered.
    pub case: CaseDraft,
}

/// A case moved to another status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStatusChanged {
    /// The case.
    pub case_id: CaseId,
    /// Status before.
    pub from: CaseStatus,
    /// Status after.
    pub to: CaseStatus,
    /// Why, in words.
    pub reason: String,
}

/// A signature slot created with a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSlot {
    /// Slot id.
    pub slot_id: SlotId,
    /// Who signs, how.
    pub spec: SlotSpec,
}

/// A record was created (version 1, draft).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordAdded {
    /// New record id.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// Document type.
    pub kind: RecordKind,
    /// Body JSON, exactly as hashed.
    pub content: Box<RawValue>,
}

/// A record got a new version (a correction), with the reason. The old version stays.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordAmended {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// The new version number.
    pub version: u32,
    /// The version it corrects.
    pub amends_version: u32,
    /// Content hash of the version it corrects.
    pub amends_hash: Hash,
    /// New body JSON, exactly as hashed.
    pub content: Box<RawValue>,
    /// Why.
    pub reason: String,
}

/// A record version was finalized: its content hash is fixed, and the signature slots of this
/// version are created (who must sign depends on the final content, e.g. the service method).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordFinalized {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// The version finalized.
    pub version: u32,
    /// Its content hash.
    pub content_hash: Hash,
    /// The signature slots of this version.
    pub slots: Vec<NewSlot>,
}

/// A record was withdrawn. It stays in the file, marked void, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordVoided {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// Why.
    pub reason: String,
}

/// A leader approved setting aside blocking findings, with the reason (rules: a case cannot be
/// closed or archived while a blocking finding stands, unless so approved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideApproved {
    /// The case.
    pub case_id: CaseId,
    /// The findings set aside.
    pub findings: Vec<FindingKey>,
    /// Why.
    pub reason: String,
    /// The finalized leader approval record that authorises it.
    pub approval_record: RecordId,
}

/// What became of the watermark when a file was captured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WatermarkOutcome {
    /// A derivative was made (its hash is in the item); the exact lines burned in.
    Made {
        /// Upright width.
        width: u32,
        /// Upright height.
        height: u32,
        /// EXIF orientation applied (1–8).
        orientation: u32,
        /// The text of the band, line by line.
        lines: Vec<String>,
    },
    /// Not a still image (video, audio, other files): no watermark by design.
    NotApplicable,
    /// An image that could not be watermarked; the original is kept all the same.
    Failed {
        /// Why.
        error: crate::media::MediaError,
    },
}

/// A file was captured as evidence: the original stored untouched, perhaps a derivative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceCaptured {
    /// The item, with the hashes of the original and derivative.
    pub item: EvidenceItem,
    /// What the file's EXIF says, if it had any.
    pub exif: Option<crate::media::ExifSummary>,
    /// The kind the host said it was, if that differs from what the content is.
    pub claimed_kind: Option<EvidenceKind>,
    /// The file name as the host had it (informational).
    pub original_name: String,
    /// The watermark outcome.
    pub watermark: WatermarkOutcome,
}

/// A signature slot was signed by hand, bound to the content hash of the version signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotSigned {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// The slot.
    pub slot_id: SlotId,
    /// The record version signed.
    pub version: u32,
    /// Its content hash: what the signer saw.
    pub content_hash: Hash,
    /// The affirmation the signer wrote or accepted.
    pub affirmation: String,
    /// The signature's evidence item: strokes as captured (original), rendered PNG (derivative).
    pub signature: EvidenceItem,
}

/// A signature slot was refused, with everything Art. 9 asks for; a witness's own signature, if
/// given, is an evidence item of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotRefused {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// The slot.
    pub slot_id: SlotId,
    /// The record version concerned.
    pub version: u32,
    /// The refusal.
    pub refusal: crate::model::Refusal,
    /// The witness's signature, if the witness signed.
    pub witness_signature: Option<EvidenceItem>,
}

/// The back office decided on a case: a leader's approval or a legal review opinion, entered at
/// the bureau and signed by the back office's chain. Honoured only from a back-office chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackofficeDecided {
    /// The case.
    pub case_id: CaseId,
    /// The decision.
    pub decision: BackofficeDecision,
}

/// The back office assigned a case to officers (certificate numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAssigned {
    /// The case.
    pub case_id: CaseId,
    /// 案号, so the phone can show the assignment before it holds the case.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    /// 备注.
    pub note: String,
}

/// The back office revoked a device key (a lost or stolen phone): events that device signs at or
/// after `effective_at` are flagged `signed_after_revocation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceRevoked {
    /// The device.
    pub device_id: DeviceId,
    /// From when its signatures are no longer trusted.
    pub effective_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// The device compared its clock with the back office's during a sync (DESIGN "Time").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockSkewObserved {
    /// The server's time, from its signed answer.
    pub server_time: DateTime<Utc>,
    /// Device time minus server time, milliseconds (positive: the phone is ahead).
    pub skew_ms: i64,
}

macro_rules! events {
    ($($variant:ident = $kind:literal),+ $(,)?) => {
        /// Any domain event.
        // Events are built one at a time and serialized at once; boxing the big ones would only
        // add noise.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone)]
        pub enum Event {
            $(
                #[doc = concat!("`", $kind, "`")]
                $variant($variant)
            ),+
        }

        impl Event {
            /// Every kind this code understands.
            pub const KINDS: &'static [&'static str] = &[$($kind),+];

            /// The kind written into the header.
            pub fn kind(&self) -> &'static str {
                match self { $(Event::$variant(_) => $kind),+ }
            }

            /// The body bytes (serialized once; these bytes are stored and hashed).
            pub fn to_bytes(&self) -> Result<Vec<u8>> {
                Ok(match self { $(Event::$variant(e) => serde_json::to_vec(e)?),+ })
            }

            /// Reads a body according to the header's kind. `None` for a kind this code does
            /// not know (a newer device): the event still verifies, it just is not projected.
            pub fn parse(kind: &str, body: &[u8]) -> Result<Option<Self>> {
                Ok(match kind {
                    $($kind => Some(Event::$variant(serde_json::from_slice(body)?)),)+
                    _ => None,
                })
            }
        }
    };
}

events! {
    DeviceGenesis = "device.genesis",
    CaseOpened = "case.opened",
    CaseStatusChanged = "case.status_changed",
    RecordAdded = "record.added",
    RecordAmended = "record.amended",
    RecordFinalized = "record.finalized",
    RecordVoided = "record.voided",
    OverrideApproved = "case.override_approved",
    EvidenceCaptured = "evidence.captured",
    SlotSigned = "slot.signed",
    SlotRefused = "slot.refused",
    BackofficeDecided = "backoffice.decided",
    CaseAssigned = "backoffice.case_assigned",
    DeviceRevoked = "backoffice.device_revoked",
    ClockSkewObserved = "device.clock_skew",
}

impl Event {
    /// The case the event concerns, written into the header.
    pub fn case_id(&self) -> Option<CaseId> {
        match self {
            Event::DeviceGenesis(_) => None,
            Event::CaseOpened(e) => Some(e.case_id),
            Event::CaseStatusChanged(e) => Some(e.case_id),
            Event::RecordAdded(e) => Some(e.case_id),
            Event::RecordAmended(e) => Some(e.case_id),
            Event::RecordFinalized(e) => Some(e.case_id),
            Event::RecordVoided(e) => Some(e.case_id),
            Event::OverrideApproved(e) => Some(e.case_id),
            Event::EvidenceCaptured(e) => Some(e.item.case_id),
            Event::SlotSigned(e) => Some(e.case_id),
            Event::SlotRefused(e) => Some(e.case_id),
            Event::BackofficeDecided(e) => Some(e.case_id),
            Event::CaseAssigned(e) => Some(e.case_id),
            Event::DeviceRevoked(_) | Event::ClockSkewObserved(_) => None,
        }
    }

    /// Whether only a back-office chain may issue this event.
    pub fn is_backoffice(&self) -> bool {
        matches!(
            self,
            Event::BackofficeDecided(_) | Event::CaseAssigned(_) | Event::DeviceRevoked(_)
        )
    }
}

/// Wraps body JSON as raw content.
pub fn raw_content(json: String) -> Result<Box<RawValue>> {
    Ok(RawValue::from_string(json)?)
}

//! The event bodies of format v1, frozen.
//!
//! Each struct below is the body of one event kind, serialized as compact JSON in field order;
//! those bytes are what the device hashed and signed, and `docs/format.md` lists every field with
//! its meaning. The structs belong to the format, not to the app's domain model: the model
//! converts to and from them in one place (`casetrail-model`'s `v1` module), so the model can
//! evolve while old journals keep reading the same. Codes (statuses, kinds, reasons) are plain
//! strings here — their lists are the model's — and a watermark failure is a code with optional
//! detail, not an error type of the media code.
//!
//! Rules of v1: a field is never renamed, removed or given a new meaning; a field may be `null`
//! where its type is an option, and every other field is always present; readers ignore fields
//! they do not know. New information goes into new event kinds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{CaseId, DeviceId, EvidenceId, Hash, PartyId, RecordId, SlotId};

/// `device.genesis`: first event of every chain; the device announces its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceGenesis {
    /// ed25519 public key, lower-case hex.
    pub public_key: String,
    /// Signature algorithm the chain uses (`ed25519`).
    pub alg: String,
    /// Software that wrote it, e.g. `casetrail-core 0.1.0`.
    pub software: String,
}

/// `case.opened`: a case or inspection was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOpened {
    /// The new case's id.
    pub case_id: CaseId,
    /// What was entered.
    pub case: Case,
}

/// A case as entered when it was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// 案号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// 案由 code.
    pub cause: String,
    /// 案由 in words.
    pub cause_text: String,
    /// Legal bases, each with the law's version.
    pub legal_basis: Vec<LegalBasis>,
    /// `general` or `simplified`.
    pub procedure: String,
    /// 重大案件.
    pub is_major: bool,
    /// Started before approval in an emergency (Art. 5: approval within 24 h).
    pub emergency_start: bool,
    /// 案件来源 code.
    pub source: String,
    /// 承办机构.
    pub handling_unit: String,
    /// The status it starts in (`clue_registered`, `pre_check` or `filed`).
    pub initial_status: String,
    /// The enforcement officers.
    pub officers: Vec<Officer>,
    /// The parties.
    pub parties: Vec<Party>,
}

/// A legal basis with the law's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// The law.
    pub law: String,
    /// Its version (the 2024 amendment renumbered 统计法).
    pub version: String,
    /// 条.
    pub article: String,
    /// 款/项.
    pub clause: Option<String>,
}

/// An enforcement officer with the certificate that entitles them to act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 统计执法证号.
    pub cert_no: String,
    /// First day the certificate is valid (`YYYY-MM-DD`).
    pub cert_valid_from: Option<NaiveDate>,
    /// Last day it is valid.
    pub cert_valid_to: Option<NaiveDate>,
    /// `valid`, `suspended` or `revoked`.
    pub cert_status: String,
}

/// A party (当事人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Its id within the case.
    pub id: PartyId,
    /// `legal_person`, `other_org`, `individual_business` or `natural_person`.
    pub kind: String,
    /// 名称/姓名.
    pub name: String,
    /// 统一社会信用代码.
    pub uscc: Option<String>,
    /// 法定代表人/负责人.
    pub legal_rep: Option<NamedRepresentative>,
    /// Identity document of a natural person.
    pub id_doc: Option<IdDocument>,
    /// 地址.
    pub address: String,
    /// 电话.
    pub phone: String,
}

/// A named representative and their title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRepresentative {
    /// 姓名.
    pub name: String,
    /// 职务.
    pub title: String,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocument {
    /// `resident_id_card`, `passport`, `hk_macao_permit`, `taiwan_permit`,
    /// `foreign_permanent_resident` or `other`.
    pub doc_type: String,
    /// Its number.
    pub number: String,
}

/// A person other than an officer (witness, interviewee, receiver).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// 姓名.
    pub name: String,
    /// Identity document, when taken.
    pub id_doc: Option<IdDocument>,
    /// 工作单位.
    pub employer: String,
    /// 职务.
    pub position: String,
    /// 电话.
    pub phone: String,
    /// How the person relates to the case (a code).
    pub relation: String,
}

/// `case.status_changed`: a case moved to another status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatusChanged {
    /// The case.
    pub case_id: CaseId,
    /// Status before (a code).
    pub from: String,
    /// Status after.
    pub to: String,
    /// Why, in words.
    pub reason: String,
}

/// `record.added`: a record was created (version 1, draft).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordAdded {
    /// The new record's id.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// Document type (a code).
    pub kind: String,
    /// The record's body, a JSON object whose schema is its kind's, exactly as hashed
    /// (its SHA-256 is the version's content hash).
    pub content: Box<RawValue>,
}

/// `record.amended`: a record got a new version (a correction), with the reason.
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
    /// The new body, exactly as hashed.
    pub content: Box<RawValue>,
    /// Why.
    pub reason: String,
}

/// A signature slot created when a record version is finalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSlot {
    /// Slot id.
    pub slot_id: SlotId,
    /// Who signs, how.
    pub spec: SlotSpec,
}

/// Who must sign a slot, in which role, with which affirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSpec {
    /// The signer's role (a code), if fixed.
    pub role: Option<String>,
    /// The signer's name as printed.
    pub signer_name: String,
    /// The officer's certificate number, for officer slots.
    pub cert_no: Option<String>,
    /// Whether the record is incomplete without it.
    pub required: bool,
    /// The sentence the signer writes or accepts (以上笔录我看过，与我说的相符).
    pub affirmation: String,
}

/// `record.finalized`: a record version was finalized, its content hash fixed and its
/// signature slots created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFinalized {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// The version finalized.
    pub version: u32,
    /// Its content hash.
    pub content_hash: Hash,
    /// Its signature slots, in order.
    pub slots: Vec<NewSlot>,
}

/// `record.voided`: a record was withdrawn; it stays in the file, marked void.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordVoided {
    /// The record.
    pub record_id: RecordId,
    /// The case.
    pub case_id: CaseId,
    /// Why.
    pub reason: String,
}

/// A finding named by its stable code and subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey {
    /// The finding's code.
    pub code: String,
    /// What it is about (a record id, a slot, …; `""` for the case).
    pub subject: String,
}

/// `case.override_approved`: a leader approved setting aside blocking findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideApproved {
    /// The case.
    pub case_id: CaseId,
    /// The findings set aside.
    pub findings: Vec<FindingKey>,
    /// Why.
    pub reason: String,
    /// The finalized leader-approval record that authorises it.
    pub approval_record: RecordId,
}

/// A stored file named by its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// SHA-256 of the bytes.
    pub sha256: Hash,
    /// Size in bytes.
    pub size: u64,
    /// MIME type as sniffed from the content.
    pub mime: String,
}

/// A location reading, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fix", rename_all = "snake_case")]
pub enum Location {
    /// A GNSS fix.
    Fix {
        /// Latitude, degrees.
        lat: f64,
        /// Longitude, degrees.
        lon: f64,
        /// Horizontal accuracy, metres.
        accuracy_m: Option<f64>,
        /// `wgs84` or `gcj02`.
        crs: String,
        /// When the fix was taken.
        fixed_at: Option<DateTime<Utc>>,
    },
    /// No fix, with the reason.
    NoFix {
        /// Why.
        reason: String,
    },
}

/// An evidence item: what a file is, where and when it was captured, by whom, and its hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Its id.
    pub id: EvidenceId,
    /// The case.
    pub case_id: CaseId,
    /// The record it belongs to.
    pub record_id: Option<RecordId>,
    /// `photo`, `video`, `audio`, `scan`, `screenshot`, `signature` or `file`.
    pub kind: String,
    /// Legal evidence category (a code).
    pub category: Option<String>,
    /// The activity recorded (a code).
    pub activity: String,
    /// 证明对象.
    pub purpose: String,
    /// The untouched original.
    pub original: StoredFile,
    /// The derivative (watermarked JPEG, rendered signature), if one was made.
    pub derivative: Option<StoredFile>,
    /// When it was captured.
    pub captured_at: DateTime<Utc>,
    /// Certificate number of the capturing officer.
    pub captured_by: String,
    /// Where.
    pub location: Option<Location>,
    /// Address, as the host gave it.
    pub address: String,
    /// The device that captured it.
    pub device_id: DeviceId,
}

/// What an image's EXIF block said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exif {
    /// Orientation tag (1–8).
    pub orientation: Option<u32>,
    /// DateTimeOriginal as written (`YYYY:MM:DD HH:MM:SS`, camera local time).
    pub taken_at: Option<String>,
    /// OffsetTimeOriginal (`+08:00`).
    pub offset: Option<String>,
    /// GPS latitude and longitude in degrees, `[lat, lon]`.
    pub gps: Option<(f64, f64)>,
    /// Camera make and model.
    pub camera: Option<String>,
}

/// Why an image could not be watermarked: a code and what the decoder said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatermarkFailure {
    /// `empty`, `too_large`, `corrupt`, `unsupported`, `not_an_image`, `bad_font` or `io`.
    pub code: String,
    /// The decoder's or the file system's words (`corrupt`, `io`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Declared width (`too_large`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    /// Declared height (`too_large`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

/// What became of the watermark when a file was captured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WatermarkOutcome {
    /// A derivative was made; the exact lines burned in.
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
    /// Not a still image: no watermark by design.
    NotApplicable,
    /// An image that could not be watermarked; the original is kept all the same.
    Failed {
        /// Why.
        error: WatermarkFailure,
    },
}

/// `evidence.captured`: a file was captured as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceCaptured {
    /// The item, with the hashes of its original and derivative.
    pub item: EvidenceItem,
    /// What the file's EXIF said, if it had any.
    pub exif: Option<Exif>,
    /// The kind the host claimed, where it differs from what the content is.
    pub claimed_kind: Option<String>,
    /// The file name as the host had it (informational).
    pub original_name: String,
    /// The watermark outcome.
    pub watermark: WatermarkOutcome,
}

/// A handwritten signature: the strokes (original) and their rendering (derivative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureMark {
    /// SHA-256 of the strokes JSON.
    pub strokes_sha256: Hash,
    /// SHA-256 of the rendered PNG.
    pub image_sha256: Hash,
    /// The signature's evidence item.
    pub evidence_id: EvidenceId,
}

/// `slot.signed`: a slot was signed by hand, bound to the content hash of the version signed.
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
    /// The signature's evidence item.
    pub signature: EvidenceItem,
}

/// A witness to a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// Who.
    pub person: Person,
    /// Their role in words (物业经理, 社区工作人员).
    pub role_text: String,
    /// Their signature, if they signed.
    pub signature: Option<SignatureMark>,
}

/// A refusal to sign, with everything Art. 9 asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The reason (a code).
    pub reason: String,
    /// The reason in words.
    pub reason_text: String,
    /// Certificate number of the officer who noted it.
    pub noted_by: String,
    /// What the officer wrote on the record.
    pub annotation: String,
    /// The witness, if there was one.
    pub witness: Option<Witness>,
    /// The audio/video evidence made there and then.
    pub av_evidence: Vec<EvidenceId>,
    /// Content hash of the version refused.
    pub content_hash: Hash,
}

/// `slot.refused`: a signature slot was refused.
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
    pub refusal: Refusal,
    /// The witness's signature as an evidence item, if the witness signed.
    pub witness_signature: Option<EvidenceItem>,
}

/// A decision of the back office: a leader's approval or a legal review opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// `case_initiation`, `emergency_supplement`, `legal_review` or `penalty_decision`.
    pub subject: String,
    /// `approved`, `rejected` or `returned`.
    pub result: String,
    /// Who decided.
    pub decided_by: String,
    /// Their opinion.
    pub opinion: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// `backoffice.decided`: the back office decided on a case (back-office chains only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackofficeDecided {
    /// The case.
    pub case_id: CaseId,
    /// The decision.
    pub decision: Decision,
}

/// `backoffice.case_assigned`: the back office assigned a case to officers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAssigned {
    /// The case.
    pub case_id: CaseId,
    /// 案号, so a phone can show the assignment before it holds the case.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    /// 备注.
    pub note: String,
}

/// `backoffice.device_revoked`: the back office revoked a device key; events that device signs
/// at or after `effective_at` are flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRevoked {
    /// The device.
    pub device_id: DeviceId,
    /// From when its signatures are no longer trusted.
    pub effective_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// `device.clock_skew`: during a sync the device compared its clock with the back office's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSkewObserved {
    /// The back office's time, from its answer.
    pub server_time: DateTime<Utc>,
    /// Device time minus server time, milliseconds (positive: the phone is ahead).
    pub skew_ms: i64,
}

macro_rules! events {
    ($($variant:ident = $kind:literal),+ $(,)?) => {
        /// The body of any v1 event kind.
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
            /// Every kind of format v1.
            pub const KINDS: &'static [&'static str] = &[$($kind),+];

            /// The kind written into the header.
            pub fn kind(&self) -> &'static str {
                match self { $(Event::$variant(_) => $kind),+ }
            }

            /// The body bytes: compact JSON, serialized once; these bytes are stored and hashed.
            pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
                match self { $(Event::$variant(e) => serde_json::to_vec(e)),+ }
            }

            /// Reads a body according to the header's kind. `None` for a kind this code does
            /// not know (written by newer software): the event still verifies, it just is not
            /// interpreted.
            pub fn parse(kind: &str, body: &[u8]) -> Result<Option<Self>, serde_json::Error> {
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
    /// The case the event concerns; the header's `case` carries the same id.
    pub fn case_id(&self) -> Option<CaseId> {
        match self {
            Event::DeviceGenesis(_) | Event::DeviceRevoked(_) | Event::ClockSkewObserved(_) => None,
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
        }
    }

    /// Whether only a back-office chain may issue this kind.
    pub fn is_backoffice(&self) -> bool {
        matches!(
            self,
            Event::BackofficeDecided(_) | Event::CaseAssigned(_) | Event::DeviceRevoked(_)
        )
    }
}

/// Wraps a record body's JSON as content, so its bytes are carried as they are.
pub fn content(json: String) -> Result<Box<RawValue>, serde_json::Error> {
    RawValue::from_string(json)
}

//! The wire format between device and back office (docs/protocol.md), shared by the client and
//! the server so the two cannot drift apart. JSON over HTTPS; bytes that are signed travel as
//! base64 of exactly the stored bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::journal::StoredEvent;
use crate::{CaseId, DeviceId, Hash};

/// Path prefix of the API.
pub const API: &str = "/v1";
/// Largest JSON body either side reads.
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;
/// Largest chunk of a media upload.
pub const MAX_CHUNK_BYTES: usize = 8 * 1024 * 1024;
/// Events per push.
pub const MAX_BATCH: usize = 1_000;
/// Largest answer the device reads (a push answer for `MAX_BATCH` events is far smaller).
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The server's current offset of an upload (tus `Upload-Offset`).
pub const UPLOAD_OFFSET: &str = "upload-offset";
/// The whole size of an upload (tus `Upload-Length`).
pub const UPLOAD_LENGTH: &str = "upload-length";
/// A chunk's checksum, `sha256 <base64>` (tus checksum extension).
pub const UPLOAD_CHECKSUM: &str = "upload-checksum";
/// The tus status for a chunk whose checksum does not match: the chunk was discarded.
pub const CHECKSUM_MISMATCH: u16 = 460;

/// Domain prefix of the proof of possession at enrolment.
pub const ENROL_PREFIX: &str = "casetrail/enrol/v1";
/// Domain prefix of the challenge response.
pub const AUTH_PREFIX: &str = "casetrail/auth/v1";
/// Domain prefix of a media receipt's signed text.
pub const MEDIA_RECEIPT_PREFIX: &str = "casetrail/media-receipt/v1";

/// An event as it travels: the stored bytes, base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEvent {
    /// Header bytes.
    pub header: String,
    /// Body bytes.
    pub body: String,
    /// Signature algorithm id.
    pub sig_alg: String,
    /// Signature.
    pub signature: String,
}

impl WireEvent {
    /// From a stored event.
    pub fn from_stored(e: &StoredEvent) -> Self {
        Self {
            header: B64.encode(&e.header),
            body: B64.encode(&e.body),
            sig_alg: e.sig_alg.clone(),
            signature: B64.encode(&e.signature),
        }
    }

    /// Back to stored form; the index columns come from the (still unverified) header.
    pub fn to_stored(&self) -> Option<StoredEvent> {
        let header = B64.decode(&self.header).ok()?;
        let body = B64.decode(&self.body).ok()?;
        let signature = B64.decode(&self.signature).ok()?;
        let parsed = crate::journal::EventHeader::parse_canonical(&header).ok()?;
        Some(StoredEvent {
            pos: 0,
            device_id: parsed.device,
            seq: parsed.seq,
            event_hash: crate::journal::event_hash(&header),
            header,
            body,
            sig_alg: self.sig_alg.clone(),
            signature,
        })
    }
}

/// Enrolment: a one-time code and the device's key, with proof the device holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code from the back office.
    pub code: String,
    /// ed25519 public key, hex.
    pub public_key: String,
    /// Signature over `ENROL_PREFIX \n code \n public_key`, base64.
    pub proof: String,
}

/// What the device learns at enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The device id (derived from its key).
    pub device_id: DeviceId,
    /// The officer the device is bound to (certificate number).
    pub officer: String,
    /// The back office's signing chain.
    pub server_device_id: DeviceId,
    /// Its public key, hex.
    pub server_public_key: String,
    /// The name it signs checkpoints under.
    pub server_key_name: String,
    /// The log's origin.
    pub log_origin: String,
}

/// Asks for a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRequest {
    /// The device.
    pub device_id: DeviceId,
}

/// A single-use challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// Random nonce, hex.
    pub nonce: String,
    /// The server's clock (RFC 3339), for the device to record its skew.
    pub server_time: String,
}

/// An enrolment code as typed (any case, with or without dashes and spaces), normalised.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The bytes a device signs to prove it holds its key at enrolment.
pub fn enrol_message(code: &str, public_key_hex: &str) -> Vec<u8> {
    format!("{ENROL_PREFIX}\n{code}\n{public_key_hex}\n").into_bytes()
}

/// The bytes a device signs to answer a challenge.
pub fn auth_message(nonce: &str, device: &DeviceId) -> Vec<u8> {
    format!("{AUTH_PREFIX}\n{nonce}\n{device}\n").into_bytes()
}

/// The signed challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The device.
    pub device_id: DeviceId,
    /// The nonce.
    pub nonce: String,
    /// Signature over `AUTH_PREFIX \n nonce \n device_id`, base64.
    pub signature: String,
}

/// A short-lived bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The token.
    pub token: String,
    /// Seconds it is valid for.
    pub expires_in: u64,
}

/// A batch of journal events, in seq order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The events.
    pub events: Vec<WireEvent>,
    /// The log size of the last checkpoint the device holds (0 if none), for a consistency proof.
    pub known_size: u64,
}

/// The server's receipt for one event: where it is in the log and the proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventReceipt {
    /// The event's device.
    pub device_id: DeviceId,
    /// Its seq.
    pub seq: u64,
    /// Its hash (the log leaf).
    pub event_hash: Hash,
    /// Its index in the log.
    pub leaf_index: u64,
    /// Inclusion proof against the checkpoint, base64 hashes.
    pub inclusion: Vec<String>,
}

/// The answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One receipt per event sent (original receipts for events already held).
    pub receipts: Vec<EventReceipt>,
    /// The signed checkpoint the proofs refer to.
    pub checkpoint: String,
    /// Consistency proof from `known_size` to the checkpoint, base64 hashes.
    pub consistency: Vec<String>,
}

/// Starts (or finds) an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaCreate {
    /// SHA-256 of the whole file.
    pub sha256: Hash,
    /// Its size.
    pub size: u64,
}

/// The server's signed acknowledgement that it holds a file whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaReceipt {
    /// SHA-256 of the file.
    pub sha256: Hash,
    /// Its size.
    pub size: u64,
    /// When the server completed it (RFC 3339).
    pub received_at: String,
    /// ed25519 signature over `media_receipt_text`, base64.
    pub signature: String,
}

/// The text a media receipt signs.
pub fn media_receipt_text(sha256: &Hash, size: u64, received_at: &str) -> String {
    format!("{MEDIA_RECEIPT_PREFIX}\n{sha256}\n{size}\n{received_at}\n")
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaStatus {
    /// SHA-256.
    pub sha256: Hash,
    /// Size.
    pub size: u64,
    /// Bytes the server holds durably.
    pub offset: u64,
    /// The receipt, once complete.
    pub receipt: Option<MediaReceipt>,
}

/// Back-office events for the device to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackofficeEvents {
    /// In seq order.
    pub events: Vec<WireEvent>,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable code (`unknown_device`, `revoked`, `conflict`, `bad_signature`, …).
    pub code: String,
    /// Words for people.
    pub message: String,
}

/// One case as the back office sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackofficeCase {
    /// Case id.
    pub id: CaseId,
    /// 案号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// Status code.
    pub status: String,
    /// Records, with their status and whether their media has all arrived.
    pub records: Vec<serde_json::Value>,
    /// Evidence items with their receipt status.
    pub evidence: Vec<serde_json::Value>,
    /// Evidence items whose file has not arrived yet.
    pub media_pending: usize,
    /// The back office's decisions on the case.
    pub decisions: Vec<serde_json::Value>,
    /// Events flagged (e.g. `signed_after_revocation`).
    pub flags: Vec<serde_json::Value>,
    /// The completeness report, computed by the same rules as on the phone.
    pub findings: Vec<serde_json::Value>,
    /// Blocking findings.
    pub blocking: usize,
}

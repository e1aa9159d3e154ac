//! The journal: an append-only, per-device chain of signed events, the source of truth for
//! everything the app records.
//!
//! An event is a **header** and a **body**. The body is serialized once and those bytes are
//! stored; `body_hash = SHA-256(body)`. The header names the device, its sequence number, the
//! previous event's hash, the time (UTC, zone offset, monotonic clock and boot id), the event
//! kind, the case, and the body hash. It has one canonical encoding (compact JSON in field
//! order), checked on every read. `event hash = SHA-256("casetrail/event/v1" ‖ header)` and the
//! device signs that hash with ed25519, so time, kind and case are signed along with the body.
//! The algorithm id is stored beside the signature; the verifier accepts only listed ones.
//!
//! Because the header commits to the body only through its hash, an event can be shown as a
//! stub (header + signature) to prove a chain unbroken without disclosing other cases.
//!
//! Guarantees: signed bytes are never re-serialized for verification ("sign bytes, store
//! bytes"); `verify` reports every defect it finds with the sequence number and kind, never
//! stopping at the first.

#[cfg(test)]
mod proptests;
mod verify;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use verify::{
    ChainSummary, Defect, DefectKind, TrustedKeys, VerifyReport, WeakKey, check_event,
    check_events, verify,
};

use crate::{CaseId, DeviceId, DeviceKey, Hash};

/// Header format version written by this code.
pub const HEADER_VERSION: u32 = 1;
/// Domain separation prefix of the event hash.
pub const EVENT_HASH_PREFIX: &[u8] = b"casetrail/event/v1";
/// Algorithm id of the signatures this code writes.
pub const ALG_ED25519: &str = "ed25519";

/// When an event was recorded, as the device saw it. Order within a device comes from `seq`,
/// never from these clocks; they are evidence of time, checked against server receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedAt {
    /// Device wall clock, UTC, microsecond precision.
    pub utc: DateTime<Utc>,
    /// The device's zone offset from UTC in seconds (+28800 for 北京时间).
    pub offset_s: i32,
    /// Monotonic clock since boot, nanoseconds.
    pub mono_ns: u64,
    /// Identifier of the boot the monotonic clock belongs to.
    pub boot: String,
}

/// The signed header of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventHeader {
    /// Format version.
    pub v: u32,
    /// The device whose chain this is.
    pub device: DeviceId,
    /// Position in the device's chain, from 1.
    pub seq: u64,
    /// Hash of the previous event of this device (zeros for seq 1).
    pub prev: Hash,
    /// When.
    pub at: RecordedAt,
    /// Event kind, e.g. `record.finalized`.
    pub kind: String,
    /// The case the event concerns, if any.
    pub case: Option<CaseId>,
    /// SHA-256 of the body bytes.
    pub body_hash: Hash,
}

impl EventHeader {
    /// The canonical bytes of this header: compact JSON in field order.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A struct of strings, integers and hashes always serializes; the fallback is unreachable
        // and would fail verification rather than panic.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses header bytes, refusing any encoding other than the canonical one. The version is
    /// read first, so a header of another version (whatever fields it has) is reported as such.
    pub fn parse_canonical(bytes: &[u8]) -> std::result::Result<Self, HeaderError> {
        #[derive(Deserialize)]
        struct Version {
            v: u32,
        }
        let version: Version = serde_json::from_slice(bytes).map_err(|_| HeaderError::Malformed)?;
        if version.v != HEADER_VERSION {
            return Err(HeaderError::UnsupportedVersion);
        }
        let header: EventHeader =
            serde_json::from_slice(bytes).map_err(|_| HeaderError::Malformed)?;
        match serde_json::to_vec(&header) {
            Ok(again) if again == bytes => Ok(header),
            _ => Err(HeaderError::NonCanonical),
        }
    }
}

/// Why header bytes could not be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Not a header at all.
    #[error("not an event header")]
    Malformed,
    /// Parses, but is not in the one canonical encoding.
    #[error("header not in canonical form")]
    NonCanonical,
    /// A format version this code does not know.
    #[error("unsupported header version")]
    UnsupportedVersion,
}

impl HeaderError {
    /// The defect a verifier reports for it.
    pub fn defect(self) -> DefectKind {
        match self {
            HeaderError::Malformed => DefectKind::MalformedHeader,
            HeaderError::NonCanonical => DefectKind::NonCanonicalHeader,
            HeaderError::UnsupportedVersion => DefectKind::UnsupportedVersion,
        }
    }
}

/// An event exactly as stored: the bytes that were signed, and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Append position in the local store (storage order).
    pub pos: i64,
    /// Device, as indexed (must agree with the header).
    pub device_id: DeviceId,
    /// Sequence number, as indexed (must agree with the header).
    pub seq: u64,
    /// Canonical header bytes.
    pub header: Vec<u8>,
    /// Body bytes, verbatim.
    pub body: Vec<u8>,
    /// Signature algorithm id.
    pub sig_alg: String,
    /// Signature over the event hash.
    pub signature: Vec<u8>,
    /// Event hash, as indexed (must agree with the recomputed one).
    pub event_hash: Hash,
}

/// Computes the event hash of header bytes.
pub fn event_hash(header: &[u8]) -> Hash {
    Hash::digest_parts(&[EVENT_HASH_PREFIX, header])
}

/// Where a device's chain stands: the next sequence number and the hash to link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// Sequence number the next event gets.
    pub next_seq: u64,
    /// Hash of the last event (zeros before the first).
    pub prev: Hash,
}

impl ChainHead {
    /// The head of an empty chain.
    pub const GENESIS: ChainHead = ChainHead {
        next_seq: 1,
        prev: Hash::ZERO,
    };
}

/// Builds and signs the next event of `key`'s chain. The caller persists it and, only after
/// the commit, advances its head to `(event.seq + 1, event.event_hash)`.
pub fn seal(
    key: &DeviceKey,
    head: ChainHead,
    at: RecordedAt,
    kind: &str,
    case: Option<CaseId>,
    body: Vec<u8>,
) -> StoredEvent {
    seal_with_header(key, head, at, kind, case, body).0
}

/// `seal`, also returning the header it wrote (so the caller need not parse it back).
pub fn seal_with_header(
    key: &DeviceKey,
    head: ChainHead,
    at: RecordedAt,
    kind: &str,
    case: Option<CaseId>,
    body: Vec<u8>,
) -> (StoredEvent, EventHeader) {
    let header = EventHeader {
        v: HEADER_VERSION,
        device: key.device_id(),
        seq: head.next_seq,
        prev: head.prev,
        at,
        kind: kind.to_owned(),
        case,
        body_hash: Hash::digest(&body),
    };
    let header_bytes = header.to_bytes();
    let hash = event_hash(&header_bytes);
    let signature = key.sign(hash.as_bytes());
    let stored = StoredEvent {
        pos: 0,
        device_id: header.device,
        seq: header.seq,
        header: header_bytes,
        body,
        sig_alg: ALG_ED25519.to_owned(),
        signature: signature.to_vec(),
        event_hash: hash,
    };
    (stored, header)
}

impl StoredEvent {
    /// Parses this event's header (canonical encoding required).
    pub fn parsed_header(&self) -> Result<EventHeader, HeaderError> {
        EventHeader::parse_canonical(&self.header)
    }

    /// Whether its body is withheld (a stub): zero bytes, which no v1 body is. A stub still
    /// proves its place in the chain, the header committing to the body by its hash; a reader
    /// accepts stubs only in a chain whose events it may not see (`TrustedKeys::allow_stubs`).
    pub fn is_stub(&self) -> bool {
        self.body.is_empty()
    }

    /// The same event as a stub: the header and signature, the body withheld.
    pub fn to_stub(&self) -> StoredEvent {
        StoredEvent {
            body: Vec::new(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> RecordedAt {
        RecordedAt {
            utc: "2026-11-28T03:04:05.123456Z".parse().unwrap(),
            offset_s: 8 * 3600,
            mono_ns: 42,
            boot: "boot-1".into(),
        }
    }

    #[test]
    fn header_is_canonical_and_signed() {
        let key = DeviceKey::from_seed([7; 32]);
        let e = seal(
            &key,
            ChainHead::GENESIS,
            at(),
            "case.opened",
            None,
            b"{}".to_vec(),
        );
        let h = EventHeader::parse_canonical(&e.header).unwrap();
        assert_eq!(h.seq, 1);
        assert_eq!(h.body_hash, Hash::digest(b"{}"));
        assert_eq!(event_hash(&e.header), e.event_hash);
        // Same content with a space: parses as JSON but is not the canonical form.
        let mut spaced = e.header.clone();
        spaced.insert(1, b' ');
        assert_eq!(
            EventHeader::parse_canonical(&spaced),
            Err(HeaderError::NonCanonical)
        );
        assert_eq!(
            EventHeader::parse_canonical(b"not json"),
            Err(HeaderError::Malformed)
        );
        let text = String::from_utf8(e.header.clone()).unwrap();
        let v2 = text.replace("\"v\":1", "\"v\":2");
        assert_eq!(
            EventHeader::parse_canonical(v2.as_bytes()),
            Err(HeaderError::UnsupportedVersion)
        );
        // Unknown fields are refused rather than silently dropped.
        let extra = text.replacen('{', "{\"x\":1,", 1);
        assert_eq!(
            EventHeader::parse_canonical(extra.as_bytes()),
            Err(HeaderError::Malformed)
        );
    }
}

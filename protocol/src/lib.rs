//! casetrail-protocol: the casetrail evidence format, version 1, and the wire protocol between
//! a phone and the back office — everything a third party needs to check casetrail evidence
//! without the app.
//!
//! A journal is a per-device chain of signed events. Each event is a canonical JSON **header**
//! (device, sequence number, previous event's hash, time, kind, case, body hash) and a **body**
//! stored byte for byte; the device signs `SHA-256("casetrail/event/v1" ‖ header)` with
//! ed25519. `journal` builds and checks those bytes, `events::v1` owns the bodies of every kind
//! (frozen: a field is never renamed or given a new meaning), `checkpoint` and `merkle` are the
//! back office's signed log and its proofs, `receipts` checks what the back office signs back,
//! and `wire` is the JSON the two sides exchange. `docs/format.md` describes the same bytes for
//! someone writing a verifier in another language; golden vectors in
//! `tests/fixtures/format-v1/` pin them.
//!
//! Guarantees: nothing here touches a disk, a database or the network, and nothing panics on
//! input; signed bytes are never re-serialized to be verified ("sign bytes, store bytes").

pub mod checkpoint;
pub mod events;
mod hash;
mod ids;
pub mod journal;
mod key;
pub mod merkle;
pub mod receipts;
pub mod wire;

pub use hash::{BadHash, Hash};
pub use ids::{CaseId, DeviceId, EvidenceId, PartyId, RecordId, SlotId};
pub use key::{DeviceKey, device_id_of};

//! What the back office signs back, and how a phone checks it: the receipt for a file held whole
//! (a signed text over its SHA-256, size and time), and the answer to a journal push (a signed
//! checkpoint, consistent with the one held, and an inclusion proof per event sent).
//!
//! Both sides use these functions, so what the back office signs and what the phone verifies
//! cannot drift apart. Nothing here trusts the answer's own claims: every field a receipt names
//! is compared with what was sent, and every proof is recomputed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::DateTime;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::checkpoint::Checkpoint;
use crate::journal::StoredEvent;
use crate::wire::{MediaReceipt, PushResponse, media_receipt_text};
use crate::{DeviceKey, Hash, merkle};

/// The largest proof (in hashes) anyone needs: a tree of 2^64 leaves has paths of 64 hashes.
pub const MAX_PROOF_HASHES: usize = 128;

/// Signs the receipt for a file held whole.
pub fn sign_media_receipt(
    key: &DeviceKey,
    sha256: Hash,
    size: u64,
    received_at: &str,
) -> MediaReceipt {
    let text = media_receipt_text(&sha256, size, received_at);
    MediaReceipt {
        sha256,
        size,
        received_at: received_at.to_owned(),
        signature: B64.encode(key.sign(text.as_bytes())),
    }
}

/// Checks a media receipt: signed by the back office's `key`, for this hash and size, with a
/// readable time.
pub fn verify_media_receipt(
    key: &VerifyingKey,
    sha256: Hash,
    size: u64,
    receipt: &MediaReceipt,
) -> Result<(), &'static str> {
    if receipt.sha256 != sha256 || receipt.size != size {
        return Err("media receipt for another file");
    }
    let sig = B64
        .decode(&receipt.signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or("media receipt signature malformed")?;
    if DateTime::parse_from_rfc3339(&receipt.received_at).is_err() {
        return Err("media receipt time malformed");
    }
    let text = media_receipt_text(&sha256, size, &receipt.received_at);
    key.verify_strict(text.as_bytes(), &sig)
        .map_err(|_| "media receipt signature does not verify")
}

/// The back office's log as a phone knows it from enrolment.
#[derive(Debug, Clone, Copy)]
pub struct LogKey<'a> {
    /// The log's origin line.
    pub origin: &'a str,
    /// The name its checkpoints are signed under.
    pub name: &'a str,
    /// The key that signs them.
    pub key: &'a VerifyingKey,
}

/// The checkpoint a phone holds: size, root and the signed note as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCheckpoint {
    /// Log size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note.
    pub note: String,
}

/// Why a push answer was refused: an incident kind and the detail to keep (with both signed
/// notes where two contradict each other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRefusal {
    /// `bad_checkpoint`, `checkpoint_rollback`, `checkpoint_fork`, `bad_consistency_proof`,
    /// `receipt_mismatch` or `bad_inclusion_proof`.
    pub kind: &'static str,
    /// What exactly.
    pub detail: String,
}

fn refuse(kind: &'static str, detail: impl Into<String>) -> PushRefusal {
    PushRefusal {
        kind,
        detail: detail.into(),
    }
}

/// Checks the answer to a push of `sent`: a checkpoint signed by the log's key, never behind or
/// beside `held` (same size, same root; larger, with a valid consistency proof), and one receipt
/// per event sent, in order, naming that event, whose inclusion proof leads to the checkpoint's
/// root. Returns the checkpoint to keep.
pub fn verify_push(
    log: LogKey<'_>,
    held: Option<&HeldCheckpoint>,
    sent: &[StoredEvent],
    resp: &PushResponse,
) -> Result<Checkpoint, PushRefusal> {
    let cp = Checkpoint::verify(&resp.checkpoint, log.origin, log.name, log.key)
        .map_err(|e| refuse("bad_checkpoint", e.to_string()))?;
    let proof = decode_proof(&resp.consistency)
        .ok_or_else(|| refuse("bad_consistency_proof", "not base64 hashes"))?;
    if let Some(held) = held {
        let both = || format!("held:\n{}\nreceived:\n{}", held.note, resp.checkpoint);
        if cp.size < held.size {
            return Err(refuse("checkpoint_rollback", both()));
        }
        if cp.size == held.size && cp.root != held.root {
            return Err(refuse("checkpoint_fork", both()));
        }
        if cp.size > held.size
            && merkle::verify_consistency(
                held.size,
                cp.size,
                &proof,
                held.root.as_bytes(),
                cp.root.as_bytes(),
            )
            .is_err()
        {
            return Err(refuse("bad_consistency_proof", both()));
        }
    }
    if resp.receipts.len() != sent.len() {
        return Err(refuse(
            "receipt_mismatch",
            format!(
                "{} events sent, {} receipts",
                sent.len(),
                resp.receipts.len()
            ),
        ));
    }
    for (event, r) in sent.iter().zip(&resp.receipts) {
        if r.device_id != event.device_id || r.seq != event.seq || r.event_hash != event.event_hash
        {
            return Err(refuse(
                "receipt_mismatch",
                format!("receipt for seq {} names another event", event.seq),
            ));
        }
        let path = decode_proof(&r.inclusion).ok_or_else(|| {
            refuse(
                "bad_inclusion_proof",
                format!("seq {}: not base64 hashes", event.seq),
            )
        })?;
        let leaf = merkle::leaf_hash(event.event_hash.as_bytes());
        if r.leaf_index >= cp.size
            || merkle::verify_inclusion(
                r.leaf_index,
                cp.size,
                leaf.as_bytes(),
                &path,
                cp.root.as_bytes(),
            )
            .is_err()
        {
            return Err(refuse("bad_inclusion_proof", format!("seq {}", event.seq)));
        }
    }
    Ok(cp)
}

/// Base64 hashes of a proof, each 32 bytes; `None` for anything else (or an absurdly long proof).
pub fn decode_proof(hashes: &[String]) -> Option<Vec<Vec<u8>>> {
    if hashes.len() > MAX_PROOF_HASHES {
        return None;
    }
    hashes
        .iter()
        .map(|h| B64.decode(h).ok().filter(|b| b.len() == 32))
        .collect()
}

//! Verification of a journal: every defect, with its sequence number and kind.
//!
//! The verifier walks events in *storage order* (the order they were appended), because an
//! attacker who swaps two rows leaves each one individually valid: only their order betrays
//! them. It checks, per event, the canonical header, the index columns, the algorithm, the key,
//! the body hash and the signature; then, per device chain, duplicates, gaps, order and the
//! `prev` links. It never stops at the first problem, and it does not let one bad event hide
//! or multiply others: a link is only judged between two events whose signatures hold.
//!
//! Events are checked on their own in parallel on all cores (signatures are the cost, and they
//! do not depend on each other), then chains are judged in storage order. Every signature is
//! checked on its own with `verify_strict` (the cofactorless equation,
//! rejecting small-order keys and `R`, and non-canonical `S`), the rule `docs/format.md` states
//! and libsodium applies. Batch verification would be faster but is cofactored: it can accept a
//! crafted signature that strict verification refuses, and then this verifier, the importer and
//! a third party's would disagree about the same journal. Keys are checked for weakness (small
//! order) when they are trusted.
//!
//! What it cannot see alone: events removed from the *end* of a chain. The server's signed
//! receipts cover that once the events have been synced.

use std::collections::{BTreeMap, HashMap};

use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;

use super::{ALG_ED25519, EventHeader, StoredEvent, event_hash};
use crate::{DeviceId, Hash};

/// The keys a verifier trusts, one per device chain, and the chains whose events may be shown
/// as stubs (body withheld) to this reader.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: HashMap<DeviceId, VerifyingKey>,
    stubs: std::collections::HashSet<DeviceId>,
}

impl TrustedKeys {
    /// No trusted keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `key` for `device`'s chain. Weak (small-order) keys are refused.
    pub fn insert(&mut self, device: DeviceId, key: VerifyingKey) -> Result<(), WeakKey> {
        if key.is_weak() {
            return Err(WeakKey);
        }
        self.keys.insert(device, key);
        Ok(())
    }

    /// Accepts stubs in `device`'s chain: events whose body this reader may not see.
    pub fn allow_stubs(&mut self, device: DeviceId) {
        self.stubs.insert(device);
    }

    /// The key trusted for `device`.
    pub fn get(&self, device: &DeviceId) -> Option<&VerifyingKey> {
        self.keys.get(device)
    }

    /// Whether stubs are accepted in `device`'s chain.
    pub fn stubs_allowed(&self, device: &DeviceId) -> bool {
        self.stubs.contains(device)
    }
}

/// A key of small order: anyone can sign for it, so it is never trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("weak ed25519 public key")]
pub struct WeakKey;

/// What is wrong with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// The header bytes are not a header.
    MalformedHeader,
    /// The header parses but is not in canonical form (it was rewritten).
    NonCanonicalHeader,
    /// A header format version this verifier does not know.
    UnsupportedVersion,
    /// The indexed device, seq or hash columns disagree with the signed header.
    IndexMismatch,
    /// A signature algorithm outside the allow-list.
    UnsupportedAlgorithm,
    /// The device's key is not trusted here.
    UnknownKey,
    /// The signature does not verify (header or signature altered, or a foreign event).
    BadSignature,
    /// The body does not match the body hash in the signed header.
    AlteredBody,
    /// `prev` does not match the hash of the preceding event.
    BrokenLink,
    /// A sequence number is missing.
    Gap,
    /// An event is stored after one with a higher sequence number.
    Reorder,
    /// A sequence number occurs more than once.
    DuplicateSeq,
}

impl DefectKind {
    /// Every kind, in the order `index` gives (for the catalogue test: `defect-<code>`).
    pub const ALL: [DefectKind; 12] = [
        DefectKind::MalformedHeader,
        DefectKind::NonCanonicalHeader,
        DefectKind::UnsupportedVersion,
        DefectKind::IndexMismatch,
        DefectKind::UnsupportedAlgorithm,
        DefectKind::UnknownKey,
        DefectKind::BadSignature,
        DefectKind::AlteredBody,
        DefectKind::BrokenLink,
        DefectKind::Gap,
        DefectKind::Reorder,
        DefectKind::DuplicateSeq,
    ];

    /// Its place in `ALL`. No wildcard: a new kind does not compile until it is placed there.
    pub fn index(self) -> usize {
        match self {
            DefectKind::MalformedHeader => 0,
            DefectKind::NonCanonicalHeader => 1,
            DefectKind::UnsupportedVersion => 2,
            DefectKind::IndexMismatch => 3,
            DefectKind::UnsupportedAlgorithm => 4,
            DefectKind::UnknownKey => 5,
            DefectKind::BadSignature => 6,
            DefectKind::AlteredBody => 7,
            DefectKind::BrokenLink => 8,
            DefectKind::Gap => 9,
            DefectKind::Reorder => 10,
            DefectKind::DuplicateSeq => 11,
        }
    }

    /// Stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            DefectKind::MalformedHeader => "malformed_header",
            DefectKind::NonCanonicalHeader => "non_canonical_header",
            DefectKind::UnsupportedVersion => "unsupported_version",
            DefectKind::IndexMismatch => "index_mismatch",
            DefectKind::UnsupportedAlgorithm => "unsupported_algorithm",
            DefectKind::UnknownKey => "unknown_key",
            DefectKind::BadSignature => "bad_signature",
            DefectKind::AlteredBody => "altered_body",
            DefectKind::BrokenLink => "broken_link",
            DefectKind::Gap => "gap",
            DefectKind::Reorder => "reorder",
            DefectKind::DuplicateSeq => "duplicate_seq",
        }
    }
}

/// One defect found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// Storage position of the event (`None` for a gap: there is no event).
    pub pos: Option<i64>,
    /// The device chain.
    pub device: DeviceId,
    /// The sequence number concerned (the stored row's, which an altered header cannot move).
    pub seq: u64,
    /// What is wrong.
    pub kind: DefectKind,
}

/// Per-chain summary of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSummary {
    /// The device.
    pub device: DeviceId,
    /// Events stored for it.
    pub events: u64,
    /// Highest sequence number seen.
    pub last_seq: u64,
    /// Hash of the event with the highest seq.
    pub head: Hash,
}

/// The result of `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct VerifyReport {
    /// Events examined.
    pub events: u64,
    /// One entry per device chain.
    pub chains: Vec<ChainSummary>,
    /// Every defect found, in storage order (gaps where they would have been).
    pub defects: Vec<Defect>,
}

impl VerifyReport {
    /// Whether the journal is sound.
    pub fn is_sound(&self) -> bool {
        self.defects.is_empty()
    }
}

/// What phase 1 learned about one stored event.
struct Seen {
    pos: i64,
    seq: u64,
    /// Hash and prev from a header that parsed; `None` when it did not.
    link: Option<(Hash, Hash)>,
    /// Whether this event can be trusted for link checks (header ok, key known, signature ok).
    trusted: bool,
}

/// What checking one event on its own found: its defects, its hash and `prev` if its header
/// parsed, and whether it can be trusted for link checks.
struct Checked {
    defects: Vec<DefectKind>,
    link: Option<(Hash, Hash)>,
    trusted: bool,
}

/// Checks one event on its own (header, index columns, body, algorithm, key, signature),
/// reporting every defect rather than the first.
fn check_alone(e: &StoredEvent, keys: &TrustedKeys) -> Checked {
    let header = match EventHeader::parse_canonical(&e.header) {
        Ok(h) => h,
        Err(err) => {
            return Checked {
                defects: vec![err.defect()],
                link: None,
                trusted: false,
            };
        }
    };
    let mut defects = Vec::new();
    let hash = event_hash(&e.header);
    let mut trusted = true;
    if header.device != e.device_id || header.seq != e.seq || hash != e.event_hash {
        defects.push(DefectKind::IndexMismatch);
        trusted = false;
    }
    let withheld = keys.stubs_allowed(&e.device_id) && e.is_stub();
    if !withheld && Hash::digest(&e.body) != header.body_hash {
        defects.push(DefectKind::AlteredBody);
    }
    let signed = if e.sig_alg != ALG_ED25519 {
        Some(DefectKind::UnsupportedAlgorithm)
    } else if let Some(key) = keys.get(&header.device) {
        let sound = Signature::from_slice(&e.signature)
            .is_ok_and(|sig| key.verify_strict(hash.as_bytes(), &sig).is_ok());
        (!sound).then_some(DefectKind::BadSignature)
    } else {
        Some(DefectKind::UnknownKey)
    };
    if let Some(d) = signed {
        defects.push(d);
        trusted = false;
    }
    Checked {
        defects,
        link: Some((hash, header.prev)),
        trusted,
    }
}

/// Checks every event on its own, on all the cores there are: signatures are the cost, and
/// they do not depend on each other. The results keep the events' order.
fn check_all(events: &[&StoredEvent], keys: &TrustedKeys) -> Vec<Checked> {
    on_every_core(
        events,
        |e| check_alone(e, keys),
        || Checked {
            defects: vec![DefectKind::MalformedHeader],
            link: None,
            trusted: false,
        },
    )
}

/// `check_event` for each of `events` (one chain, `key`'s), on all the cores there are, in
/// their order: what an importer verifies before it takes its write lock's time.
pub fn check_events(
    events: &[StoredEvent],
    key: &VerifyingKey,
    stubs: bool,
) -> Vec<Result<EventHeader, DefectKind>> {
    on_every_core(
        events,
        |e| check_event(e, key, stubs),
        || Err(DefectKind::MalformedHeader),
    )
}

/// `f` over `items` in parts of at least 256, one thread per core, results in order. Nothing
/// `f` does here panics; were it to, its part would come back as `failed()` values rather than
/// lost or shifted.
fn on_every_core<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    failed: impl Fn() -> R,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = items.len().div_ceil(threads.max(1)).max(256);
    if items.len() <= per {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .zip(items.chunks(per))
            .flat_map(|(part, chunk)| {
                part.join()
                    .unwrap_or_else(|_| chunk.iter().map(|_| failed()).collect())
            })
            .collect()
    })
}

/// Verifies events given in storage order against `keys`.
pub fn verify<'a>(
    events: impl IntoIterator<Item = &'a StoredEvent>,
    keys: &TrustedKeys,
) -> VerifyReport {
    let events: Vec<&StoredEvent> = events.into_iter().collect();
    let checked = check_all(&events, keys);
    let mut report = VerifyReport {
        events: events.len() as u64,
        ..VerifyReport::default()
    };
    let mut defects: Vec<Defect> = Vec::new();
    let mut chains: BTreeMap<DeviceId, Vec<Seen>> = BTreeMap::new();
    for (e, c) in events.iter().zip(checked) {
        for kind in c.defects {
            defects.push(Defect {
                pos: Some(e.pos),
                device: e.device_id,
                seq: e.seq,
                kind,
            });
        }
        // Chains are grouped by the stored device column, so an altered header cannot move its
        // event out of the chain it sits in (the mismatch itself is reported above).
        chains.entry(e.device_id).or_default().push(Seen {
            pos: e.pos,
            seq: e.seq,
            link: c.link,
            trusted: c.trusted,
        });
    }

    for (device, chain) in &chains {
        check_chain(*device, chain, &mut defects);
        let last = chain
            .iter()
            .filter(|s| s.link.is_some())
            .max_by_key(|s| s.seq);
        report.chains.push(ChainSummary {
            device: *device,
            events: chain.len() as u64,
            last_seq: chain.iter().map(|s| s.seq).max().unwrap_or(0),
            head: last.and_then(|s| s.link).map_or(Hash::ZERO, |l| l.0),
        });
    }
    defects.sort_by_key(|d| (d.pos.unwrap_or(i64::MAX), d.seq, d.kind));
    defects.dedup();
    report.defects = defects;
    report
}

/// Order, duplicates, gaps and links of one device's chain.
fn check_chain(device: DeviceId, chain: &[Seen], defects: &mut Vec<Defect>) {
    let mut by_seq: BTreeMap<u64, &Seen> = BTreeMap::new();
    let mut highest = 0u64;
    for seen in chain {
        let defect = |kind| Defect {
            pos: Some(seen.pos),
            device,
            seq: seen.seq,
            kind,
        };
        if let Some(first) = by_seq.get(&seen.seq) {
            defects.push(defect(DefectKind::DuplicateSeq));
            // Keep the trustworthy copy for link checks.
            if !first.trusted && seen.trusted {
                by_seq.insert(seen.seq, seen);
            }
            continue;
        }
        if seen.seq < highest {
            defects.push(defect(DefectKind::Reorder));
        }
        highest = highest.max(seen.seq);
        by_seq.insert(seen.seq, seen);
    }
    let mut expected = 1u64;
    for (&seq, seen) in &by_seq {
        // seq 0 is never written; treat it as a gap-free oddity caught by the link check.
        for missing in expected..seq {
            defects.push(Defect {
                pos: None,
                device,
                seq: missing,
                kind: DefectKind::Gap,
            });
        }
        expected = seq.saturating_add(1);
        let Some((_, prev)) = seen.link else { continue };
        if !seen.trusted {
            continue;
        }
        let expected_prev = if seq <= 1 {
            Some(Hash::ZERO)
        } else {
            by_seq
                .get(&(seq - 1))
                .filter(|p| p.trusted)
                .and_then(|p| p.link)
                .map(|l| l.0)
        };
        if let Some(expected_prev) = expected_prev {
            if prev != expected_prev {
                defects.push(Defect {
                    pos: Some(seen.pos),
                    device,
                    seq,
                    kind: DefectKind::BrokenLink,
                });
            }
        }
    }
}

/// Checks one event on its own, strictly, against the key of its chain: canonical header, index
/// fields, allowed algorithm, signature (`verify_strict`), body hash — unless `stubs` allows a
/// withheld body (zero bytes: a v1 body is never empty) for a chain whose events the reader may
/// not see. The first defect found is returned. Importers use it on events offered one chain at
/// a time; `verify` reports every defect of a whole journal instead.
pub fn check_event(
    e: &StoredEvent,
    key: &VerifyingKey,
    stubs: bool,
) -> Result<EventHeader, DefectKind> {
    let header = EventHeader::parse_canonical(&e.header).map_err(|err| err.defect())?;
    if header.device != e.device_id || header.seq != e.seq || event_hash(&e.header) != e.event_hash
    {
        return Err(DefectKind::IndexMismatch);
    }
    if e.sig_alg != ALG_ED25519 {
        return Err(DefectKind::UnsupportedAlgorithm);
    }
    let signature = Signature::from_slice(&e.signature).map_err(|_| DefectKind::BadSignature)?;
    key.verify_strict(e.event_hash.as_bytes(), &signature)
        .map_err(|_| DefectKind::BadSignature)?;
    let withheld = stubs && e.is_stub();
    if !withheld && Hash::digest(&e.body) != header.body_hash {
        return Err(DefectKind::AlteredBody);
    }
    Ok(header)
}

#[cfg(test)]
mod defect_kind_tests {
    use super::DefectKind;

    #[test]
    fn all_lists_every_kind_once_in_index_order() {
        for (i, k) in DefectKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i, "{}", k.as_str());
        }
    }
}

//! Property tests: every single tampering of a journal is detected and named with the right
//! sequence number; an untouched journal never is.

use proptest::prelude::*;

use super::*;

fn at(i: u64) -> RecordedAt {
    RecordedAt {
        utc: DateTime::from_timestamp_micros(1_764_000_000_000_000 + i as i64 * 1_000_000)
            .unwrap_or_default(),
        offset_s: 28_800,
        mono_ns: 1_000 + i,
        boot: "b".into(),
    }
}

/// A chain of `n` events by `key`, stored at positions 1..=n.
pub(crate) fn chain(key: &DeviceKey, n: usize, first_pos: i64) -> Vec<StoredEvent> {
    let mut head = ChainHead::GENESIS;
    (0..n)
        .map(|i| {
            let body = format!("{{\"n\":{i},\"text\":\"事件{i}\"}}").into_bytes();
            let mut e = seal(key, head, at(i as u64), "test.event", None, body);
            head = ChainHead {
                next_seq: e.seq + 1,
                prev: e.event_hash,
            };
            e.pos = first_pos + i as i64;
            e
        })
        .collect()
}

fn keys_for(key: &DeviceKey) -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    keys.insert(key.device_id(), key.verifying_key()).unwrap();
    keys
}

#[derive(Debug, Clone)]
enum Part {
    Header,
    Body,
    Signature,
}

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte of one part of event `at` with a non-zero mask.
    Flip {
        at: usize,
        part: Part,
        offset: usize,
        mask: u8,
    },
    /// Remove event `at` (never the last: a removed tail needs the server's receipts).
    Delete { at: usize },
    /// Swap events `at` and `at + 1` in storage order.
    Swap { at: usize },
    /// Insert, before `at`, an event signed by a key the verifier does not trust.
    InsertForeign { at: usize, claim_our_device: bool },
    /// Remove `len` events starting at `at`, leaving at least one after them.
    TruncateMiddle { at: usize, len: usize },
}

fn mutation(n: usize) -> impl Strategy<Value = Mutation> {
    let part = prop_oneof![Just(Part::Header), Just(Part::Body), Just(Part::Signature)];
    prop_oneof![
        (0..n, part, any::<usize>(), 1..=255u8).prop_map(|(at, part, offset, mask)| {
            Mutation::Flip {
                at,
                part,
                offset,
                mask,
            }
        }),
        (0..n - 1).prop_map(|at| Mutation::Delete { at }),
        (0..n - 1).prop_map(|at| Mutation::Swap { at }),
        (0..n, any::<bool>()).prop_map(|(at, claim_our_device)| Mutation::InsertForeign {
            at,
            claim_our_device
        }),
        (0..n - 1, 1..n).prop_map(move |(at, len)| Mutation::TruncateMiddle {
            at,
            len: len.min(n - 1 - at)
        }),
    ]
}

/// Applies `m` and returns the sequence numbers a correct report must name (any of them).
fn apply(
    events: &mut Vec<StoredEvent>,
    m: &Mutation,
    foreign: &DeviceKey,
    ours: DeviceId,
) -> Vec<u64> {
    match m {
        Mutation::Flip {
            at,
            part,
            offset,
            mask,
        } => {
            let e = &mut events[*at];
            let bytes = match part {
                Part::Header => &mut e.header,
                Part::Body => &mut e.body,
                Part::Signature => &mut e.signature,
            };
            let i = offset % bytes.len();
            bytes[i] ^= mask;
            vec![e.seq]
        }
        Mutation::Delete { at } => vec![events.remove(*at).seq],
        Mutation::Swap { at } => {
            events.swap(*at, at + 1);
            vec![events[*at].seq, events[at + 1].seq]
        }
        Mutation::InsertForeign {
            at,
            claim_our_device,
        } => {
            let mut e = chain(foreign, 1, 0).remove(0);
            if *claim_our_device {
                // Forge an event claiming our chain's seq `at + 1`, signed with the wrong key.
                let mut h = EventHeader::parse_canonical(&e.header).unwrap();
                h.device = ours;
                h.seq = *at as u64 + 1;
                e.header = h.to_bytes();
                e.device_id = ours;
                e.seq = h.seq;
                e.event_hash = event_hash(&e.header);
            }
            let seq = e.seq;
            events.insert(*at, e);
            vec![seq]
        }
        Mutation::TruncateMiddle { at, len } => {
            let removed: Vec<_> = events.drain(*at..at + len).collect();
            vec![removed[0].seq]
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn every_single_tampering_is_detected_with_its_seq(
        (n, m) in (2usize..40).prop_flat_map(|n| (Just(n), mutation(n))),
    ) {
        let key = DeviceKey::from_seed([1; 32]);
        let foreign = DeviceKey::from_seed([2; 32]);
        let keys = keys_for(&key);
        let mut events = chain(&key, n, 1);
        prop_assert!(verify(&events, &keys).is_sound());
        let expected = apply(&mut events, &m, &foreign, key.device_id());
        let report = verify(&events, &keys);
        prop_assert!(!report.is_sound(), "undetected: {:?}", m);
        prop_assert!(
            report.defects.iter().any(|d| expected.contains(&d.seq)),
            "{:?}: expected one of {:?}, got {:?}", m, expected, report.defects
        );
    }

    #[test]
    fn an_untouched_journal_is_never_flagged(n in 1usize..60, seed in any::<[u8; 32]>()) {
        let key = DeviceKey::from_seed(seed);
        let events = chain(&key, n, 1);
        let report = verify(&events, &keys_for(&key));
        prop_assert!(report.is_sound(), "{:?}", report.defects);
        prop_assert_eq!(report.events, n as u64);
        prop_assert_eq!(report.chains[0].last_seq, n as u64);
    }
}

#[test]
fn each_defect_kind_is_named() {
    let key = DeviceKey::from_seed([1; 32]);
    let keys = keys_for(&key);
    let base = chain(&key, 5, 1);
    let kinds = |events: &[StoredEvent]| -> Vec<(u64, DefectKind)> {
        verify(events, &keys)
            .defects
            .iter()
            .map(|d| (d.seq, d.kind))
            .collect()
    };

    let mut e = base.clone();
    e[2].body.push(b' ');
    assert_eq!(kinds(&e), [(3, DefectKind::AlteredBody)]);

    let mut e = base.clone();
    e[1].signature[0] ^= 1;
    assert_eq!(kinds(&e), [(2, DefectKind::BadSignature)]);

    let mut e = base.clone();
    e.remove(2);
    assert_eq!(kinds(&e), [(3, DefectKind::Gap)]);

    let mut e = base.clone();
    e.swap(1, 2);
    assert_eq!(kinds(&e), [(2, DefectKind::Reorder)]);

    let mut e = base.clone();
    let dup = e[3].clone();
    e.push(dup);
    assert_eq!(kinds(&e), [(4, DefectKind::DuplicateSeq)]);

    let mut e = base.clone();
    e[2].sig_alg = "p256".into();
    assert_eq!(kinds(&e), [(3, DefectKind::UnsupportedAlgorithm)]);

    let mut e = base.clone();
    e[0].header = b"{}".to_vec();
    assert_eq!(kinds(&e), [(1, DefectKind::MalformedHeader)]);

    let mut e = base.clone();
    let mut pretty =
        serde_json::to_vec_pretty(&EventHeader::parse_canonical(&e[0].header).unwrap()).unwrap();
    std::mem::swap(&mut e[0].header, &mut pretty);
    assert_eq!(kinds(&e), [(1, DefectKind::NonCanonicalHeader)]);

    let mut e = base.clone();
    e[4].event_hash = Hash::ZERO;
    assert_eq!(kinds(&e), [(5, DefectKind::IndexMismatch)]);

    // A validly signed event whose prev does not link: re-sign seq 3 with a wrong prev.
    let mut e = base.clone();
    let wrong = seal(
        &key,
        ChainHead {
            next_seq: 3,
            prev: Hash::digest(b"elsewhere"),
        },
        at(2),
        "test.event",
        None,
        e[2].body.clone(),
    );
    e[2] = StoredEvent { pos: 3, ..wrong };
    assert_eq!(
        kinds(&e),
        [(3, DefectKind::BrokenLink), (4, DefectKind::BrokenLink)]
    );

    let stranger = DeviceKey::from_seed([3; 32]);
    let mut e = base.clone();
    e.extend(chain(&stranger, 2, 6));
    assert_eq!(
        kinds(&e),
        [(1, DefectKind::UnknownKey), (2, DefectKind::UnknownKey)]
    );

    // A weak (small-order) key is never trusted.
    let weak = ed25519_dalek::VerifyingKey::from_bytes(&[0; 32]);
    if let Ok(weak) = weak {
        assert!(TrustedKeys::new().insert(DeviceId::new(), weak).is_err());
    }
}

#[test]
fn defects_in_many_places_are_all_reported() {
    let key = DeviceKey::from_seed([1; 32]);
    let mut e = chain(&key, 30, 1);
    e[3].body[0] ^= 1;
    e[10].signature[5] ^= 0x40;
    e.remove(20);
    let report = verify(&e, &keys_for(&key));
    let seqs: Vec<_> = report.defects.iter().map(|d| d.seq).collect();
    assert_eq!(seqs, [4, 11, 21]);
}

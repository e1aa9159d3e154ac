//! Journal overheads against their floors, measured in the same run (docs/benchmarks.md).
//!
//! 1. Appending a `record.finalized` event with durability on (WAL, synchronous=FULL), against
//!    the same SQLite statements and commit with pre-sealed bytes (no hashing, no signing).
//!    Goal: ≤ 1.2×.
//! 2. Verifying a 10 000-event journal, against bare ed25519 verification of the same
//!    signatures one by one. Goal: ≤ 1.3×.
//!
//! Criterion reports each side; then an alternating A/B loop (A B A B …, median of the
//! per-pair ratios) prints the ratios, which is what carries across noisy machines.

#![allow(clippy::expect_used, clippy::print_stdout, missing_docs)] // a benchmark binary

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{Connection, params};

use casetrail_core::Workspace;
use casetrail_core::model::{RecordBody, SlotId, SlotSpec};
use casetrail_core::protocol::DeviceKey;
use casetrail_core::protocol::events::v1::{Event, NewSlot, RecordFinalized};
use casetrail_core::protocol::journal::{self, ChainHead, StoredEvent, TrustedKeys};
use casetrail_core::sample;
use casetrail_core::store::clock::{Clock, SystemClock};

struct AppendBench {
    _dir: tempfile::TempDir,
    ws: Workspace,
    event: Event,
    bare: Connection,
    bare_seq: i64,
    template: StoredEvent,
    clock: SystemClock,
}

impl AppendBench {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = Workspace::open_default(dir.path().join("ws")).expect("workspace");
        let case = ws.create_case(sample::case_draft("BENCH-1")).expect("case");
        let record = ws
            .add_record(
                case.id,
                RecordBody::InquiryRecord(sample::inquiry_record(chrono::Utc::now())),
            )
            .expect("record");
        let slots = (0..3)
            .map(|_| NewSlot {
                slot_id: SlotId::new(),
                spec: (&SlotSpec {
                    required: true,
                    ..SlotSpec::default()
                })
                    .into(),
            })
            .collect();
        let event = Event::RecordFinalized(RecordFinalized {
            record_id: record.id,
            case_id: case.id,
            version: 1,
            content_hash: record.content_hash,
            slots,
        });
        // The floor: a copy of the same database, written with the same statements, no crypto.
        let bare_path = dir.path().join("bare.db");
        ws.store()
            .inspect(|c| c.execute("VACUUM INTO ?1", params![bare_path.display().to_string()]))
            .expect("copy");
        let bare = Connection::open(&bare_path).expect("bare");
        for (name, value) in [
            ("journal_mode", "WAL"),
            ("synchronous", "FULL"),
            ("foreign_keys", "ON"),
            ("temp_store", "MEMORY"),
        ] {
            bare.pragma_update(None, name, value).expect("pragma");
        }
        let key = DeviceKey::from_seed([5; 32]);
        let template = journal::seal(
            &key,
            ChainHead::GENESIS,
            SystemClock::new().now(),
            event.kind(),
            event.case_id(),
            event.to_bytes().expect("bytes"),
        );
        Self {
            _dir: dir,
            ws,
            event,
            bare,
            bare_seq: 1_000_000,
            template,
            clock: SystemClock::new(),
        }
    }

    /// One durable append through the journal: hash, sign, insert, project, commit.
    fn journal_append(&mut self) {
        let store = self.ws.store();
        let at = self.clock.now();
        // The workspace's own key: the rule of who may write lets a device finalize only its
        // own records.
        let key = self.ws.signing_key();
        store
            .append(key, at, |_| {
                Ok::<_, casetrail_core::Error>(refresh_slots(&self.event))
            })
            .expect("append");
    }

    /// The same statements and commit, bytes prepared in advance.
    fn bare_append(&mut self) {
        self.bare_seq += 1;
        let e = &self.template;
        let Event::RecordFinalized(f) = refresh_slots(&self.event) else {
            return;
        };
        let tx = self
            .bare
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .expect("tx");
        tx.prepare_cached(
            "INSERT INTO journal (device_id, seq, kind, case_id, header, body, sig_alg, signature, event_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut s| {
            // A distinct, uniformly spread key for the unique index, as real hashes are.
            let hash = casetrail_core::protocol::Hash::digest(&self.bare_seq.to_le_bytes()).as_bytes().to_vec();
            s.execute(params![e.device_id.to_string(), self.bare_seq, "record.finalized", f.case_id.to_string(), e.header, e.body, e.sig_alg, e.signature, hash])
        })
        .expect("insert");
        tx.execute(
            "UPDATE records SET status = 'finalized', finalized_at = ?2 WHERE record_id = ?1",
            params![f.record_id.to_string(), "2026-11-28T00:00:00.000000Z"],
        )
        .expect("update");
        for (i, slot) in f.slots.iter().enumerate() {
            tx.prepare_cached("INSERT INTO signature_slots (slot_id, record_id, version, ordinal, spec) VALUES (?1, ?2, ?3, ?4, ?5)")
                .and_then(|mut s| s.execute(params![slot.slot_id.to_string(), f.record_id.to_string(), 1, i as i64, serde_json::to_string(&slot.spec).unwrap_or_default()]))
                .expect("slot");
        }
        tx.commit().expect("commit");
    }
}

/// Each finalization creates fresh slot ids (the slot table's primary key).
fn refresh_slots(event: &Event) -> Event {
    let mut e = event.clone();
    if let Event::RecordFinalized(f) = &mut e {
        for s in &mut f.slots {
            s.slot_id = SlotId::new();
        }
    }
    e
}

/// The workspace's own key stays inside the core, so the bench appends to the workspace's store
/// with a key of its own: the store seals, inserts and projects exactly as for the device key.
struct VerifyBench {
    events: Vec<StoredEvent>,
    keys: TrustedKeys,
    bare: Vec<([u8; 32], Signature, VerifyingKey)>,
}

impl VerifyBench {
    fn new(n: usize) -> Self {
        let key = DeviceKey::from_seed([7; 32]);
        let mut head = ChainHead::GENESIS;
        let body = sample::inquiry_record(chrono::Utc::now());
        let body = serde_json::to_vec(&body).expect("body");
        let clock = SystemClock::new();
        let events: Vec<StoredEvent> = (0..n)
            .map(|i| {
                let mut e =
                    journal::seal(&key, head, clock.now(), "record.added", None, body.clone());
                head = ChainHead {
                    next_seq: e.seq + 1,
                    prev: e.event_hash,
                };
                e.pos = i as i64 + 1;
                e
            })
            .collect();
        let mut keys = TrustedKeys::new();
        keys.insert(key.device_id(), key.verifying_key())
            .expect("key");
        let bare = events
            .iter()
            .map(|e| {
                (
                    *e.event_hash.as_bytes(),
                    Signature::from_slice(&e.signature).expect("sig"),
                    key.verifying_key(),
                )
            })
            .collect();
        Self { events, keys, bare }
    }

    fn journal_verify(&self) {
        let report = journal::verify(&self.events, &self.keys);
        assert!(report.is_sound());
    }

    fn bare_verify(&self) {
        for (msg, sig, key) in &self.bare {
            key.verify_strict(msg, sig).expect("valid");
        }
    }

    fn bare_verify_nonstrict(&self) {
        use ed25519_dalek::Verifier;
        for (msg, sig, key) in &self.bare {
            key.verify(msg, sig).expect("valid");
        }
    }
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("append_finalized_record_durable");
    g.sample_size(30).measurement_time(Duration::from_secs(6));
    let mut a = AppendBench::new();
    g.bench_function("journal", |b| b.iter(|| a.journal_append()));
    g.bench_function("bare_sqlite", |b| b.iter(|| a.bare_append()));
    g.finish();

    let mut g = c.benchmark_group("verify_10000_events");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let v = VerifyBench::new(10_000);
    g.bench_function("journal_verify", |b| b.iter(|| v.journal_verify()));
    g.bench_function("bare_ed25519_verify_strict", |b| b.iter(|| v.bare_verify()));
    g.bench_function("bare_ed25519_verify", |b| {
        b.iter(|| v.bare_verify_nonstrict())
    });
    g.finish();
}

criterion_group!(journal_benches, benches);

/// Alternates A and B `pairs` times (after one warm-up each) and returns the median of the
/// per-pair ratios A/B and the medians of A and B.
fn alternate(pairs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, Duration, Duration) {
    a();
    b();
    let (mut ratios, mut ta, mut tb) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..pairs {
        let t = Instant::now();
        a();
        let da = t.elapsed();
        let t = Instant::now();
        b();
        let db = t.elapsed();
        ratios.push(da.as_secs_f64() / db.as_secs_f64());
        ta.push(da);
        tb.push(db);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(|x, y| x.total_cmp(y));
        v[v.len() / 2]
    };
    ta.sort();
    tb.sort();
    (med(&mut ratios), ta[ta.len() / 2], tb[tb.len() / 2])
}

fn ratios() {
    let a = std::cell::RefCell::new(AppendBench::new());
    // Both sides write to the same bench instance's directory, alternating, 100 appends a side.
    let (r, ta, tb) = alternate(
        25,
        || (0..100).for_each(|_| a.borrow_mut().journal_append()),
        || (0..100).for_each(|_| a.borrow_mut().bare_append()),
    );
    println!(
        "RATIO append_finalized_record_durable journal/bare = {r:.3}  (journal {:.1} µs/append, bare {:.1} µs/append)",
        ta.as_secs_f64() * 1e6 / 100.0,
        tb.as_secs_f64() * 1e6 / 100.0
    );
    let v = VerifyBench::new(10_000);
    let (r, ta, tb) = alternate(7, || v.journal_verify(), || v.bare_verify_nonstrict());
    println!(
        "RATIO verify_10000 journal/bare_verify = {r:.3}  (journal {:.1} ms, bare verify {:.1} ms)",
        ta.as_secs_f64() * 1e3,
        tb.as_secs_f64() * 1e3
    );
    let (r, _, tb) = alternate(7, || v.journal_verify(), || v.bare_verify());
    println!(
        "RATIO verify_10000 journal/bare_verify_strict = {r:.3}  (bare verify_strict {:.1} ms)",
        tb.as_secs_f64() * 1e3
    );
    black_box(&v);
}

fn main() {
    let quick = std::env::args().any(|a| a == "--ratios-only");
    if !quick {
        journal_benches();
        Criterion::default().configure_from_args().final_summary();
    }
    ratios();
}

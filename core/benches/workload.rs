//! A phone after five years (issue 13): 2 000 cases, 200 000 journal events, 20 000 photos,
//! and how fast the screens a working day starts with still open (docs/benchmarks.md).
//!
//! Goals, release mode on this machine: opening the workspace and listing its cases ≤ 50 ms;
//! a case's detail with its findings and deadlines ≤ 30 ms; loading a form schema ≤ 5 ms (that
//! one is `rules/benches/form.rs`, not repeated here).
//!
//! The workload is generated once per size — 200 and 2 000 cases, each with 100 journal events
//! and 10 photos — into a real on-disk workspace, and cached in the target dir
//! (`CARGO_TARGET_TMPDIR/workload-v{FORMAT}-s{schema}-{cases}`), so re-runs skip it. A case is
//! opened with `Workspace::create_case`; its other 99 events (3 status changes, 12 records each
//! added, amended five times and finalized with the slots the rules give it, two of them later
//! voided, 10 photos captured) are built as the workspace builds them and appended with
//! `Store::append_all` in one transaction per case: every event is sealed, signed with the
//! workspace's key, checked by the rule of who may write, inserted and projected by the store
//! exactly as a single append would be — only the fsync is paid once per case instead of once
//! per event. (One call per event would be 200 000 durable commits: at the journal bench's
//! 259 µs to 3.5 ms a commit, 1 to 12 minutes, before the watermarks.) The photos are metadata
//! only: their files are not written, which none of the reads measured here looks at
//! (`evidence_paths` asks only whether a thumbnail exists). Generation took 3.8–3.9 s for 200
//! cases and 40–46 s for 2 000 (a 750 MB database) on this machine; each run that generates
//! prints its time.
//!
//! Measured, on each size:
//! (a) `Workspace::open` + `list_cases` — what the app's case list does (bindings `open`,
//!     `list_cases`), a fresh open every iteration; once with the database in the page cache,
//!     once evicted from it before each open (`posix_fadvise(DONTNEED)` on the workspace's own
//!     files), as at the first start after a reboot;
//! (b) a case's detail (`case`, `records`, `evidence` with each item's paths), its findings
//!     (`check_case`) and its deadlines (`deadlines`) — the calls behind the bindings'
//!     `case_detail`, `findings` and `deadlines` — on an open workspace; again on one just
//!     opened with its database evicted from the page cache (the first case tapped).
//!
//! After criterion, a timing loop (median of 21 runs, after a warm-up when warm) prints each measurement
//! at both sizes, the growth 200 → 2 000, and the verdict against its goal.

#![allow(clippy::expect_used, clippy::print_stdout, missing_docs)] // a benchmark binary

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use criterion::{BatchSize, BenchmarkId, Criterion};

use casetrail_core::Workspace;
use casetrail_core::model::{
    Case, CaseId, CaseStatus, Crs, EvidenceId, EvidenceItem, EvidenceKind, LegalCategory,
    LocationReading, RecordBody, RecordId, RecordedActivity, StoredFile,
};
use casetrail_core::protocol::Hash;
use casetrail_core::protocol::events::v1::{self, Event, WatermarkOutcome};
use casetrail_core::{rules, sample};

/// Bump when the generated workload changes shape, so a cached one is not reused.
const FORMAT: u32 = 1;
/// Events and photos per case.
const EVENTS_PER_CASE: usize = 100;
const PHOTOS_PER_CASE: usize = 10;
const RECORDS_PER_CASE: usize = 12;
const AMENDMENTS: u32 = 5;
const VOIDED: usize = 2;
/// The two sizes.
const SIZES: [usize; 2] = [200, 2_000];

/// Goals in milliseconds.
const GOAL_OPEN_LIST_MS: f64 = 50.0;
const GOAL_DETAIL_MS: f64 = 30.0;

fn cache_dir(cases: usize) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "workload-v{FORMAT}-s{}-{cases}",
        casetrail_core::store::SCHEMA_VERSION
    ))
}

/// The workspace of `cases` cases, generated unless cached. Returns its home and the case the
/// detail is measured on (the middle one of the list).
fn workload(cases: usize) -> (PathBuf, CaseId) {
    let home = cache_dir(cases);
    if !home.join(casetrail_core::DB_FILE).exists() {
        // Generated beside, renamed when complete: an interrupted run leaves nothing reused.
        let partial = home.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        let t = Instant::now();
        generate(&partial, cases);
        std::fs::rename(&partial, &home).expect("rename");
        println!(
            "generated {cases} cases ({} events, {} photos) in {:.1} s → {}",
            cases * EVENTS_PER_CASE,
            cases * PHOTOS_PER_CASE,
            t.elapsed().as_secs_f64(),
            home.display()
        );
    }
    let ws = Workspace::open_default(&home).expect("open");
    let list = ws.list_cases().expect("list");
    assert_eq!(list.len(), cases, "cached workload at {}", home.display());
    (home, list[list.len() / 2].id)
}

fn generate(home: &Path, cases: usize) {
    let ws = Workspace::open_default(home).expect("workspace");
    for i in 0..cases {
        let case = ws
            .create_case(sample::case_draft(&format!("望统检〔2026〕{i}号")))
            .expect("case");
        let events = case_events(&ws, &case);
        assert_eq!(events.len() + 1, EVENTS_PER_CASE);
        ws.store()
            .append_all(ws.signing_key(), ws.clock().now(), |_| {
                Ok::<_, casetrail_core::Error>(events)
            })
            .expect("append");
    }
    let journal = ws
        .store()
        .read(|v| v.journal_len())
        .expect("journal length");
    // The device's genesis event comes on top.
    assert_eq!(journal as usize, cases * EVENTS_PER_CASE + 1);
}

/// A case's life after it was opened: 99 events, built as the workspace's operations build them.
fn case_events(ws: &Workspace, case: &Case) -> Vec<Event> {
    let mut events = Vec::with_capacity(EVENTS_PER_CASE);
    let mut status = case.status;
    for to in [
        CaseStatus::Filed,
        CaseStatus::Investigating,
        CaseStatus::InvestigationConcluded,
    ] {
        events.push(Event::CaseStatusChanged(v1::CaseStatusChanged {
            case_id: case.id,
            from: status.as_str().to_owned(),
            to: to.as_str().to_owned(),
            reason: "依法推进".into(),
        }));
        status = to;
    }
    let now = Utc::now();
    let party = case.info.parties[0].id;
    let mut records = Vec::new();
    for r in 0..RECORDS_PER_CASE {
        let start = now - TimeDelta::days(30) + TimeDelta::hours(r as i64);
        let body = |version: u32| {
            let mut body = match r % 3 {
                0 => RecordBody::InquiryRecord(sample::inquiry_record(start)),
                1 => RecordBody::OnsiteInspectionRecord(sample::onsite_record(start, party)),
                _ => RecordBody::RectificationOrder(sample::rectification_order(start, party)),
            };
            if version > 1 {
                // Each amendment corrects something, as a real one does.
                match &mut body {
                    RecordBody::InquiryRecord(b) => b.place.push_str(&format!("（第{version}稿）")),
                    RecordBody::OnsiteInspectionRecord(b) => {
                        b.findings.push_str(&format!("（第{version}稿）"));
                    }
                    RecordBody::RectificationOrder(b) => {
                        b.requirement.push_str(&format!("（第{version}稿）"));
                    }
                    _ => {}
                }
            }
            body
        };
        let content = |b: &RecordBody| v1::content(b.to_json().expect("json")).expect("content");
        let record_id = RecordId::new();
        let first = body(1);
        events.push(Event::RecordAdded(v1::RecordAdded {
            record_id,
            case_id: case.id,
            kind: first.kind().as_str().to_owned(),
            content: content(&first),
        }));
        let mut hash = Hash::digest(content(&first).get().as_bytes());
        for version in 2..=AMENDMENTS + 1 {
            let next = body(version);
            let c = content(&next);
            events.push(Event::RecordAmended(v1::RecordAmended {
                record_id,
                case_id: case.id,
                version,
                amends_version: version - 1,
                amends_hash: hash,
                reason: "更正笔误".into(),
                content: c.clone(),
            }));
            hash = Hash::digest(c.get().as_bytes());
        }
        let last = body(AMENDMENTS + 1);
        events.push(Event::RecordFinalized(v1::RecordFinalized {
            record_id,
            case_id: case.id,
            version: AMENDMENTS + 1,
            content_hash: hash,
            slots: rules::slots_for(case, &last)
                .iter()
                .map(|spec| v1::NewSlot {
                    slot_id: casetrail_core::model::SlotId::new(),
                    spec: spec.into(),
                })
                .collect(),
        }));
        records.push(record_id);
    }
    for record_id in records.iter().take(VOIDED) {
        events.push(Event::RecordVoided(v1::RecordVoided {
            record_id: *record_id,
            case_id: case.id,
            reason: "重复制作，作废".into(),
        }));
    }
    for p in 0..PHOTOS_PER_CASE {
        events.push(Event::EvidenceCaptured(photo(
            ws,
            case,
            records[p % records.len()],
            p,
        )));
    }
    events
}

/// The capture event of a 12 MP photo, as `capture_bytes` writes it (its files are not written).
fn photo(ws: &Workspace, case: &Case, record: RecordId, n: usize) -> v1::EvidenceCaptured {
    let id = EvidenceId::new();
    let seed = format!("{}-{n}", case.id);
    let file = |what: &str, size| StoredFile {
        sha256: Hash::digest(format!("{what}-{seed}").as_bytes()),
        size,
        mime: "image/jpeg".into(),
    };
    let officer = &case.info.officers[0];
    let lines = vec![
        format!("{} {}", officer.unit, case.info.case_no),
        "现场检查 2026-11-28 09:40:00 +08:00".into(),
        "41.87654N 123.90412E ±5m 辽宁省抚顺市望花区和平路东段18号".into(),
        format!(
            "{} {} 设备 {}",
            officer.name,
            officer.cert_no,
            &ws.device_id().to_string()[..8]
        ),
    ];
    let item = EvidenceItem {
        id,
        case_id: case.id,
        record_id: Some(record),
        kind: EvidenceKind::Photo,
        category: Some(LegalCategory::Audiovisual),
        activity: RecordedActivity::OnsiteInspection,
        purpose: "证明企业统计台账与上报数据不符".into(),
        original: file("original", 3_400_000),
        derivative: Some(file("derivative", 2_900_000)),
        captured_at: Utc::now(),
        captured_by: officer.cert_no.clone(),
        location: Some(LocationReading::Fix {
            lat: 41.87654,
            lon: 123.90412,
            accuracy_m: Some(5.0),
            crs: Crs::Wgs84,
            fixed_at: None,
        }),
        address: "辽宁省抚顺市望花区和平路东段18号".into(),
        device_id: ws.device_id(),
    };
    v1::EvidenceCaptured {
        item: (&item).into(),
        exif: None,
        claimed_kind: None,
        original_name: format!("IMG_{n:04}.JPG"),
        watermark: WatermarkOutcome::Made {
            width: 3024,
            height: 4032,
            orientation: 6,
            lines,
        },
    }
}

/// Evicts the workspace's database from the page cache (`posix_fadvise(DONTNEED)` on its files:
/// only this file's clean pages, nothing else on the machine), as after a reboot or when the
/// phone has reclaimed the app's memory: the next open reads from storage.
fn evict(home: &Path) {
    let db = home.join(casetrail_core::DB_FILE);
    for suffix in ["", "-wal"] {
        let path = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(file) = std::fs::File::open(&path) {
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).expect("fadvise");
        }
    }
}

/// A workspace just opened, its database then evicted from the page cache: the first case
/// tapped after a start reads its rows from storage (the open itself reads only the schema).
fn cold_workspace(home: &Path) -> Workspace {
    evict(home);
    let ws = Workspace::open_default(home).expect("open");
    evict(home);
    ws
}

/// (a) What the case list screen does on start.
fn open_and_list(home: &Path) -> usize {
    let ws = Workspace::open_default(home).expect("open");
    ws.list_cases().expect("list").len()
}

/// (b) A case's screen: its detail, findings and deadlines.
fn case_screen(ws: &Workspace, id: CaseId) -> usize {
    let now = Utc::now();
    let case = ws.case(id).expect("case");
    let records = ws.records(id).expect("records");
    let evidence = ws.evidence(id).expect("evidence");
    let paths: Vec<_> = evidence
        .iter()
        .map(|row| ws.evidence_paths(&row.item))
        .collect();
    let findings = ws.check_case(id, now).expect("findings");
    let deadlines = ws.deadlines(id, now).expect("deadlines");
    black_box(&case);
    records.len() + black_box(paths).len() + findings.len() + deadlines.len()
}

/// Median of `runs` runs of `f`, after one warm-up.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

/// Median of `runs` cold opens and lists of `home` (evicted before each, not timed).
fn median_cold(runs: usize, home: &Path) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            evict(home);
            let s = Instant::now();
            black_box(open_and_list(home));
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn main() {
    let loads: Vec<(usize, PathBuf, CaseId)> = SIZES
        .iter()
        .map(|&n| {
            let (home, case) = workload(n);
            (n, home, case)
        })
        .collect();

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("open_and_list_cases");
        g.sample_size(20).measurement_time(Duration::from_secs(5));
        for (n, home, _) in &loads {
            g.bench_with_input(BenchmarkId::from_parameter(n), home, |b, home| {
                b.iter(|| black_box(open_and_list(home)))
            });
        }
        g.finish();
        let mut g = c.benchmark_group("open_and_list_cases_cold");
        g.sample_size(20).measurement_time(Duration::from_secs(8));
        for (n, home, _) in &loads {
            g.bench_with_input(BenchmarkId::from_parameter(n), home, |b, home| {
                b.iter_batched(
                    || evict(home),
                    |()| black_box(open_and_list(home)),
                    BatchSize::PerIteration,
                )
            });
        }
        g.finish();
        let mut g = c.benchmark_group("case_detail_findings_deadlines");
        g.sample_size(30).measurement_time(Duration::from_secs(5));
        for (n, home, case) in &loads {
            let ws = Workspace::open_default(home).expect("open");
            g.bench_with_input(BenchmarkId::from_parameter(n), case, |b, case| {
                b.iter(|| black_box(case_screen(&ws, *case)))
            });
        }
        g.finish();
        let mut g = c.benchmark_group("case_detail_findings_deadlines_cold");
        g.sample_size(20).measurement_time(Duration::from_secs(5));
        for (n, home, case) in &loads {
            g.bench_with_input(BenchmarkId::from_parameter(n), case, |b, case| {
                b.iter_batched(
                    || cold_workspace(home),
                    |ws| black_box(case_screen(&ws, *case)),
                    BatchSize::PerIteration,
                )
            });
        }
        g.finish();
    }
    c.final_summary();

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut rows = Vec::new();
    for (n, home, case) in &loads {
        let open = median(21, || {
            black_box(open_and_list(home));
        });
        let cold = median_cold(21, home);
        let ws = Workspace::open_default(home).expect("open");
        let detail = median(21, || {
            black_box(case_screen(&ws, *case));
        });
        let mut t: Vec<Duration> = (0..21)
            .map(|_| {
                let ws = cold_workspace(home);
                let s = Instant::now();
                black_box(case_screen(&ws, *case));
                s.elapsed()
            })
            .collect();
        t.sort();
        let detail_cold = t[t.len() / 2];
        rows.push((*n, ms(open), ms(cold), ms(detail), ms(detail_cold)));
    }
    println!();
    println!("| what | 200 cases | 2 000 cases | growth | goal | verdict |");
    println!("|---|---|---|---|---|---|");
    let line = |what: &str, a: f64, b: f64, goal: f64| {
        let verdict = if a.max(b) <= goal { "pass" } else { "FAIL" };
        println!(
            "| {what} | {a:.2} ms | {b:.2} ms | {:.2}× | ≤ {goal} ms | {verdict} |",
            b / a
        );
    };
    line(
        "open workspace + list cases",
        rows[0].1,
        rows[1].1,
        GOAL_OPEN_LIST_MS,
    );
    line(
        "open workspace + list cases, database not in the page cache",
        rows[0].2,
        rows[1].2,
        GOAL_OPEN_LIST_MS,
    );
    line(
        "case detail + findings + deadlines",
        rows[0].3,
        rows[1].3,
        GOAL_DETAIL_MS,
    );
    line(
        "case detail + findings + deadlines, database not in the page cache",
        rows[0].4,
        rows[1].4,
        GOAL_DETAIL_MS,
    );
    println!(
        "| loading a form schema | see `cargo bench -p casetrail-rules --bench form` | | | ≤ 5 ms | |"
    );
}

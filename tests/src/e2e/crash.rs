//! Crash safety of the journal (reliability.md S01, F1): a child process appends events as fast
//! as it can and reports each one the core acknowledged; the parent kills it with SIGKILL at a
//! random point of its appending, reopens the workspace, and checks that every acknowledged
//! event is there and the whole chain verifies. Crashes accumulate on the same database, cycle
//! after cycle.
//!
//! The kill is timed from the child's own signals, not the wall clock: the child says `READY`
//! when its appending loop starts, `BEGIN` before each write and `ACK`/`FIN` after each commit;
//! the parent lets a random number of commits go by, then waits a random fraction of the time
//! the child's own last write took, and kills. So the kill lands inside a write as often on a
//! loaded machine as on an idle one, and the test checks that it does.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;

use casetrail_core::Workspace;
use casetrail_core::model::{RecordBody, RecordId};
use casetrail_core::sample;

use crate::support::{Rng, Signalling, cycles, signal};

const CHILD_ENV: &str = "CASETRAIL_CRASH_CHILD";
const CHILD_TEST: &str = "e2e::crash::append_child";

/// The child's role: open (or create) the workspace and append forever, signalling each write
/// it starts and each commit the core acknowledged. Does nothing when run as a normal test.
#[test]
fn append_child() {
    let Ok(home) = std::env::var(CHILD_ENV) else {
        return;
    };
    let ws = Workspace::open_default(&home).expect("child opens workspace");
    let case = match ws.list_cases().expect("list").first() {
        Some(c) => c.id,
        None => {
            ws.create_case(sample::case_draft("CRASH-1"))
                .expect("case")
                .id
        }
    };
    signal("READY").expect("signal");
    let mut i = 0u64;
    loop {
        i += 1;
        let mut body = sample::inquiry_record(Utc::now());
        body.place = format!("第{i}次");
        signal("BEGIN").expect("signal");
        let record = ws
            .add_record(case, RecordBody::InquiryRecord(body))
            .expect("append");
        // Acknowledged: the transaction committed before add_record returned.
        signal(&format!("ACK {}", record.id)).expect("signal");
        if i % 3 == 0 {
            signal("BEGIN").expect("signal");
            ws.finalize_record(record.id).expect("finalize");
            signal(&format!("FIN {}", record.id)).expect("signal");
        }
    }
}

/// One cycle: what the child acknowledged before it died, and whether the kill came inside a
/// write (after a `BEGIN`, before its `ACK`/`FIN`).
struct Cycle {
    acked: Vec<RecordId>,
    finalized: Vec<RecordId>,
    mid_write: bool,
}

fn is_step(line: &str) -> bool {
    line == "BEGIN" || line.starts_with("ACK ") || line.starts_with("FIN ")
}

/// Starts a child on `home`, lets `commits` of its commits go by, waits `fraction` of the time
/// its last write took (from its `BEGIN` to its commit), and kills it.
fn run_child_and_kill(home: &Path, commits: u64, fraction: f64) -> Cycle {
    let mut child =
        Signalling::spawn(CHILD_TEST, &[(CHILD_ENV, home.display().to_string())]).expect("spawn");
    child.wait_for("READY", |l| l == "READY");
    let (mut begun, mut pace, mut seen) = (None, Duration::ZERO, 0);
    while seen < commits {
        let s = child.wait_for("a write", is_step);
        if s.line == "BEGIN" {
            begun = Some(s.at);
        } else {
            seen += 1;
            if let Some(b) = begun {
                pace = s.at.saturating_duration_since(b);
            }
        }
    }
    std::thread::sleep(pace.mul_f64(fraction));
    let killed = child.kill().expect("SIGKILL");
    assert!(killed.was_running, "the child exited before it was killed");
    let (mut acked, mut finalized) = (Vec::new(), Vec::new());
    for line in &killed.signals {
        match line.split_once(' ') {
            Some(("ACK", id)) => acked.push(id.parse().expect("id")),
            Some(("FIN", id)) => finalized.push(id.parse().expect("id")),
            _ => {}
        }
    }
    Cycle {
        acked,
        finalized,
        mid_write: killed.last(is_step) == Some("BEGIN"),
    }
}

/// Every record id with its status, in one query.
fn record_statuses(ws: &Workspace) -> HashMap<String, String> {
    ws.store()
        .inspect(|c| {
            let mut stmt = c.prepare("SELECT record_id, status FROM records")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<HashMap<_, _>, _>>()
        })
        .expect("read records")
}

#[test]
fn kill_9_during_appends_never_loses_an_acknowledged_event() {
    let n = cycles("CASETRAIL_CRASH_CYCLES", 200);
    let mut rng = Rng::from_env("kill_9_during_appends");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("ws");
    let (mut all_acked, mut all_finalized) = (Vec::new(), Vec::new());
    let (mut killed_mid_stream, mut killed_mid_write) = (0, 0);
    for cycle in 0..n {
        // Most kills after a few commits, some at the very first write after opening.
        let commits = rng.range(0, 8);
        let c = run_child_and_kill(&home, commits, rng.unit());
        if !c.acked.is_empty() {
            killed_mid_stream += 1;
        }
        if c.mid_write {
            killed_mid_write += 1;
        }
        all_acked.extend(c.acked);
        all_finalized.extend(c.finalized);
        // Reopen after every crash: recovery must leave every acknowledged event in place.
        let ws = Workspace::open_default(&home).expect("reopen after kill");
        let report = ws.verify_journal().expect("verify");
        assert!(report.is_sound(), "cycle {cycle}: {:?}", report.defects);
        let stored = record_statuses(&ws);
        for id in &all_acked {
            assert!(
                stored.contains_key(&id.to_string()),
                "cycle {cycle}: acknowledged record {id} lost"
            );
        }
        for id in &all_finalized {
            assert_eq!(
                stored[&id.to_string()],
                "finalized",
                "cycle {cycle}: finalization of {id} lost"
            );
        }
    }
    let events = Workspace::open_default(&home)
        .and_then(|ws| ws.verify_journal())
        .map(|r| r.events)
        .unwrap_or(0);
    eprintln!(
        "{n} kill cycles, {} acknowledged records, {events} events, {killed_mid_stream} cycles \
         killed mid-stream, {killed_mid_write} inside a write",
        all_acked.len()
    );
    assert!(
        killed_mid_stream as u64 > n / 2,
        "the child must usually be killed while appending: {killed_mid_stream} of {n}"
    );
    assert!(
        killed_mid_write as u64 > n / 2,
        "the kill must usually land inside a write: {killed_mid_write} of {n}"
    );
}

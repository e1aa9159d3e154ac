//! Crash safety of the journal (reliability.md S01, F1): a child process appends events as fast
//! as it can and reports each one the core acknowledged; the parent kills it with SIGKILL at a
//! random moment, reopens the workspace, and checks that every acknowledged event is there and
//! the whole chain verifies. Crashes accumulate on the same database, cycle after cycle.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use chrono::Utc;

use casetrail_core::Workspace;
use casetrail_core::model::{RecordBody, RecordId};
use casetrail_core::sample;

use crate::support::{Rng, cycles, spawn_self};

const CHILD_ENV: &str = "CASETRAIL_CRASH_CHILD";
const CHILD_TEST: &str = "e2e::crash::append_child";

/// The child's role: open (or create) the workspace and append forever, acknowledging each
/// committed event on stdout. Does nothing when run as a normal test.
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
    let mut out = std::io::stdout().lock();
    let mut i = 0u64;
    loop {
        i += 1;
        let mut body = sample::inquiry_record(Utc::now());
        body.place = format!("第{i}次");
        let record = ws
            .add_record(case, RecordBody::InquiryRecord(body))
            .expect("append");
        // Acknowledged: the transaction committed before add_record returned.
        writeln!(out, "ACK {}", record.id).expect("stdout");
        out.flush().expect("flush");
        if i % 3 == 0 {
            ws.finalize_record(record.id).expect("finalize");
            writeln!(out, "FIN {}", record.id).expect("stdout");
            out.flush().expect("flush");
        }
    }
}

fn run_child_and_kill(home: &Path, after: Duration) -> (Vec<RecordId>, Vec<RecordId>) {
    let mut child =
        spawn_self(CHILD_TEST, &[(CHILD_ENV, home.display().to_string())]).expect("spawn");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(after);
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    reader.join().expect("reader");
    let (mut acked, mut finalized) = (Vec::new(), Vec::new());
    for line in rx.try_iter() {
        match line.split_once(' ') {
            Some(("ACK", id)) => acked.push(id.parse().expect("id")),
            Some(("FIN", id)) => finalized.push(id.parse().expect("id")),
            _ => {}
        }
    }
    (acked, finalized)
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
    let mut killed_mid_stream = 0;
    for cycle in 0..n {
        let wait = Duration::from_millis(rng.range(3, 40));
        let (acked, finalized) = run_child_and_kill(&home, wait);
        if !acked.is_empty() {
            killed_mid_stream += 1;
        }
        all_acked.extend(acked);
        all_finalized.extend(finalized);
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
        "{n} kill cycles, {} acknowledged records, {events} events, {killed_mid_stream} cycles killed mid-stream",
        all_acked.len()
    );
    assert!(
        killed_mid_stream as u64 > n / 2,
        "the child must usually be killed while appending"
    );
}

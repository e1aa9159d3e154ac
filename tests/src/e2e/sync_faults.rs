//! Sync under faults (reliability.md S10, S11, S14, S15, S17, S18; F3, F4, F7, F10): a scripted
//! TCP proxy cuts, resets, stalls and slices connections between a real client and a real
//! server; the server is killed with SIGKILL in the middle of uploads and restarted; the client
//! is killed in the middle of syncs and restarted. Afterwards everything must have converged:
//! every event and file on the server exactly once, every receipt on the device.
//!
//! Kills are timed from what the processes themselves report, never from a fixed delay on the
//! wall clock (which a loaded machine stretches until the kill lands before the work starts):
//! the server is killed once it has received a random share of the cycle's upload, plus a
//! random fraction of the time it takes per chunk (measured from its own acknowledgements); the
//! client is killed after a random number of its own signals (work, sync, each progress step),
//! plus a random fraction of the time its last step took.

use std::path::Path;
use std::time::{Duration, Instant};

use casetrail_core::model::EvidenceKind;
use casetrail_core::sync::{Progress, SyncListener, SyncOptions};
use casetrail_server::SqliteStorage;
use rusqlite::OptionalExtension;

use crate::backoffice::{
    Backoffice, assert_converged, capture, capture_video, case_with_records, device, fast,
    partial_path, runtime, sync, video_bytes,
};
use crate::fault_proxy::{Fault, FaultProxy};
use crate::support::{Rng, Signalling, cycles, signal};

#[test]
fn converges_after_cuts_resets_stalls_and_slow_answers() {
    let mut rng = Rng::from_env("sync_faults");
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let proxy = FaultProxy::start(server.addr()).expect("proxy");
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕20号", 300);
    for seed in 1..=3 {
        capture_video(&ws, case, 3 * 1024 * 1024 + seed as usize, seed);
    }
    server.enrol(&ws, &proxy.url());
    let opts = SyncOptions {
        chunk: 512 * 1024,
        batch: 100,
        attempts: 3,
        ..fast()
    };
    let rounds = cycles("CASETRAIL_SYNC_FAULT_ROUNDS", 30);
    for round in 0..rounds {
        for _ in 0..rng.range(1, 4) {
            let fault = match rng.range(0, 8) {
                0 => Fault::CutUpstreamAfter(rng.range(0, 700_000)),
                1 => Fault::CutDownstreamAfter(rng.range(0, 30_000)),
                2 => Fault::ResetAfter(rng.range(0, 700_000)),
                3 => Fault::Stall(Duration::from_millis(2_500)),
                4 => Fault::Slice {
                    delay: Duration::ZERO,
                },
                5 => Fault::Refuse,
                6 => Fault::Throttle {
                    bytes_per_sec: 4 * 1024 * 1024,
                },
                _ => Fault::Pass,
            };
            proxy.push(fault);
        }
        // Errors are expected while faults last; nothing must be lost or doubled by them.
        let _ = sync(&rt, &ws, &opts);
        assert!(
            ws.verify_journal().expect("verify").is_sound(),
            "round {round}"
        );
    }
    proxy.clear();
    let mut report = None;
    for _ in 0..5 {
        if let Ok(r) = sync(&rt, &ws, &opts)
            && r.complete()
        {
            report = Some(r);
            break;
        }
    }
    assert!(report.is_some(), "no convergence after the faults stopped");
    assert_converged(&server.storage, &ws);
    // One upload resource per file, never a restart from zero into a second one.
    let uploads: i64 = server
        .storage
        .store()
        .inspect(|c| c.query_row("SELECT count(*) FROM srv_device_uploads", [], |r| r.get(0)))
        .expect("uploads");
    assert_eq!(uploads, 3);
    let stats = proxy.stats();
    assert!(stats.faults_applied >= rounds, "{stats:?}");
}

const SERVER_CHILD: &str = "CASETRAIL_SERVER_CHILD";
const SERVER_CHILD_TEST: &str = "e2e::sync_faults::server_child";

/// The child's role: serve the back office in the given folder on the given port until killed.
#[test]
fn server_child() {
    let Ok(spec) = std::env::var(SERVER_CHILD) else {
        return;
    };
    let (dir, port) = spec.rsplit_once('|').expect("dir|port");
    let rt = runtime();
    let storage = std::sync::Arc::new(
        SqliteStorage::open_for_serving(
            Path::new(dir),
            std::sync::Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .expect("open"),
    );
    let addr = format!("127.0.0.1:{port}").parse().expect("addr");
    let running = rt
        .block_on(casetrail_server::start(
            storage,
            addr,
            casetrail_server::ServeOptions::default(),
        ))
        .expect("serve");
    signal("READY").expect("signal");
    let _ = rt.block_on(running.wait());
}

/// Starts a server child and waits until it listens.
fn spawn_server(dir: &Path, port: u16) -> Signalling {
    let mut child = Signalling::spawn(
        SERVER_CHILD_TEST,
        &[(SERVER_CHILD, format!("{}|{port}", dir.display()))],
    )
    .expect("spawn server");
    child.wait_for("the server to listen", |l| l == "READY");
    child
}

/// Kills a child that must still have been running.
fn kill(child: Signalling) -> crate::support::Killed {
    let killed = child.kill().expect("SIGKILL");
    assert!(killed.was_running, "the child exited before it was killed");
    killed
}

/// The server's own pace, as the client sees it: the time between its last two chunk
/// acknowledgements (the server answers a chunk once it is fsynced and recorded).
#[derive(Default)]
struct ChunkPace {
    state: parking_lot::Mutex<(Option<Instant>, Duration)>,
}

impl ChunkPace {
    fn per_chunk(&self) -> Duration {
        self.state.lock().1
    }

    /// A new server: the gap since the last one's acknowledgement is not a chunk's time.
    fn restart(&self) {
        self.state.lock().0 = None;
    }
}

impl SyncListener for ChunkPace {
    fn on_progress(&self, progress: Progress) {
        if let Progress::Media { .. } = progress {
            let now = Instant::now();
            let mut state = self.state.lock();
            if let Some(last) = state.0 {
                state.1 = now.saturating_duration_since(last);
            }
            state.0 = Some(now);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Checks the upload bookkeeping of a killed server against its files: no offset beyond the
/// bytes on disk, those bytes equal the source's, and no receipt for a file not whole.
fn check_uploads_after_kill(
    dir: &Path,
    device: casetrail_core::protocol::DeviceId,
    sources: &[(casetrail_core::protocol::Hash, Vec<u8>)],
) {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("casetrail.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open server db");
    for (sha, bytes) in sources {
        let row: Option<(i64, Option<String>)> = conn
            .query_row(
                "SELECT offset, completed_at FROM srv_device_uploads \
                 WHERE device_id = ?1 AND sha256 = ?2",
                rusqlite::params![device.to_string(), sha.as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .expect("query");
        let receipt: Option<Option<String>> = conn
            .query_row(
                "SELECT receipt FROM sync_media WHERE sha256 = ?1",
                [sha.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .optional()
            .expect("query");
        let Some((offset, completed)) = row else {
            assert!(receipt.flatten().is_none(), "receipt without an upload");
            continue;
        };
        if completed.is_some() {
            let held = std::fs::read(crate::backoffice::blob_path(dir, sha)).expect("blob");
            assert_eq!(&held, bytes, "completed file differs");
            continue;
        }
        assert!(
            receipt.flatten().is_none(),
            "receipt issued for an incomplete file"
        );
        // Killed between moving the whole, verified file into place and recording that: the
        // bytes are held (the restarted server finishes the upload), only the record lags.
        let blob = crate::backoffice::blob_path(dir, sha);
        if !partial_path(dir, device, sha).exists() && blob.exists() {
            assert_eq!(
                &std::fs::read(blob).expect("blob"),
                bytes,
                "moved file differs"
            );
            continue;
        }
        let part = std::fs::read(partial_path(dir, device, sha)).unwrap_or_default();
        assert!(
            offset as usize <= part.len(),
            "recorded offset {offset} beyond the {} bytes on disk",
            part.len()
        );
        assert_eq!(
            &part[..offset as usize],
            &bytes[..offset as usize],
            "recorded bytes differ from the source"
        );
    }
}

#[test]
fn server_killed_during_uploads_never_acknowledges_what_it_does_not_hold() {
    let n = cycles("CASETRAIL_SERVER_KILL_CYCLES", 50);
    let mut rng = Rng::from_env("server_kill");
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("bo");
    let port = free_port();
    // Enrol against a first run of the server, then kill it and start the loop.
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕21号", 2);
    {
        let first = spawn_server(&data, port);
        let storage = SqliteStorage::open(
            &data,
            std::sync::Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .expect("admin");
        let code = casetrail_server::Storage::issue_enrol_code(&storage, "LN210404-0012", 1)
            .expect("code");
        rt.block_on(ws.enrol(&casetrail_core::sync::EnrolOptions {
            url: format!("http://127.0.0.1:{port}"),
            code,
            ca_pem: None,
        }))
        .expect("enrol");
        kill(first);
    }
    // A proxy in front counts the bytes the client sends, across restarts.
    let proxy =
        FaultProxy::start(format!("127.0.0.1:{port}").parse().expect("addr")).expect("proxy");
    let opts = SyncOptions {
        chunk: 256 * 1024,
        attempts: 2,
        url: Some(proxy.url()),
        ..fast()
    };
    let mut sources = Vec::new();
    let mut total = 0u64;
    let mut killed_mid_upload = 0;
    let pace = ChunkPace::default();
    for cycle in 0..n {
        let bytes = video_bytes(8 * 1024 * 1024 + cycle as usize, 100 + cycle);
        let item = capture(&ws, case, &bytes, EvidenceKind::Video);
        total += bytes.len() as u64;
        // Killed once the server has received this many bytes of the cycle's sync (requests,
        // events, chunks), then a random fraction of the time it takes per chunk, so the kill
        // falls anywhere in receiving, writing, fsyncing or recording a chunk.
        let target = rng.range(0, bytes.len() as u64);
        let fraction = rng.unit();
        sources.push((item.original.sha256, bytes));
        let child = spawn_server(&data, port);
        pace.restart();
        let base = proxy.stats().bytes_upstream;
        let outcome = rt.block_on(async {
            let cancel = tokio_util::sync::CancellationToken::new();
            let sync = ws.sync(&opts, &pace, &cancel);
            let trigger = async {
                while proxy.stats().bytes_upstream.saturating_sub(base) < target {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
                tokio::time::sleep(pace.per_chunk().mul_f64(fraction)).await;
            };
            tokio::select! {
                r = sync => Some(r),
                _ = trigger => None,
            }
        });
        kill(child);
        if outcome.is_none() {
            killed_mid_upload += 1;
        }
        check_uploads_after_kill(&data, ws.device_id(), &sources);
    }
    // Restart for good and drain.
    let child = spawn_server(&data, port);
    let mut done = false;
    for _ in 0..5 {
        if sync(&rt, &ws, &opts).is_ok_and(|r| r.complete()) {
            done = true;
            break;
        }
    }
    kill(child);
    assert!(done, "did not drain after the last restart");
    check_uploads_after_kill(&data, ws.device_id(), &sources);
    let storage = SqliteStorage::open(
        &data,
        std::sync::Arc::new(casetrail_core::store::clock::SystemClock::new()),
    )
    .expect("reopen");
    assert_converged(&storage, &ws);
    // Resume re-sends at most one chunk per interruption (plus requests and headers).
    let sent = proxy.stats().bytes_upstream;
    let bound = total + (n + 5) * (opts.chunk as u64 + 64 * 1024);
    eprintln!(
        "server_kill: {n} kills, {killed_mid_upload} mid-sync; {sent} bytes sent for {total} \
         ({:.2} chunks re-sent per kill)",
        (sent.saturating_sub(total)) as f64 / opts.chunk as f64 / n as f64
    );
    assert!(
        sent <= bound,
        "{sent} bytes sent for {total}: more than a chunk per cut"
    );
    assert!(
        killed_mid_upload >= n / 2,
        "only {killed_mid_upload} of {n} kills landed mid-sync"
    );
}

const CLIENT_CHILD: &str = "CASETRAIL_CLIENT_CHILD";
const CLIENT_CHILD_TEST: &str = "e2e::sync_faults::client_child";

/// A listener that signals every progress step of a sync to the parent.
struct SignalProgress;

impl SyncListener for SignalProgress {
    fn on_progress(&self, _: Progress) {
        signal("PROGRESS").expect("signal");
    }
}

/// The child's role: a phone that captures and syncs in a loop until killed, signalling
/// `WORK` before it records and captures, `SYNC` before each sync, `PROGRESS` at each of its
/// steps and `DONE` after it.
#[test]
fn client_child() {
    let Ok(home) = std::env::var(CLIENT_CHILD) else {
        return;
    };
    let rt = runtime();
    let ws = device(Path::new(&home));
    let case = ws.list_cases().expect("cases")[0].id;
    let opts = SyncOptions {
        chunk: 64 * 1024,
        batch: 20,
        ..fast()
    };
    signal("READY").expect("signal");
    let mut i = 0u64;
    loop {
        i += 1;
        signal("WORK").expect("signal");
        case_records(&ws, case, 3);
        if i % 4 == 0 {
            capture_video(&ws, case, 300 * 1024, i);
        }
        signal("SYNC").expect("signal");
        let _ = rt.block_on(ws.sync(
            &opts,
            &SignalProgress,
            &tokio_util::sync::CancellationToken::new(),
        ));
        signal("DONE").expect("signal");
    }
}

fn is_client_step(line: &str) -> bool {
    matches!(line, "WORK" | "SYNC" | "PROGRESS" | "DONE")
}

fn case_records(ws: &casetrail_core::Workspace, case: casetrail_core::model::CaseId, n: usize) {
    for _ in 0..n {
        ws.add_record(
            case,
            casetrail_core::model::RecordBody::InquiryRecord(
                casetrail_core::sample::inquiry_record(chrono::Utc::now()),
            ),
        )
        .expect("record");
    }
}

#[test]
fn client_killed_during_sync_loses_and_duplicates_nothing() {
    let n = cycles("CASETRAIL_CLIENT_KILL_CYCLES", 100);
    let mut rng = Rng::from_env("client_kill");
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let home = dir.path().join("phone");
    {
        let ws = device(&home);
        case_with_records(&ws, "望统检〔2026〕22号", 1);
        server.enrol(&ws, &server.url);
    }
    let mut killed_mid_sync = 0;
    for _ in 0..n {
        let mut child = Signalling::spawn(
            CLIENT_CHILD_TEST,
            &[(CLIENT_CHILD, home.display().to_string())],
        )
        .expect("spawn client");
        child.wait_for("the client to start", |l| l == "READY");
        // A random number of the child's own steps, then a random fraction of the time its
        // last step took: the kill falls anywhere in recording, capturing or syncing.
        let (steps, fraction) = (rng.range(1, 24), rng.unit());
        let mut last = child.wait_for("a step", is_client_step).at;
        let mut pace = Duration::ZERO;
        for _ in 1..steps {
            let at = child.wait_for("a step", is_client_step).at;
            pace = at.saturating_duration_since(last);
            last = at;
        }
        std::thread::sleep(pace.mul_f64(fraction));
        let killed = kill(child);
        if matches!(killed.last(is_client_step), Some("SYNC" | "PROGRESS")) {
            killed_mid_sync += 1;
        }
    }
    let ws = device(&home);
    assert!(ws.verify_journal().expect("verify").is_sound());
    let mut done = false;
    for _ in 0..5 {
        if sync(&rt, &ws, &fast()).is_ok_and(|r| r.complete()) {
            done = true;
            break;
        }
    }
    assert!(done, "did not drain after the kills");
    assert_converged(&server.storage, &ws);
    let events = ws.store().read(|v| v.journal()).expect("journal").len();
    eprintln!(
        "client_kill: {n} kills ({killed_mid_sync} mid-sync), {events} events and all files \
         delivered exactly once"
    );
    assert!(
        events > n as usize,
        "the children did little work: {events} events"
    );
    // About half the steps are a sync's: a quarter at least must have been cut mid-sync.
    assert!(
        killed_mid_sync >= n / 4,
        "only {killed_mid_sync} of {n} kills landed mid-sync"
    );
}

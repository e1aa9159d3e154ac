//! Sync throughput and memory against a peer measured in the same run (issue: sync).
//!
//! The back office runs in a child process (this binary, re-executed), so the client's memory is
//! its own. Three measurements:
//!
//! 1. 10 000 journal events pushed and acknowledged with verified receipts, against the bare
//!    `verify_strict` of the same 10 000 signatures on one core (the back office's unavoidable
//!    work): the ratio of the two times.
//! 2. 200 MB of video (50 files of 4 MiB): our resumable upload with per-chunk SHA-256 and
//!    verified receipts, against curl PATCHing the same bytes in the same 4 MiB chunks to the same
//!    kind of server (fresh folder, uploads created beforehand, chunks and checksums prepared
//!    beforehand, one curl process on one keep-alive connection: curl's best case).
//! 3. One 1 GiB video: the client's peak RSS growth while it uploads.
//!
//! Run with `cargo bench -p casetrail-e2e --bench sync` (or `scripts/bench`).
//! `SYNC_BENCH_EVENTS`, `SYNC_BENCH_MEDIA_MB` and `SYNC_BENCH_BIG_MB` scale it down;
//! `SYNC_BENCH_BATCH` sets the events per push (default: the phone's, 500).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    missing_docs
)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::model::EvidenceKind;
use casetrail_core::protocol::Hash;
use casetrail_core::protocol::wire;
use casetrail_core::sync::SyncOptions;
use casetrail_e2e::backoffice::{capture, case_with_records, device, runtime, sync, video_bytes};
use casetrail_e2e::support::peak_rss;
use casetrail_server::{SqliteStorage, Storage};

const ROLE: &str = "CASETRAIL_BENCH_SERVER";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The child's role: serve `dir` on a free loopback port, print the URL.
fn serve(dir: &str) {
    let rt = runtime();
    let storage = Arc::new(
        SqliteStorage::open_for_serving(
            Path::new(dir),
            Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .expect("open")
        .with_limits(limits()),
    );
    let running = rt
        .block_on(casetrail_server::start(
            storage,
            "127.0.0.1:0".parse().unwrap(),
            casetrail_server::ServeOptions {
                limits: limits(),
                ..Default::default()
            },
        ))
        .expect("serve");
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL {}", running.url(false)).unwrap();
    out.flush().unwrap();
    drop(out);
    let _ = rt.block_on(running.wait());
}

/// The default limits, but room for the curl peer, which announces all its uploads before it
/// sends a byte (a phone sends one file after another).
fn limits() -> casetrail_server::Limits {
    casetrail_server::Limits {
        open_uploads: 1024,
        ..Default::default()
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(ROLE, dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn server");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("server output").expect("line");
            if let Some(url) = line.strip_prefix("URL ") {
                break url.to_owned();
            }
        };
        Self { child, url }
    }

    fn enrol(&self, dir: &Path, ws: &casetrail_core::Workspace, rt: &tokio::runtime::Runtime) {
        let admin = SqliteStorage::open(
            dir,
            Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .expect("admin");
        let code = admin.issue_enrol_code("LN210404-0012", 1).unwrap();
        rt.block_on(ws.enrol(&casetrail_core::sync::EnrolOptions {
            url: self.url.clone(),
            code,
            ca_pem: None,
        }))
        .expect("enrol");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() {
    if let Ok(dir) = std::env::var(ROLE) {
        serve(&dir);
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    // `cargo bench` passes `--bench`; anything else (a filter) is ignored.
    let events = env_or("SYNC_BENCH_EVENTS", 10_000);
    let media_mb = env_or("SYNC_BENCH_MEDIA_MB", 200);
    let big_mb = env_or("SYNC_BENCH_BIG_MB", 1024);
    let rt = runtime();
    let tmp = tempfile::tempdir().expect("tempdir");
    let opts = SyncOptions {
        batch: std::env::var("SYNC_BENCH_BATCH")
            .ok()
            .and_then(|b| b.parse().ok())
            .unwrap_or(500),
        ..SyncOptions::default()
    };

    // 1. Events.
    let bo = tmp.path().join("bo-events");
    let server = Server::start(&bo);
    let ws = device(&tmp.path().join("phone-events"));
    case_with_records(&ws, "BENCH-EVENTS", events.saturating_sub(3) as usize);
    server.enrol(&bo, &ws, &rt);
    let pending = ws.sync_status(Default::default()).unwrap().events_pending;
    let t = Instant::now();
    let report = sync(&rt, &ws, &opts).expect("sync events");
    let secs = t.elapsed().as_secs_f64();
    assert!(report.complete());
    let rate = report.events_acked as f64 / secs;
    let bare = bare_verify(&ws);
    println!(
        "events: {} acknowledged with verified receipts in {:.2} s = {:.0} events/s; {} were queued; \
         bare verify_strict of the same signatures {:.2} s; ratio {:.2}× (goal ≤ 3)",
        report.events_acked,
        secs,
        rate,
        pending,
        bare,
        secs / bare
    );
    drop(server);

    // 2. Media: ours against curl, same bytes, same chunking.
    let chunk = 4 * 1024 * 1024usize;
    let files = (media_mb as usize * 1_000_000).div_ceil(chunk);
    let contents: Vec<Vec<u8>> = (0..files)
        .map(|i| video_bytes(chunk, 1_000 + i as u64))
        .collect();
    let total: u64 = contents.iter().map(|c| c.len() as u64).sum();

    let bo = tmp.path().join("bo-media");
    let server = Server::start(&bo);
    let ws = device(&tmp.path().join("phone-media"));
    let case = case_with_records(&ws, "BENCH-MEDIA", 0);
    for c in &contents {
        capture(&ws, case, c, EvidenceKind::Video);
    }
    server.enrol(&bo, &ws, &rt);
    // The run also pushes the ~55 journal events of these captures: a few milliseconds.
    let t = Instant::now();
    let report = sync(&rt, &ws, &opts).expect("sync media");
    let ours = t.elapsed().as_secs_f64();
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.media_acked as usize, files);
    drop(server);

    let curl = curl_upload(&tmp.path().join("bo-curl"), &contents, chunk, &rt);
    let ours_mbs = total as f64 / ours / 1e6;
    let curl_mbs = total as f64 / curl / 1e6;
    println!(
        "media: {:.0} MB in {} files; casetrail {:.2} s = {:.0} MB/s, curl {:.2} s = {:.0} MB/s; ratio {:.2}× curl (goal ≥ 0.8)",
        total as f64 / 1e6,
        files,
        ours,
        ours_mbs,
        curl,
        curl_mbs,
        ours_mbs / curl_mbs
    );

    // 3. Memory during a 1 GiB upload.
    let bo = tmp.path().join("bo-big");
    let server = Server::start(&bo);
    let ws = device(&tmp.path().join("phone-big"));
    let case = case_with_records(&ws, "BENCH-BIG", 0);
    let big = big_mb as usize * 1024 * 1024;
    let mut reader = VideoReader {
        left: big,
        x: 77,
        header: true,
    };
    let req = casetrail_core::CaptureRequest {
        case_id: case,
        record_id: None,
        kind: Some(EvidenceKind::Video),
        activity: casetrail_core::model::RecordedActivity::OnsiteInspection,
        purpose: String::new(),
        category: None,
        captured_at: None,
        captured_by: "LN210404-0012".into(),
        location: None,
        address: String::new(),
        original_name: String::new(),
    };
    ws.capture_reader(&mut reader, req).expect("capture 1 GiB");
    server.enrol(&bo, &ws, &rt);
    // Reset the peak (Linux clear_refs 5) so the earlier phases do not hide this one's.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset peak RSS");
    let before = current_rss();
    let t = Instant::now();
    let report = sync(&rt, &ws, &opts).expect("sync big");
    let secs = t.elapsed().as_secs_f64();
    assert!(report.complete());
    let growth = peak_rss().saturating_sub(before);
    println!(
        "memory: {} MiB video uploaded in {:.1} s ({:.0} MB/s); client peak RSS growth {:.1} MiB (goal ≤ 64)",
        big_mb,
        secs,
        big as f64 / secs / 1e6,
        growth as f64 / 1048576.0
    );
}

/// Seconds to check every signature of `ws`'s chain with `verify_strict`, one after another:
/// the floor of what a back office must do for a push.
fn bare_verify(ws: &casetrail_core::Workspace) -> f64 {
    let key = ws.signing_key().verifying_key();
    let events = ws
        .store()
        .read(|v| v.chain(ws.device_id(), 0, usize::MAX))
        .expect("journal");
    let sigs: Vec<(Hash, ed25519_dalek::Signature)> = events
        .iter()
        .map(|e| {
            let sig = ed25519_dalek::Signature::from_slice(&e.signature).expect("signature");
            (e.event_hash, sig)
        })
        .collect();
    let t = Instant::now();
    for (hash, sig) in &sigs {
        key.verify_strict(hash.as_bytes(), sig).expect("verifies");
    }
    t.elapsed().as_secs_f64()
}

/// Resident memory now (VmRSS), bytes.
fn current_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// A streamed pseudo-video, so the 1 GiB file is never in memory.
struct VideoReader {
    left: usize,
    x: u64,
    header: bool,
}

impl std::io::Read for VideoReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.header {
            self.header = false;
            let h = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
            buf[..h.len()].copy_from_slice(h);
            self.left -= h.len();
            return Ok(h.len());
        }
        let n = buf.len().min(self.left);
        for word in buf[..n].chunks_mut(8) {
            self.x ^= self.x << 13;
            self.x ^= self.x >> 7;
            self.x ^= self.x << 17;
            let bytes = self.x.to_le_bytes();
            word.copy_from_slice(&bytes[..word.len()]);
        }
        self.left -= n;
        Ok(n)
    }
}

/// Uploads `contents` with curl to a fresh server: uploads created and chunks written to disk
/// beforehand; one curl process, one connection, every chunk a PATCH with its checksum.
/// Returns the seconds curl took.
fn curl_upload(
    dir: &Path,
    contents: &[Vec<u8>],
    chunk: usize,
    rt: &tokio::runtime::Runtime,
) -> f64 {
    let server = Server::start(dir);
    let ws = device(&dir.with_extension("phone"));
    server.enrol(dir, &ws, rt);
    let token = token(&server.url, &ws, rt);
    let http = reqwest::Client::new();
    let chunks_dir = dir.with_extension("chunks");
    std::fs::create_dir_all(&chunks_dir).unwrap();
    let mut args: Vec<String> = vec![
        "-sS".into(),
        "--fail".into(),
        "-o".into(),
        "/dev/null".into(),
    ];
    let mut first = true;
    for (i, c) in contents.iter().enumerate() {
        let sha = Hash::digest(c);
        rt.block_on(
            http.post(format!("{}/v1/media", server.url))
                .bearer_auth(&token)
                .json(&wire::MediaCreate {
                    sha256: sha,
                    size: c.len() as u64,
                })
                .send(),
        )
        .unwrap()
        .error_for_status()
        .unwrap();
        for (j, part) in c.chunks(chunk).enumerate() {
            let path = chunks_dir.join(format!("{i}-{j}"));
            std::fs::write(&path, part).unwrap();
            if !first {
                args.push("--next".into());
                args.extend([
                    "-sS".into(),
                    "--fail".into(),
                    "-o".into(),
                    "/dev/null".into(),
                ]);
            }
            first = false;
            args.extend([
                "-X".into(),
                "PATCH".into(),
                "-H".into(),
                format!("Authorization: Bearer {token}"),
                "-H".into(),
                "Content-Type: application/offset+octet-stream".into(),
                "-H".into(),
                format!("Upload-Offset: {}", j * chunk),
                "-H".into(),
                format!(
                    "Upload-Checksum: sha256 {}",
                    B64.encode(Hash::digest(part).as_bytes())
                ),
                "--data-binary".into(),
                format!("@{}", path.display()),
                format!("{}/v1/media/{sha}", server.url),
            ]);
        }
    }
    let t = Instant::now();
    let status = Command::new("curl").args(&args).status().expect("curl");
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "curl failed");
    // Every file arrived whole (the server verified and moved each into place).
    let storage = SqliteStorage::open(
        dir,
        Arc::new(casetrail_core::store::clock::SystemClock::new()),
    )
    .unwrap();
    for c in contents {
        let st = storage
            .media_status(ws.device_id(), &Hash::digest(c))
            .unwrap()
            .unwrap();
        assert!(st.receipt.is_some(), "curl upload incomplete");
    }
    std::thread::sleep(Duration::from_millis(10));
    secs
}

fn token(url: &str, ws: &casetrail_core::Workspace, rt: &tokio::runtime::Runtime) -> String {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let c: wire::ChallengeResponse = http
            .post(format!("{url}/v1/auth/challenge"))
            .json(&wire::ChallengeRequest {
                device_id: ws.device_id(),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let t: wire::TokenResponse = http
            .post(format!("{url}/v1/auth/token"))
            .json(&wire::TokenRequest {
                device_id: ws.device_id(),
                nonce: c.nonce.clone(),
                signature: B64.encode(
                    ws.signing_key()
                        .sign(&wire::auth_message(&c.nonce, &ws.device_id())),
                ),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        t.token
    })
}

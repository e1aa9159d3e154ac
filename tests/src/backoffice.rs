//! A real back office on loopback and real devices, for the sync scenarios and the sync
//! benchmark: the server is `casetrail-server` over its SQLite storage (optionally wrapped, to
//! make it misbehave), the devices are core workspaces on disk, and they talk real HTTP.

// Test set-up: a step that fails should stop the scenario at once, saying which step.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::CaptureRequest;
use casetrail_core::Workspace;
use casetrail_core::model::{CaseId, EvidenceItem, EvidenceKind, RecordBody, RecordedActivity};
use casetrail_core::protocol::wire::{self, PushRequest, WireEvent};
use casetrail_core::sample;
use casetrail_core::store::clock::SystemClock;
use casetrail_core::sync::{Backoff, EnrolOptions, Silent, SyncOptions, SyncReport, Timeouts};
use casetrail_server::{Limits, Running, SqliteStorage, Storage};
use chrono::Utc;
use tokio_util::sync::CancellationToken;

/// The officer devices enrol for.
pub const OFFICER: &str = "LN210404-0012";

/// A back office serving on loopback.
pub struct Backoffice {
    /// Its data folder.
    pub dir: PathBuf,
    /// Its storage (the real one, even when the served one is wrapped).
    pub storage: Arc<SqliteStorage>,
    /// Its address.
    pub url: String,
    running: Option<Running>,
    rt: Arc<tokio::runtime::Runtime>,
}

/// A multi-threaded runtime for a test.
pub fn runtime() -> Arc<tokio::runtime::Runtime> {
    Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime"),
    )
}

impl Backoffice {
    /// Opens `dir` and serves it on a free loopback port.
    pub fn start(dir: &Path, rt: &Arc<tokio::runtime::Runtime>) -> Self {
        Self::start_wrapped(dir, rt, |s| s)
    }

    /// Serves `wrap(storage)` instead of the storage itself (a misbehaving back office).
    pub fn start_wrapped(
        dir: &Path,
        rt: &Arc<tokio::runtime::Runtime>,
        wrap: impl FnOnce(Arc<SqliteStorage>) -> Arc<dyn Storage>,
    ) -> Self {
        Self::start_with(dir, rt, Limits::default(), wrap)
    }

    /// Opens `dir` and serves it under `limits` (both the storage's quotas and the HTTP
    /// server's bounds).
    pub fn start_limited(dir: &Path, rt: &Arc<tokio::runtime::Runtime>, limits: Limits) -> Self {
        Self::start_with(dir, rt, limits, |s| s)
    }

    fn start_with(
        dir: &Path,
        rt: &Arc<tokio::runtime::Runtime>,
        limits: Limits,
        wrap: impl FnOnce(Arc<SqliteStorage>) -> Arc<dyn Storage>,
    ) -> Self {
        let storage = Arc::new(
            SqliteStorage::open_for_serving(dir, Arc::new(SystemClock::new()))
                .expect("open back office")
                .with_limits(limits.clone()),
        );
        let served = wrap(storage.clone());
        let running = rt
            .block_on(casetrail_server::start(
                served,
                "127.0.0.1:0".parse().expect("addr"),
                casetrail_server::ServeOptions {
                    limits,
                    ..Default::default()
                },
            ))
            .expect("start back office");
        Self {
            dir: dir.to_owned(),
            url: running.url(false),
            storage,
            running: Some(running),
            rt: rt.clone(),
        }
    }

    /// The port it listens on.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.running.as_ref().map(|r| r.addr).expect("running")
    }

    /// Enrols `ws` (through `url`, which may be a proxy in front of this back office).
    pub fn enrol(&self, ws: &Workspace, url: &str) {
        self.enrol_as(ws, url, OFFICER);
    }

    /// Enrols `ws` for `officer`.
    pub fn enrol_as(&self, ws: &Workspace, url: &str, officer: &str) {
        let code = self
            .storage
            .issue_enrol_code(officer, 1)
            .expect("enrolment code");
        self.rt
            .block_on(ws.enrol(&EnrolOptions {
                url: url.to_owned(),
                code,
                ca_pem: None,
            }))
            .expect("enrol");
    }

    /// Stops serving (the folder's lock is released when the storage is dropped).
    pub fn stop(mut self) {
        if let Some(r) = self.running.take() {
            let _ = self.rt.block_on(r.stop());
        }
    }
}

impl Drop for Backoffice {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = self.rt.block_on(r.stop());
        }
    }
}

/// A device workspace in `dir` (file vault, system clock).
pub fn device(dir: &Path) -> Workspace {
    Workspace::open_default(dir).expect("device workspace")
}

/// Sync options for tests: short timeouts, fast backoff, many attempts.
pub fn fast() -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            base: Duration::from_millis(5),
            cap: Duration::from_millis(100),
        },
        attempts: 8,
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            read: Duration::from_secs(2),
            request: Duration::from_secs(20),
        },
        ..SyncOptions::default()
    }
}

/// One sync run.
pub fn sync(
    rt: &tokio::runtime::Runtime,
    ws: &Workspace,
    opts: &SyncOptions,
) -> casetrail_core::Result<SyncReport> {
    rt.block_on(ws.sync(opts, &Silent, &CancellationToken::new()))
}

/// A case with `records` draft records (each one journal event, about 1 KiB).
pub fn case_with_records(ws: &Workspace, case_no: &str, records: usize) -> CaseId {
    let case = ws.create_case(sample::case_draft(case_no)).expect("case");
    for _ in 0..records {
        ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(Utc::now())),
        )
        .expect("record");
    }
    case.id
}

/// Bytes of a "video": an MP4 `ftyp` box, then seeded pseudo-random bytes.
pub fn video_bytes(size: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
    let mut x = seed.max(1);
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size.max(24));
    out
}

/// Captures a video of `size` bytes into `case`.
pub fn capture_video(ws: &Workspace, case: CaseId, size: usize, seed: u64) -> EvidenceItem {
    let bytes = video_bytes(size, seed);
    capture(ws, case, &bytes, EvidenceKind::Video)
}

/// Captures `bytes` as evidence of `kind`.
pub fn capture(ws: &Workspace, case: CaseId, bytes: &[u8], kind: EvidenceKind) -> EvidenceItem {
    let req = CaptureRequest {
        case_id: case,
        record_id: None,
        kind: Some(kind),
        activity: RecordedActivity::OnsiteInspection,
        purpose: String::new(),
        category: None,
        captured_at: None,
        captured_by: OFFICER.into(),
        location: None,
        address: String::new(),
        original_name: String::new(),
    };
    ws.capture_bytes(bytes, req).expect("capture").item
}

/// Checks that the back office holds exactly this device's journal (same events, once each,
/// seq contiguous from 1) and every file of its evidence whole, and that the device holds a
/// receipt for everything. Panics with what differs.
pub fn assert_converged(server: &SqliteStorage, ws: &Workspace) {
    let device = ws.device_id();
    let mine: Vec<_> = ws
        .store()
        .read(|v| v.journal())
        .expect("device journal")
        .into_iter()
        .filter(|e| e.device_id == device)
        .map(|e| (e.seq, e.event_hash))
        .collect();
    let held: Vec<_> = server
        .store()
        .read(|v| v.journal())
        .expect("server journal")
        .into_iter()
        .filter(|e| e.device_id == device)
        .map(|e| (e.seq, e.event_hash))
        .collect();
    assert_eq!(
        held.len(),
        mine.len(),
        "server holds a different number of events"
    );
    assert_eq!(held, mine, "server holds different events");
    for (i, (seq, _)) in held.iter().enumerate() {
        assert_eq!(*seq, i as u64 + 1, "seq not contiguous on the server");
    }
    for item in ws.store().read(|v| v.all_evidence()).expect("evidence") {
        for file in std::iter::once(&item.original).chain(item.derivative.as_ref()) {
            let path = blob_path(&server.home(), &file.sha256);
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|_| panic!("server lacks file {}", file.sha256));
            assert_eq!(
                casetrail_core::protocol::Hash::digest(&bytes),
                file.sha256,
                "server file differs"
            );
        }
    }
    let status = ws
        .sync_status(casetrail_core::sync::Network::Unmetered)
        .expect("status");
    assert!(status.complete(), "device still owes: {status:?}");
}

/// Where the back office keeps a complete file.
pub fn blob_path(home: &Path, sha: &casetrail_core::protocol::Hash) -> PathBuf {
    let hex = sha.to_string();
    home.join("blobs/sha256").join(&hex[..2]).join(hex)
}

/// Where the back office grows a device's upload.
pub fn partial_path(
    home: &Path,
    device: casetrail_core::protocol::DeviceId,
    sha: &casetrail_core::protocol::Hash,
) -> PathBuf {
    home.join("blobs/partial")
        .join(format!("{device}-{sha}.part"))
}

/// A plain HTTP client for speaking the protocol by hand.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A bearer token for `ws`, obtained by answering a challenge with its key (as the client does).
pub fn raw_token(rt: &tokio::runtime::Runtime, url: &str, ws: &Workspace) -> String {
    let http = http_client();
    rt.block_on(async {
        let challenge: wire::ChallengeResponse = http
            .post(format!("{url}/v1/auth/challenge"))
            .json(&wire::ChallengeRequest {
                device_id: ws.device_id(),
            })
            .send()
            .await
            .expect("challenge")
            .json()
            .await
            .expect("challenge json");
        let req = wire::TokenRequest {
            device_id: ws.device_id(),
            nonce: challenge.nonce.clone(),
            signature: B64.encode(
                ws.signing_key()
                    .sign(&wire::auth_message(&challenge.nonce, &ws.device_id())),
            ),
        };
        let token: wire::TokenResponse = http
            .post(format!("{url}/v1/auth/token"))
            .json(&req)
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        // Replaying the same signed answer is refused: the challenge is single-use.
        let replay = http
            .post(format!("{url}/v1/auth/token"))
            .json(&req)
            .send()
            .await
            .expect("replay");
        assert_eq!(replay.status().as_u16(), 401, "a replayed challenge answer");
        token.token
    })
}

/// Pushes `events` as they are, with `token`; the status and the body of the answer.
pub fn raw_push(
    rt: &tokio::runtime::Runtime,
    url: &str,
    token: &str,
    events: Vec<WireEvent>,
) -> (u16, String) {
    rt.block_on(async {
        let resp = http_client()
            .post(format!("{url}/v1/journal"))
            .bearer_auth(token)
            .json(&PushRequest {
                events,
                known_size: 0,
            })
            .send()
            .await
            .expect("push");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    })
}

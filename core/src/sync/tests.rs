//! The sync engine against an in-memory back office (`memory`): retries, wedges, resumed
//! uploads, cancellation, re-authentication and refused answers, each in milliseconds.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::memory::{Call, Fault, MemoryTransport};
use super::{Backoff, EnrolOptions, MediaState, Network, Progress, SyncListener, SyncOptions};
use crate::model::{CaseId, EvidenceKind, RecordBody, RecordedActivity};
use crate::store::clock::SystemClock;
use crate::{CaptureRequest, Error, SyncError, Workspace, sample};

const OFFICER: &str = "LN210404-0012";

struct Rig {
    _dir: tempfile::TempDir,
    ws: Workspace,
    server: Arc<casetrail_server::SqliteStorage>,
    net: MemoryTransport,
    rt: tokio::runtime::Runtime,
    case: CaseId,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_default(dir.path().join("phone")).unwrap();
    let server = Arc::new(
        casetrail_server::SqliteStorage::open(
            &dir.path().join("bureau"),
            Arc::new(SystemClock::new()),
        )
        .unwrap(),
    );
    let net = MemoryTransport::new(server.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let case = ws
        .create_case(sample::case_draft("望统检〔2026〕1号"))
        .unwrap()
        .id;
    for _ in 0..3 {
        ws.add_record(
            case,
            RecordBody::InquiryRecord(sample::inquiry_record(chrono::Utc::now())),
        )
        .unwrap();
    }
    let code = server_code(&server);
    let opts = EnrolOptions {
        url: "memory://bureau".into(),
        code,
        ca_pem: None,
    };
    rt.block_on(super::enrol::enrol_with(&ws.device(), &opts, &net))
        .unwrap();
    Rig {
        _dir: dir,
        ws,
        server,
        net,
        rt,
        case,
    }
}

fn server_code(server: &casetrail_server::SqliteStorage) -> String {
    use casetrail_server::Storage as _;
    server.issue_enrol_code(OFFICER, 1).unwrap()
}

fn video(size: usize, seed: u8) -> Vec<u8> {
    let mut out = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    out.extend((0..size).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    out
}

impl Rig {
    fn capture(&self, bytes: &[u8], kind: EvidenceKind) {
        let req = CaptureRequest {
            case_id: self.case,
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
        self.ws.capture_bytes(bytes, req).unwrap();
    }

    fn sync_with(
        &self,
        opts: &SyncOptions,
        listener: &dyn SyncListener,
        cancel: &CancellationToken,
    ) -> crate::Result<super::SyncReport> {
        let enrolment = self.ws.enrolment().unwrap().unwrap();
        self.rt.block_on(super::run::sync_with(
            &self.ws.device(),
            opts,
            listener,
            cancel,
            enrolment,
            &self.net,
        ))
    }

    fn sync(&self, opts: &SyncOptions) -> crate::Result<super::SyncReport> {
        self.sync_with(opts, &super::Silent, &CancellationToken::new())
    }
}

fn fast() -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(4),
        },
        attempts: 4,
        chunk: 1000,
        ..SyncOptions::default()
    }
}

/// Records what the host is told.
#[derive(Default)]
struct Heard(parking_lot::Mutex<Vec<Progress>>);

impl SyncListener for Heard {
    fn on_progress(&self, p: Progress) {
        self.0.lock().push(p);
    }
}

#[test]
fn everything_is_delivered_and_receipted() {
    let r = rig();
    r.capture(&video(3500, 1), EvidenceKind::Video);
    let report = r.sync(&fast()).unwrap();
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.media_acked, 1);
    assert!(report.events_acked >= 5);
    // Nothing more to send: a second run sends nothing.
    let again = r.sync(&fast()).unwrap();
    assert_eq!(
        (again.events_sent, again.media_bytes_sent),
        (1, 0),
        "only the skew"
    );
    assert!(r.server.verify_journal().unwrap().is_sound());
}

#[test]
fn transient_failures_are_retried_with_backoff_and_said() {
    let r = rig();
    r.net.fail(Call::Push, Fault::Network, 2);
    r.net.fail(Call::MediaCreate, Fault::Status(503, "busy"), 1);
    r.capture(&video(1200, 2), EvidenceKind::Video);
    let heard = Heard::default();
    let report = r
        .sync_with(&fast(), &heard, &CancellationToken::new())
        .unwrap();
    assert!(report.complete(), "{report:?}");
    let waits = heard
        .0
        .lock()
        .iter()
        .filter(|p| matches!(p, Progress::Waiting { .. }))
        .count();
    assert_eq!(waits, 3, "each retry is announced");
    assert_eq!(r.net.count(Call::Push), 3);
}

#[test]
fn a_lost_answer_is_harmless_the_resend_gets_the_same_receipts() {
    let r = rig();
    r.net.fail(Call::Push, Fault::LostAnswer, 1);
    let report = r.sync(&fast()).unwrap();
    assert!(report.complete(), "{report:?}");
    // The server applied the first push; the second was answered from what it held.
    assert_eq!(r.net.count(Call::Push), 2);
    assert!(r.server.verify_journal().unwrap().is_sound());
}

#[test]
fn when_retries_run_out_the_run_stops_and_the_next_one_resumes() {
    let r = rig();
    r.net.fail(Call::Push, Fault::Network, 4);
    let err = r.sync(&fast()).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Network(_))), "{err:?}");
    let status = r.ws.sync_status(Network::Unmetered).unwrap();
    assert!(status.events_pending > 0 && status.journal_wedged.is_none());
    assert!(r.sync(&fast()).unwrap().complete());
}

#[test]
fn a_refused_file_is_wedged_the_others_still_go_and_it_can_be_retried() {
    let r = rig();
    r.capture(&video(1500, 3), EvidenceKind::Video);
    r.capture(&video(1600, 4), EvidenceKind::Video);
    r.net
        .fail(Call::MediaCreate, Fault::Status(413, "too_large"), 1);
    let report = r.sync(&fast()).unwrap();
    assert_eq!(report.media_acked, 1);
    assert_eq!(report.status.media_wedged.len(), 1);
    assert!(matches!(
        &report.status.media_wedged[0].state,
        MediaState::Wedged(reason) if reason.contains("413")
    ));
    assert!(!report.complete());
    // Parked, not dropped: nothing retries it until it is re-enabled.
    assert_eq!(r.sync(&fast()).unwrap().media_acked, 0);
    assert_eq!(r.ws.reenable_wedged().unwrap(), 1);
    assert!(r.sync(&fast()).unwrap().complete());
}

#[test]
fn a_cut_upload_resumes_from_the_server_offset() {
    let r = rig();
    let size = 10_000;
    r.capture(&video(size, 5), EvidenceKind::Video);
    // Three chunks go through; the fourth is stored but its answer is lost, the fifth's
    // connection drops: each time the upload asks where the server stands and goes on from there.
    let opts = fast();
    r.net.fail_after(Call::MediaAppend, 3, Fault::LostAnswer, 1);
    r.net.fail(Call::MediaAppend, Fault::Network, 1);
    let report = r.sync(&opts).unwrap();
    assert!(report.complete(), "{report:?}");
    let file = (size + 24) as u64;
    // The lost answer's chunk was stored; at most one chunk went twice.
    assert!(
        report.media_bytes_sent <= file + opts.chunk as u64 * 2,
        "{} sent for {file}",
        report.media_bytes_sent
    );
    assert_eq!(
        r.net.appended_bytes(),
        file,
        "the server took each byte once"
    );
    assert!(
        r.net.count(Call::MediaCreate) >= 2,
        "resumed from the server's offset"
    );
}

#[test]
fn a_cancel_interrupts_a_hung_call_at_once() {
    let r = rig();
    r.net.fail(Call::Push, Fault::Hang, 1);
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        c.cancel();
    });
    let started = std::time::Instant::now();
    let err = r.sync_with(&fast(), &super::Silent, &cancel).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Cancelled)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A run that starts cancelled does nothing.
    let err = r.sync_with(&fast(), &super::Silent, &cancel).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Cancelled)));
}

#[test]
fn an_expired_token_is_renewed_once() {
    let r = rig();
    r.net
        .fail(Call::Push, Fault::Status(401, "token_expired"), 1);
    assert!(r.sync(&fast()).unwrap().complete());
    assert_eq!(r.net.count(Call::Token), 2, "one more challenge answered");
}

#[test]
fn a_refused_journal_is_parked_and_the_files_still_go() {
    let r = rig();
    r.capture(&video(900, 6), EvidenceKind::Video);
    r.net.fail(Call::Push, Fault::Status(409, "conflict"), 1);
    let report = r.sync(&fast()).unwrap();
    assert_eq!(report.media_acked, 1);
    assert!(report.status.journal_wedged.is_some());
    assert_eq!(r.ws.sync_incidents().unwrap()[0].kind, "journal_refused");
    // Parked: the next run does not push until re-enabled.
    let pushes = r.net.count(Call::Push);
    r.sync(&fast()).unwrap();
    assert_eq!(r.net.count(Call::Push), pushes);
}

#[test]
fn a_forged_receipt_is_an_incident_and_nothing_is_kept() {
    let r = rig();
    r.net.fail(Call::Push, Fault::ForgeReceipt, 1);
    let err = r.sync(&fast()).unwrap_err();
    assert!(
        matches!(err, Error::Sync(SyncError::Untrusted(_))),
        "{err:?}"
    );
    let incidents = r.ws.sync_incidents().unwrap();
    assert_eq!(incidents[0].kind, "bad_inclusion_proof");
    let status = r.ws.sync_status(Network::Unmetered).unwrap();
    assert!(status.checkpoint_size.is_none(), "no checkpoint kept");
    assert!(status.events_pending > 0, "no receipt kept");
}

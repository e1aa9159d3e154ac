//! Sync with a real back office on loopback: delivery and receipts, idempotence, conflicts,
//! media pending, decisions pulled back, TLS pinning — and every refusal of reliability.md
//! S21–S25, S30, S32 (forged signature, broken chain, replay, revoked device, wrong code,
//! garbage, checkpoints going backwards or forking), each with nothing changed.

use std::io::{Read, Write};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::SyncError;
use casetrail_core::Workspace;
use casetrail_core::model::bodies::ApprovalResult;
use casetrail_core::model::{BackofficeDecision, DecisionSubject, DeviceId, EvidenceKind};
use casetrail_core::protocol::Hash;
use casetrail_core::protocol::checkpoint::Checkpoint;
use casetrail_core::protocol::wire::{self, PushRequest, PushResponse, WireEvent};
use casetrail_core::sync::{EnrolOptions, Network};
use casetrail_core::{Error, sync::SyncOptions};
use casetrail_server::{Appended, SqliteStorage, Storage};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use crate::backoffice::{
    Backoffice, OFFICER, assert_converged, capture, capture_video, case_with_records, device, fast,
    raw_push, raw_token, runtime, sync,
};

fn photo() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/photos/orient-landscape-6.jpg"),
    )
    .expect("fixture photo")
}

/// What the device has stored as sync state: receipts, checkpoints, back-office events.
fn sync_state(ws: &Workspace) -> (i64, i64, i64) {
    ws.store()
        .inspect(|c| {
            Ok((
                c.query_row("SELECT count(*) FROM sync_receipts", [], |r| r.get(0))?,
                c.query_row("SELECT count(*) FROM sync_checkpoints", [], |r| r.get(0))?,
                c.query_row(
                    "SELECT count(*) FROM sync_media WHERE receipt IS NOT NULL",
                    [],
                    |r| r.get(0),
                )?,
            ))
        })
        .expect("sync state")
}

fn server_events(server: &SqliteStorage, device: DeviceId) -> usize {
    server
        .store()
        .read(|v| v.journal())
        .expect("journal")
        .iter()
        .filter(|e| e.device_id == device)
        .count()
}

#[test]
fn delivers_everything_once_with_verified_receipts() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕1号", 20);
    capture(&ws, case, &photo(), EvidenceKind::Photo);
    capture_video(&ws, case, 9 * 1024 * 1024 + 17, 7);
    server.enrol(&ws, &server.url);

    let opts = SyncOptions {
        chunk: 1024 * 1024,
        ..fast()
    };
    let report = sync(&rt, &ws, &opts).expect("sync");
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.media_acked, 3, "photo, its watermarked copy, video");
    assert_converged(&server.storage, &ws);

    // The checkpoint the device holds verifies against the back office's key.
    let enrolment = ws.enrolment().expect("enrolment").expect("enrolled");
    let held = ws.held_checkpoint().expect("checkpoint").expect("held");
    let cp = Checkpoint::verify(
        &held.note,
        &enrolment.log_origin,
        &enrolment.server_key_name,
        &enrolment.server_key().expect("key"),
    )
    .expect("checkpoint verifies");
    assert_eq!((cp.size, cp.root), (held.size, held.root));

    // The back office sees the case, with the phone's own completeness rules and all files.
    let cases = server.storage.cases(chrono::Utc::now()).expect("cases");
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].case_no, "望统检〔2026〕1号");
    assert_eq!(cases[0].media_pending, 0);
    let phone_findings = ws.check_case(case, chrono::Utc::now()).expect("check");
    assert_eq!(cases[0].findings.len(), phone_findings.len());

    // A second run sends only the clock-skew observation it records, and no file again.
    let blobs_before = count_files(&server.dir.join("blobs/sha256"));
    let again = sync(&rt, &ws, &opts).expect("sync again");
    assert_eq!(again.events_sent, 1);
    assert_eq!(again.media_acked, 0);
    assert_eq!(count_files(&server.dir.join("blobs/sha256")), blobs_before);
    assert_converged(&server.storage, &ws);
}

fn count_files(dir: &std::path::Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn identical_resends_get_the_original_receipt_and_forgeries_are_refused() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    case_with_records(&ws, "望统检〔2026〕2号", 5);
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    let events: Vec<WireEvent> = ws
        .store()
        .read(|v| v.journal())
        .expect("journal")
        .iter()
        .map(WireEvent::from_stored)
        .collect();

    // S11/S12: the same batch a hundred times — one stored copy, the same receipts every time.
    let (status, first) = raw_push(&rt, &server.url, &token, events.clone());
    assert_eq!(status, 200, "{first}");
    let first: PushResponse = serde_json::from_str(&first).expect("receipts");
    for _ in 0..100 {
        let (status, body) = raw_push(&rt, &server.url, &token, events.clone());
        assert_eq!(status, 200);
        let again: PushResponse = serde_json::from_str(&body).expect("receipts");
        assert_eq!(again.receipts.len(), first.receipts.len());
        for (a, b) in again.receipts.iter().zip(&first.receipts) {
            assert_eq!(
                (a.seq, a.event_hash, a.leaf_index),
                (b.seq, b.event_hash, b.leaf_index)
            );
        }
    }
    assert_eq!(server_events(&server.storage, ws.device_id()), events.len());

    let before = server
        .storage
        .store()
        .read(|v| v.journal())
        .expect("j")
        .len();
    let next = ws.store().read(|v| v.journal()).expect("journal").len();
    case_with_records(&ws, "望统检〔2026〕3号", 2);
    let fresh: Vec<_> = ws.store().read(|v| v.journal()).expect("journal")[next..]
        .iter()
        .map(WireEvent::from_stored)
        .collect();

    // Forged signature.
    let mut forged = fresh.clone();
    let mut sig = B64.decode(&forged[0].signature).expect("b64");
    sig[5] ^= 1;
    forged[0].signature = B64.encode(sig);
    let (status, body) = raw_push(&rt, &server.url, &token, forged);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("refused_events"));

    // Altered body under a valid header.
    let mut altered = fresh.clone();
    let mut b = B64.decode(&altered[0].body).expect("b64");
    b[10] ^= 1;
    altered[0].body = B64.encode(b);
    assert_eq!(raw_push(&rt, &server.url, &token, altered).0, 422);

    // Broken chain: skip an event.
    let skipped = fresh[1..].to_vec();
    assert_eq!(raw_push(&rt, &server.url, &token, skipped).0, 422);

    // Another device's events under this device's token.
    let other = device(&dir.path().join("other"));
    let theirs: Vec<_> = other
        .store()
        .read(|v| v.journal())
        .expect("journal")
        .iter()
        .map(WireEvent::from_stored)
        .collect();
    assert_eq!(raw_push(&rt, &server.url, &token, theirs).0, 403);

    // No token, a made-up token.
    assert_eq!(raw_push(&rt, &server.url, "", fresh.clone()).0, 401);
    assert_eq!(raw_push(&rt, &server.url, "0123abcd", fresh.clone()).0, 401);

    // Nothing of the above was stored.
    assert_eq!(
        server
            .storage
            .store()
            .read(|v| v.journal())
            .expect("j")
            .len(),
        before
    );
    let report = server.storage.verify_journal().expect("verify");
    assert!(report.is_sound(), "{:?}", report.defects);
    // The genuine batch still goes through.
    assert_eq!(raw_push(&rt, &server.url, &token, fresh).0, 200);
}

#[test]
fn same_seq_with_other_bytes_is_a_conflict_and_parks_only_the_journal() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let home = dir.path().join("phone");
    let ws = device(&home);
    let case = case_with_records(&ws, "望统检〔2026〕4号", 3);
    server.enrol(&ws, &server.url);
    sync(&rt, &ws, &fast()).expect("first sync");
    drop(ws);

    // A copy of the phone (same key, same chain) goes its own way.
    let copy = dir.path().join("copy");
    copy_dir(&home, &copy);
    let ws = device(&home);
    ws.add_record(
        case,
        casetrail_core::model::RecordBody::InquiryRecord(casetrail_core::sample::inquiry_record(
            chrono::Utc::now(),
        )),
    )
    .expect("record");
    sync(&rt, &ws, &fast()).expect("original syncs");
    let held = server_events(&server.storage, ws.device_id());

    let twin = device(&copy);
    twin.add_record(
        case,
        casetrail_core::model::RecordBody::InquiryRecord(casetrail_core::sample::inquiry_record(
            chrono::Utc::now() - chrono::TimeDelta::hours(1),
        )),
    )
    .expect("record");
    capture(&twin, case, &photo(), EvidenceKind::Photo);
    let report = sync(&rt, &twin, &fast()).expect("the twin's sync finishes");
    assert!(!report.complete());
    assert!(
        report
            .status
            .journal_wedged
            .as_deref()
            .is_some_and(|r| r.contains("409")),
        "{:?}",
        report.status
    );
    // Its files still went through: a conflict in the journal blocks nothing else.
    assert_eq!(report.media_acked, 2);
    assert_eq!(server_events(&server.storage, ws.device_id()), held);
    let incidents = server.storage.incidents().expect("incidents");
    assert!(
        incidents.iter().any(|i| i.kind == "conflict"),
        "{incidents:?}"
    );
    assert!(
        twin.sync_incidents()
            .expect("incidents")
            .iter()
            .any(|i| i.kind == "journal_refused")
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

#[test]
fn records_arrive_before_their_media_and_show_as_pending() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕5号", 1);
    // A 17 MiB video waits for Wi-Fi: its 24-hour deadline is far.
    capture_video(&ws, case, 17 * 1024 * 1024, 3);
    server.enrol(&ws, &server.url);
    let metered = SyncOptions {
        network: Network::Metered,
        ..fast()
    };
    let report = sync(&rt, &ws, &metered).expect("metered sync");
    assert_eq!(report.media_acked, 0);
    assert_eq!(report.status.media_pending, 1);
    assert_eq!(report.status.events_pending, 0);
    let seen = server.storage.cases(chrono::Utc::now()).expect("cases");
    assert_eq!(
        seen[0].media_pending, 1,
        "the record is there, its video is not"
    );

    let report = sync(&rt, &ws, &fast()).expect("wifi sync");
    assert!(report.complete());
    let seen = server.storage.cases(chrono::Utc::now()).expect("cases");
    assert_eq!(seen[0].media_pending, 0);
    // The 24-hour deadline is met by the media receipt, on the phone too.
    let due = ws.deadlines(case, chrono::Utc::now()).expect("deadlines");
    assert!(
        due.iter()
            .all(|d| !d.state.is_open() || d.deadline.kind.as_str() != "av_upload_24h")
    );
}

#[test]
fn backoffice_decisions_reach_the_phone_and_count_in_its_rules() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕6号", 1);
    server.enrol(&ws, &server.url);
    sync(&rt, &ws, &fast()).expect("sync");
    server
        .storage
        .decide(
            case,
            BackofficeDecision {
                subject: DecisionSubject::CaseInitiation,
                result: ApprovalResult::Approved,
                decided_by: "张局长".into(),
                opinion: "同意立案".into(),
                decided_at: chrono::Utc::now(),
            },
        )
        .expect("decide");
    server
        .storage
        .assign(case, vec![OFFICER.into()], "")
        .expect("assign");
    let report = sync(&rt, &ws, &fast()).expect("sync");
    assert_eq!(report.pulled, 2);
    let file = ws.case_file(case).expect("case file");
    assert!(file.backoffice_approved(DecisionSubject::CaseInitiation));
    assert!(ws.verify_journal().expect("verify").is_sound());

    // A phone cannot sign a back-office decision for itself.
    let forged = ws.store().append(ws.signing_key(), ws.clock().now(), |_| {
        Ok::<_, casetrail_core::Error>(
            casetrail_core::protocol::events::v1::Event::BackofficeDecided(
                casetrail_core::protocol::events::v1::BackofficeDecided {
                    case_id: case,
                    decision: (&file.backoffice[0]).into(),
                },
            ),
        )
    });
    assert!(forged.is_err());
}

#[test]
fn revoked_devices_and_wrong_codes_are_refused_and_late_signatures_flagged() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);

    // Wrong, reused and expired codes.
    let ws = device(&dir.path().join("phone"));
    let enrol = |ws: &Workspace, code: &str| {
        rt.block_on(ws.enrol(&EnrolOptions {
            url: server.url.clone(),
            code: code.into(),
            ca_pem: None,
        }))
    };
    let wrong = enrol(&ws, "AAAA-BBBB-CCCC-DDDD");
    assert!(
        matches!(wrong, Err(Error::Sync(SyncError::Rejected { ref code, .. })) if code == "bad_code"),
        "{wrong:?}"
    );
    assert!(ws.enrolment().expect("enrolment").is_none());
    let code = server.storage.issue_enrol_code(OFFICER, 1).expect("code");
    enrol(&ws, &code.to_lowercase().replace('-', " ")).expect("codes are typed any way");
    let other = device(&dir.path().join("other"));
    let reused = enrol(&other, &code);
    assert!(
        matches!(reused, Err(Error::Sync(SyncError::Rejected { ref code, .. })) if code == "code_used"),
        "{reused:?}"
    );

    // The phone syncs, then keeps capturing; it is reported lost from a moment in the past.
    let case = case_with_records(&ws, "望统检〔2026〕7号", 2);
    sync(&rt, &ws, &fast()).expect("sync");
    let lost_at = chrono::Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(20));
    ws.add_record(
        case,
        casetrail_core::model::RecordBody::InquiryRecord(casetrail_core::sample::inquiry_record(
            chrono::Utc::now(),
        )),
    )
    .expect("record");
    sync(&rt, &ws, &fast()).expect("sync before the report");
    server
        .storage
        .revoke(ws.device_id(), lost_at, "手机遗失")
        .expect("revoke");
    let cases = server.storage.cases(chrono::Utc::now()).expect("cases");
    assert!(
        !cases[0].flags.is_empty(),
        "events signed after the loss are flagged"
    );

    let before = sync_state(&ws);
    let refused = sync(&rt, &ws, &fast());
    assert!(
        matches!(refused, Err(Error::Sync(SyncError::Rejected { ref code, .. })) if code == "revoked"),
        "{refused:?}"
    );
    assert_eq!(sync_state(&ws), before, "nothing changed on the phone");
}

/// A back office that answers with receipts it should not: the real storage underneath, its
/// answers tampered with according to `mode` (it holds the real key, as a compromised or
/// buggy server would).
struct Hostile {
    inner: Arc<SqliteStorage>,
    mode: Mutex<&'static str>,
    first_note: Mutex<Option<String>>,
    /// Requests answered so far with a transient failure ("busy" mode).
    busy: Mutex<u32>,
}

impl Hostile {
    fn wrap(inner: Arc<SqliteStorage>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            mode: Mutex::new(""),
            first_note: Mutex::new(None),
            busy: Mutex::new(0),
        })
    }
}

impl Storage for Hostile {
    fn issue_enrol_code(&self, o: &str, h: u32) -> casetrail_server::Result<String> {
        self.inner.issue_enrol_code(o, h)
    }
    fn enrol(&self, r: &wire::EnrolRequest) -> casetrail_server::Result<wire::EnrolResponse> {
        self.inner.enrol(r)
    }
    fn challenge(&self, d: DeviceId) -> casetrail_server::Result<wire::ChallengeResponse> {
        self.inner.challenge(d)
    }
    fn token(&self, r: &wire::TokenRequest) -> casetrail_server::Result<wire::TokenResponse> {
        self.inner.token(r)
    }
    fn authenticate(&self, t: &str) -> casetrail_server::Result<DeviceId> {
        self.inner.authenticate(t)
    }
    fn push(&self, d: DeviceId, r: &PushRequest) -> casetrail_server::Result<PushResponse> {
        let mut resp = self.inner.push(d, r)?;
        let mut first = self.first_note.lock();
        if first.is_none() {
            *first = Some(resp.checkpoint.clone());
            return Ok(resp);
        }
        let key = self.inner.signing_key();
        let cp = Checkpoint::verify(
            &resp.checkpoint,
            self.inner.origin(),
            casetrail_server::KEY_NAME,
            &key.verifying_key(),
        )
        .expect("own checkpoint");
        match *self.mode.lock() {
            "rollback" => resp.checkpoint = first.clone().unwrap_or_default(),
            "fork" => {
                let forked = Checkpoint {
                    root: Hash::digest(b"another history"),
                    ..cp
                };
                resp.checkpoint = forked.sign(casetrail_server::KEY_NAME, key);
            }
            "bad_proof" => {
                if let Some(r) = resp.receipts.first_mut() {
                    r.inclusion.reverse();
                    r.inclusion.push(B64.encode([7u8; 32]));
                }
            }
            "wrong_event" => {
                if let Some(r) = resp.receipts.first_mut() {
                    r.event_hash = Hash::digest(b"someone else's event");
                }
            }
            "unknown_key" => {
                let stranger = casetrail_core::protocol::DeviceKey::from_seed([9; 32]);
                resp.checkpoint = cp.sign(casetrail_server::KEY_NAME, &stranger);
            }
            "no_receipts" => resp.receipts.clear(),
            _ => {}
        }
        Ok(resp)
    }
    fn backoffice_events(
        &self,
        d: DeviceId,
        a: u64,
    ) -> casetrail_server::Result<wire::BackofficeEvents> {
        self.inner.backoffice_events(d, a)
    }
    fn media_create(
        &self,
        d: DeviceId,
        r: &wire::MediaCreate,
    ) -> casetrail_server::Result<wire::MediaStatus> {
        match *self.mode.lock() {
            "too_large" if r.size > 1024 * 1024 => {
                return Err(casetrail_server::ServerError::TooLarge);
            }
            "busy" => {
                let mut n = self.busy.lock();
                if *n < 3 {
                    *n += 1;
                    return Err(casetrail_server::ServerError::StorageFull);
                }
            }
            _ => {}
        }
        let mut status = self.inner.media_create(d, r)?;
        if *self.mode.lock() == "forged_media_receipt"
            && let Some(receipt) = status.receipt.as_mut()
        {
            receipt.size += 1;
        }
        Ok(status)
    }
    fn media_status(
        &self,
        d: DeviceId,
        s: &Hash,
    ) -> casetrail_server::Result<Option<wire::MediaStatus>> {
        self.inner.media_status(d, s)
    }
    fn expire_uploads(&self, now: DateTime<Utc>) -> casetrail_server::Result<usize> {
        self.inner.expire_uploads(now)
    }
    fn media_append(
        &self,
        d: DeviceId,
        s: &Hash,
        o: u64,
        c: &Hash,
        b: &[u8],
    ) -> casetrail_server::Result<Appended> {
        let out = self.inner.media_append(d, s, o, c, b)?;
        if *self.mode.lock() == "forged_media_receipt"
            && let Appended::Complete(mut status) = out
        {
            if let Some(r) = status.receipt.as_mut() {
                r.signature = B64.encode([1u8; 64]);
            }
            return Ok(Appended::Complete(status));
        }
        Ok(out)
    }
    fn decide(
        &self,
        c: casetrail_core::model::CaseId,
        d: BackofficeDecision,
    ) -> casetrail_server::Result<()> {
        self.inner.decide(c, d)
    }
    fn assign(
        &self,
        c: casetrail_core::model::CaseId,
        o: Vec<String>,
        n: &str,
    ) -> casetrail_server::Result<()> {
        self.inner.assign(c, o, n)
    }
    fn revoke(
        &self,
        d: DeviceId,
        at: chrono::DateTime<chrono::Utc>,
        r: &str,
    ) -> casetrail_server::Result<()> {
        self.inner.revoke(d, at, r)
    }
    fn cases(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> casetrail_server::Result<Vec<wire::BackofficeCase>> {
        self.inner.cases(now)
    }
    fn devices(&self) -> casetrail_server::Result<Vec<casetrail_server::DeviceInfo>> {
        self.inner.devices()
    }
    fn incidents(&self) -> casetrail_server::Result<Vec<casetrail_server::Incident>> {
        self.inner.incidents()
    }
    fn resolve_case(&self, k: &str) -> casetrail_server::Result<casetrail_core::model::CaseId> {
        self.inner.resolve_case(k)
    }
}

#[test]
fn untrustworthy_receipts_are_refused_kept_as_incidents_and_change_nothing() {
    for mode in [
        "rollback",
        "fork",
        "bad_proof",
        "wrong_event",
        "unknown_key",
        "no_receipts",
        "forged_media_receipt",
    ] {
        let rt = runtime();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut hostile: Option<Arc<Hostile>> = None;
        let server = Backoffice::start_wrapped(&dir.path().join("bo"), &rt, |inner| {
            let h = Hostile::wrap(inner);
            hostile = Some(h.clone());
            h
        });
        let hostile = hostile.expect("wrapped");
        let ws = device(&dir.path().join("phone"));
        let case = case_with_records(&ws, "望统检〔2026〕8号", 3);
        server.enrol(&ws, &server.url);
        sync(&rt, &ws, &fast()).expect("honest first sync");
        // The phone moves on to a larger checkpoint, so the first one is "backwards".
        case_with_records(&ws, "望统检〔2026〕8-1号", 1);
        sync(&rt, &ws, &fast()).expect("honest second sync");
        // More to deliver, so the next answer has receipts to forge.
        case_with_records(&ws, "望统检〔2026〕9号", 3);
        capture(&ws, case, &photo(), EvidenceKind::Photo);
        *hostile.mode.lock() = mode;
        let before = sync_state(&ws);
        let checkpoint = ws.held_checkpoint().expect("checkpoint");
        let result = sync(&rt, &ws, &fast());
        assert!(
            matches!(result, Err(Error::Sync(SyncError::Untrusted(_)))),
            "{mode}: {result:?}"
        );
        let after = sync_state(&ws);
        if mode == "forged_media_receipt" {
            assert_eq!(after.2, before.2, "{mode}: no media receipt stored");
        } else {
            assert_eq!(after, before, "{mode}: nothing stored");
            assert_eq!(
                ws.held_checkpoint().expect("checkpoint"),
                checkpoint,
                "{mode}"
            );
        }
        let incidents = ws.sync_incidents().expect("incidents");
        assert!(!incidents.is_empty(), "{mode}: kept as an incident");
        if mode == "rollback" || mode == "fork" {
            assert!(
                incidents
                    .iter()
                    .any(|i| i.detail.contains("held:") && i.detail.contains("received:")),
                "{mode}: both signed checkpoints kept: {incidents:?}"
            );
        }
        // An honest answer later still works.
        *hostile.mode.lock() = "";
        let report = sync(&rt, &ws, &fast()).expect("honest again");
        assert!(report.complete(), "{mode}: {report:?}");
    }
}

/// A server that answers every request with the same garbage.
fn garbage_server(answer: &'static [u8]) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(answer);
        }
    });
    addr
}

#[test]
fn garbage_answers_are_refused_without_a_state_change() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    case_with_records(&ws, "望统检〔2026〕10号", 2);
    server.enrol(&ws, &server.url);
    sync(&rt, &ws, &fast()).expect("sync");
    case_with_records(&ws, "望统检〔2026〕11号", 2);
    let before = sync_state(&ws);
    let answers: [&'static [u8]; 5] = [
        b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{\"nonce\":",
        b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\nnot json at all",
        b"HTTP/1.1 200 OK\r\ncontent-length: 44\r\n\r\n{\"nonce\":\"zz\",\"server_time\":\"yesterday\"}xx",
        b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/\r\ncontent-length: 0\r\n\r\n",
        b"\x16\x03\x01 definitely not HTTP\r\n\r\n",
    ];
    for answer in answers {
        let addr = garbage_server(answer);
        let opts = SyncOptions {
            url: Some(format!("http://{addr}")),
            attempts: 2,
            ..fast()
        };
        let result = sync(&rt, &ws, &opts);
        assert!(result.is_err(), "{result:?}");
        assert_eq!(sync_state(&ws), before);
    }
    let oversized = garbage_server(b"HTTP/1.1 200 OK\r\ncontent-length: 999999999\r\n\r\n{");
    let result = sync(
        &rt,
        &ws,
        &SyncOptions {
            url: Some(format!("http://{oversized}")),
            ..fast()
        },
    );
    assert!(
        matches!(result, Err(Error::Sync(SyncError::Untrusted(_)))),
        "{result:?}"
    );
    assert_eq!(sync_state(&ws), before);
}

#[test]
fn two_copies_of_a_phone_syncing_at_once_deliver_each_event_once() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let home = dir.path().join("phone");
    let ws = device(&home);
    case_with_records(&ws, "望统检〔2026〕12号", 500);
    server.enrol(&ws, &server.url);
    drop(ws);
    let copy = dir.path().join("copy");
    copy_dir(&home, &copy);
    let (a, b) = (device(&home), device(&copy));
    let opts = SyncOptions {
        batch: 50,
        ..fast()
    };
    let (ra, rb) = rt.block_on(async {
        let cancel = tokio_util::sync::CancellationToken::new();
        let silent = casetrail_core::sync::Silent;
        tokio::join!(
            a.sync(&opts, &silent, &cancel),
            b.sync(&opts, &silent, &cancel)
        )
    });
    // Each records its own clock-skew event at the same seq: one of the two is a conflict.
    let (ra, rb) = (ra.expect("a"), rb.expect("b"));
    assert!(
        ra.events_acked >= 500 && rb.events_acked >= 500,
        "{ra:?} {rb:?}"
    );
    let held = server
        .storage
        .store()
        .read(|v| v.journal())
        .expect("journal");
    let mut seqs: Vec<u64> = held
        .iter()
        .filter(|e| e.device_id == a.device_id())
        .map(|e| e.seq)
        .collect();
    let n = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "no seq stored twice");
    assert_eq!(seqs, (1..=n as u64).collect::<Vec<_>>());
}

#[test]
fn tls_with_the_pinned_ca_only() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (ca_pem, cert_pem, key_pem) = tls_material("127.0.0.1");
    let (other_ca, _, _) = tls_material("127.0.0.1");
    std::fs::write(dir.path().join("cert.pem"), cert_pem).expect("write");
    std::fs::write(dir.path().join("key.pem"), key_pem).expect("write");
    let storage = Arc::new(
        SqliteStorage::open_for_serving(
            &dir.path().join("bo"),
            Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .expect("storage"),
    );
    let tls = casetrail_server::TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
    };
    let running = rt
        .block_on(casetrail_server::start(
            storage.clone(),
            "127.0.0.1:0".parse().expect("addr"),
            casetrail_server::ServeOptions {
                tls: Some(tls),
                ..Default::default()
            },
        ))
        .expect("tls server");
    let url = running.url(true);

    // A phone pinned to another CA refuses before sending anything: no enrolment arrives.
    let stranger = device(&dir.path().join("stranger"));
    let code = storage.issue_enrol_code(OFFICER, 1).expect("code");
    let refused = rt.block_on(stranger.enrol(&EnrolOptions {
        url: url.clone(),
        code: code.clone(),
        ca_pem: Some(other_ca),
    }));
    assert!(
        matches!(refused, Err(Error::Sync(SyncError::Tls(_)))),
        "{refused:?}"
    );
    assert!(storage.devices().expect("devices").is_empty());
    // Plain HTTP to a non-loopback address is refused before any connection.
    let plain = rt.block_on(stranger.enrol(&EnrolOptions {
        url: "http://192.0.2.1:8443".into(),
        code: code.clone(),
        ca_pem: None,
    }));
    assert!(
        matches!(plain, Err(Error::Sync(SyncError::BadAddress(_)))),
        "{plain:?}"
    );

    let ws = device(&dir.path().join("phone"));
    case_with_records(&ws, "望统检〔2026〕13号", 3);
    rt.block_on(ws.enrol(&EnrolOptions {
        url,
        code,
        ca_pem: Some(ca_pem),
    }))
    .expect("enrol over TLS");
    let report = sync(&rt, &ws, &fast()).expect("sync over TLS");
    assert!(report.complete());
    assert_converged(&storage, &ws);
    rt.block_on(running.stop()).expect("stop");
}

/// A CA and a server certificate for `host` it signed, PEM.
fn tls_material(host: &str) -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "casetrail test bureau CA");
    let ca_cert = ca.self_signed(&ca_key).expect("ca");
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec![host.to_owned()]).expect("params");
    let cert = params.signed_by(&key, &issuer).expect("cert");
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

#[test]
fn transient_failures_are_retried_and_permanent_ones_park_only_their_file() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut hostile: Option<Arc<Hostile>> = None;
    let server = Backoffice::start_wrapped(&dir.path().join("bo"), &rt, |inner| {
        let h = Hostile::wrap(inner);
        hostile = Some(h.clone());
        h
    });
    let hostile = hostile.expect("wrapped");
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕14号", 2);
    let big = capture_video(&ws, case, 2 * 1024 * 1024, 5);
    capture(&ws, case, &photo(), EvidenceKind::Photo);
    server.enrol(&ws, &server.url);

    // 507 with Retry-After three times: retried (Retry-After honoured up to the cap), then done.
    *hostile.mode.lock() = "busy";
    let report = sync(&rt, &ws, &fast()).expect("sync through a busy back office");
    assert!(report.complete(), "{report:?}");
    assert_eq!(*hostile.busy.lock(), 3);
    assert_converged(&server.storage, &ws);

    // 413 for big files: that file is parked with the reason, the others go, nothing is lost.
    let later = capture_video(&ws, case, 3 * 1024 * 1024, 6);
    capture(&ws, case, b"%PDF-1.4 small scan", EvidenceKind::File);
    *hostile.mode.lock() = "too_large";
    let report = sync(&rt, &ws, &fast()).expect("sync");
    assert!(!report.complete());
    assert_eq!(report.status.media_wedged.len(), 1);
    let parked = &report.status.media_wedged[0];
    assert_eq!(parked.sha256, later.original.sha256);
    assert!(
        matches!(&parked.state, casetrail_core::sync::MediaState::Wedged(r) if r.contains("413")),
        "{parked:?}"
    );
    assert!(
        ws.media()
            .path_of(
                casetrail_core::media::Area::Originals,
                &later.original.sha256
            )
            .is_file()
    );
    // Still parked on the next run; re-enabled after "the app update", it goes through.
    let report = sync(&rt, &ws, &fast()).expect("sync");
    assert_eq!(report.status.media_wedged.len(), 1);
    *hostile.mode.lock() = "";
    assert_eq!(ws.reenable_wedged().expect("reenable"), 1);
    let report = sync(&rt, &ws, &fast()).expect("sync");
    assert!(report.complete(), "{report:?}");
    assert_converged(&server.storage, &ws);
    let _ = big;
}

#[test]
fn a_cancelled_sync_keeps_what_was_acknowledged_and_resumes() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕15号", 50);
    capture_video(&ws, case, 24 * 1024 * 1024, 8);
    server.enrol(&ws, &server.url);
    let opts = SyncOptions {
        chunk: 256 * 1024,
        ..fast()
    };
    struct CancelAfterMedia(tokio_util::sync::CancellationToken);
    impl casetrail_core::sync::SyncListener for CancelAfterMedia {
        fn on_progress(&self, p: casetrail_core::sync::Progress) {
            if let casetrail_core::sync::Progress::Media { done, .. } = p
                && done > 2 * 1024 * 1024
            {
                self.0.cancel();
            }
        }
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let listener = CancelAfterMedia(cancel.clone());
    let result = rt.block_on(ws.sync(&opts, &listener, &cancel));
    assert!(
        matches!(result, Err(Error::Sync(SyncError::Cancelled))),
        "{result:?}"
    );
    let status = ws.sync_status(Network::Unmetered).expect("status");
    assert_eq!(
        status.events_pending, 0,
        "the journal was acknowledged before the files"
    );
    assert_eq!(status.media_pending, 1);
    let report = sync(&rt, &ws, &opts).expect("resume");
    assert!(report.complete());
    // It resumed where the server stood: far less than the whole file was sent again.
    assert!(report.media_bytes_sent < 23 * 1024 * 1024, "{report:?}");
    assert_converged(&server.storage, &ws);
}

/// A back office killed after moving a whole, verified upload into place but before recording
/// it finishes that upload when it starts again: the receipt is made, the file is not asked
/// for again.
#[test]
fn an_upload_moved_into_place_but_not_recorded_is_finished_on_restart() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("bo");
    let server = Backoffice::start(&data, &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕8号", 1);
    let video = capture_video(&ws, case, 3 * 1024 * 1024, 8);
    server.enrol(&ws, &server.url);
    assert!(sync(&rt, &ws, &fast()).expect("sync").complete());
    server.stop();

    // The state the kill leaves: the file in place, the upload not marked complete, no receipt.
    let sha = video.original.sha256;
    let key = sha.as_bytes().to_vec();
    {
        let db = rusqlite::Connection::open(data.join("casetrail.db")).expect("db");
        db.execute(
            "UPDATE srv_device_uploads SET completed_at = NULL WHERE sha256 = ?1",
            [&key],
        )
        .expect("unrecord");
        db.execute("DELETE FROM sync_media WHERE sha256 = ?1", [&key])
            .expect("no receipt");
    }
    assert!(crate::backoffice::blob_path(&data, &sha).exists());

    let storage = SqliteStorage::open_for_serving(
        &data,
        Arc::new(casetrail_core::store::clock::SystemClock::new()),
    )
    .expect("restart");
    let status = storage
        .media_status(ws.device_id(), &sha)
        .expect("status")
        .expect("known");
    assert_eq!(status.offset, status.size, "{status:?}");
    assert!(status.receipt.is_some(), "{status:?}");
}

//! The back office against devices that misbehave and clients that try to wear it down, over
//! real HTTP on loopback (reliability.md S-scenarios of the hardened server): every refusal is
//! the answer the protocol names, stores nothing, and is kept as an incident where it is
//! hostile; honest devices keep syncing through it.
//!
//! - writing about another officer's case, a back-office kind, an unknown kind, an officer
//!   taken off a case;
//! - uploads: another device cannot touch, reset or finish a device's upload of the same file;
//! - a size other than the signed one, too many open uploads, the day's quotas (429);
//! - a body that stalls (408), a connection that never speaks, a flood of idle connections
//!   while an honest phone syncs, a challenge flood (429, nothing written);
//! - a device revoked between two batches of one sync: its token is dropped, no new one;
//! - a server fault is a 500 with a request id and none of its detail;
//! - the back office's files and folders are its own (0700 / 0600), and answers carry an id.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use casetrail_core::Workspace;
use casetrail_core::model::{CaseId, EvidenceKind, RecordId};
use casetrail_core::protocol::events::v1::{self, Event};
use casetrail_core::protocol::journal::{ChainHead, StoredEvent, seal};
use casetrail_core::protocol::wire::{MediaCreate, WireEvent};
use casetrail_core::protocol::{Hash, wire};
use casetrail_server::{Limits, Storage};

use crate::backoffice::{
    Backoffice, capture, case_with_records, device, fast, http_client, raw_push, raw_token,
    runtime, sync, video_bytes,
};

/// An officer who is on none of the sample cases.
const OUTSIDER: &str = "LN210404-0099";

/// The device's own chain, as it would send it (without what it pulled from the back office).
fn journal(ws: &Workspace) -> Vec<StoredEvent> {
    let me = ws.device_id();
    ws.store()
        .read(|v| v.chain(me, 0, usize::MAX))
        .expect("journal")
}

fn wire_of(events: &[StoredEvent]) -> Vec<WireEvent> {
    events.iter().map(WireEvent::from_stored).collect()
}

/// The next event of `ws`'s chain, signed with its key but never appended to its store (whose
/// own check would refuse it): what a tampered app could send.
fn forged_next(ws: &Workspace, event: &Event, case: Option<CaseId>) -> StoredEvent {
    forged_after(ws, &journal(ws).pop().expect("genesis"), event, case)
}

/// The event after `last` of `ws`'s chain, forged as `forged_next` does.
fn forged_after(
    ws: &Workspace,
    last: &StoredEvent,
    event: &Event,
    case: Option<CaseId>,
) -> StoredEvent {
    let mut at = last.parsed_header().expect("header").at;
    at.utc += chrono::TimeDelta::seconds(1);
    at.mono_ns += 1_000_000_000;
    seal(
        ws.signing_key(),
        ChainHead {
            next_seq: last.seq + 1,
            prev: last.event_hash,
        },
        at,
        event.kind(),
        case,
        event.to_bytes().expect("body"),
    )
}

fn incidents_of(server: &Backoffice, kind: &str) -> usize {
    server
        .storage
        .incidents()
        .expect("incidents")
        .iter()
        .filter(|i| i.kind == kind)
        .count()
}

fn server_journal_len(server: &Backoffice) -> usize {
    server
        .storage
        .store()
        .read(|v| v.journal())
        .expect("server journal")
        .len()
}

#[test]
fn a_device_cannot_write_about_a_case_its_officer_is_not_on() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let owner = device(&dir.path().join("owner"));
    let case = case_with_records(&owner, "望统检〔2026〕40号", 1);
    server.enrol(&owner, &server.url);
    assert!(sync(&rt, &owner, &fast()).expect("sync").complete());

    let outsider = device(&dir.path().join("outsider"));
    server.enrol_as(&outsider, &server.url, OUTSIDER);
    let token = raw_token(&rt, &server.url, &outsider);
    let before = server_journal_len(&server);
    let hostile = [
        Event::CaseStatusChanged(v1::CaseStatusChanged {
            case_id: case,
            from: "closed".into(),
            to: "archived".into(),
            reason: "归档".into(),
        }),
        Event::RecordVoided(v1::RecordVoided {
            record_id: RecordId::new(),
            case_id: case,
            reason: "作废".into(),
        }),
    ];
    for (n, event) in hostile.iter().enumerate() {
        // Its honest genesis and the forged event in one batch: all or nothing.
        let mut batch = journal(&outsider);
        batch.push(forged_next(&outsider, event, Some(case)));
        let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&batch));
        assert_eq!(status, 403, "{}: {body}", event.kind());
        assert!(body.contains("forbidden_event"), "{body}");
        assert_eq!(
            server_journal_len(&server),
            before,
            "stored after a refusal"
        );
        assert_eq!(incidents_of(&server, "denied_event"), n + 1);
    }
    // An event of a kind no device may write (the back office's own) is refused the same way.
    let assign = Event::CaseAssigned(v1::CaseAssigned {
        case_id: case,
        case_no: "望统检〔2026〕40号".into(),
        title: "x".into(),
        officers: vec![OUTSIDER.into()],
        note: "自行指派".into(),
    });
    let mut batch = journal(&outsider);
    batch.push(forged_next(&outsider, &assign, Some(case)));
    let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&batch));
    assert_eq!(status, 403, "{body}");
    assert_eq!(server_journal_len(&server), before);
    // A kind this back office does not know is refused too, not kept in the log forever.
    let last = journal(&outsider).pop().expect("genesis");
    let mut at = last.parsed_header().expect("header").at;
    at.mono_ns += 1;
    let unknown = seal(
        outsider.signing_key(),
        ChainHead {
            next_seq: last.seq + 1,
            prev: last.event_hash,
        },
        at,
        "note.scribbled",
        None,
        b"{}".to_vec(),
    );
    let mut batch = journal(&outsider);
    batch.push(unknown);
    let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&batch));
    assert_eq!(status, 403, "{body}");
    assert_eq!(server_journal_len(&server), before);
    // Its honest events still go through.
    let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&journal(&outsider)));
    assert_eq!(status, 200, "{body}");
    assert!(server.storage.verify_journal().expect("verify").is_sound());
}

#[test]
fn an_officer_taken_off_a_case_by_the_back_office_can_no_longer_write_about_it() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕41号", 1);
    server.enrol(&ws, &server.url);
    assert!(sync(&rt, &ws, &fast()).expect("sync").complete());
    // The back office gives the case to two other officers; the phone has not heard of it yet.
    server
        .storage
        .assign(case, vec![OUTSIDER.into(), "LN210404-0027".into()], "改派")
        .expect("assign");
    let token = raw_token(&rt, &server.url, &ws);
    let before = server_journal_len(&server);
    let status = Event::CaseStatusChanged(v1::CaseStatusChanged {
        case_id: case,
        from: "open".into(),
        to: "closed".into(),
        reason: "结案".into(),
    });
    let forged = forged_next(&ws, &status, Some(case));
    let (code, body) = raw_push(&rt, &server.url, &token, wire_of(&[forged]));
    assert_eq!(code, 403, "{body}");
    assert_eq!(server_journal_len(&server), before);
    assert_eq!(incidents_of(&server, "denied_event"), 1);
    // Once it has pulled the assignment, the phone itself refuses to write about the case.
    let _ = sync(&rt, &ws, &fast());
    let refused = ws.add_record(
        case,
        casetrail_core::model::RecordBody::InquiryRecord(casetrail_core::sample::inquiry_record(
            chrono::Utc::now(),
        )),
    );
    assert!(
        refused.is_err(),
        "the phone wrote about a case taken from it"
    );
}

/// A PATCH of `chunk` at `offset` to `sha`'s upload, with `token`.
fn patch(
    rt: &tokio::runtime::Runtime,
    url: &str,
    token: &str,
    sha: &Hash,
    offset: u64,
    chunk: &[u8],
) -> u16 {
    use base64::Engine as _;
    rt.block_on(async {
        http_client()
            .patch(format!("{url}/v1/media/{sha}"))
            .bearer_auth(token)
            .header(wire::UPLOAD_OFFSET, offset.to_string())
            .header(
                wire::UPLOAD_CHECKSUM,
                format!(
                    "sha256 {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(Hash::digest(chunk).as_bytes())
                ),
            )
            .body(chunk.to_vec())
            .send()
            .await
            .expect("patch")
            .status()
            .as_u16()
    })
}

/// Announces `sha` of `size` with `token`; the status and the body.
fn announce(
    rt: &tokio::runtime::Runtime,
    url: &str,
    token: &str,
    sha: Hash,
    size: u64,
) -> (u16, String) {
    rt.block_on(async {
        let resp = http_client()
            .post(format!("{url}/v1/media"))
            .bearer_auth(token)
            .json(&MediaCreate { sha256: sha, size })
            .send()
            .await
            .expect("announce");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    })
}

#[test]
fn another_device_cannot_touch_reset_or_finish_a_devices_upload() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("bo");
    let server = Backoffice::start(&home, &rt);
    let owner = device(&dir.path().join("owner"));
    let case = case_with_records(&owner, "望统检〔2026〕42号", 1);
    let bytes = video_bytes(3 * 1024 * 1024, 42);
    let item = capture(&owner, case, &bytes, EvidenceKind::Video);
    let sha = item.original.sha256;
    let size = bytes.len() as u64;
    server.enrol(&owner, &server.url);
    let owner_token = raw_token(&rt, &server.url, &owner);
    // The owner's journal is in; its upload is half done.
    let (status, body) = raw_push(&rt, &server.url, &owner_token, wire_of(&journal(&owner)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(announce(&rt, &server.url, &owner_token, sha, size).0, 200);
    let half = bytes.len() / 2;
    assert_eq!(
        patch(&rt, &server.url, &owner_token, &sha, 0, &bytes[..half]),
        204
    );

    // An intruder knows the hash (from a leaked journal) and tries everything.
    let intruder = device(&dir.path().join("intruder"));
    server.enrol_as(&intruder, &server.url, OUTSIDER);
    let token = raw_token(&rt, &server.url, &intruder);
    // Appending at the owner's offset: it has no upload of this file.
    assert_eq!(
        patch(&rt, &server.url, &token, &sha, half as u64, &bytes[half..]),
        404
    );
    // Announcing the same hash with another size starts *its own* upload, and filling that
    // with garbage ends in a digest mismatch for it alone.
    let garbage = vec![0u8; 1024];
    let (status, body) = announce(&rt, &server.url, &token, sha, garbage.len() as u64);
    assert_eq!(status, 200, "{body}");
    assert_eq!(patch(&rt, &server.url, &token, &sha, 0, &garbage), 422);
    assert!(incidents_of(&server, "digest_mismatch") >= 1);
    // The owner's upload is untouched: same offset, and it finishes with a receipt.
    let status = server
        .storage
        .media_status(owner.device_id(), &sha)
        .expect("status")
        .expect("owner's upload");
    assert_eq!(status.offset, half as u64);
    assert_eq!(
        patch(
            &rt,
            &server.url,
            &owner_token,
            &sha,
            half as u64,
            &bytes[half..]
        ),
        200
    );
    let held = std::fs::read(crate::backoffice::blob_path(&home, &sha)).expect("blob");
    assert_eq!(held, bytes);
    // The owner announcing another size than the one it signed is refused.
    let (status, body) = announce(&rt, &server.url, &owner_token, sha, size + 1);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("size_not_signed"), "{body}");
    // The whole phone converges.
    assert!(sync(&rt, &owner, &fast()).expect("sync").complete());
    assert_private(&home);
}

/// Every folder under the back office's data is 0700 and every file 0600.
fn assert_private(home: &Path) {
    let mut stack = vec![home.to_owned()];
    while let Some(dir) = stack.pop() {
        let mode = std::fs::metadata(&dir).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
                assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
            }
        }
    }
}

#[test]
fn quotas_refuse_with_retry_after_and_count_a_resent_batch_once() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start_limited(
        &dir.path().join("bo"),
        &rt,
        Limits {
            events_per_day: 8,
            open_uploads: 1,
            ..Limits::default()
        },
    );
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕43号", 4);
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    let events = wire_of(&journal(&ws));
    // More than half the day's quota: counted twice, a resend would be refused.
    assert!((5..=8).contains(&events.len()), "{} events", events.len());
    // The same batch three times: counted once.
    for _ in 0..3 {
        let (status, body) = raw_push(&rt, &server.url, &token, events.clone());
        assert_eq!(status, 200, "{body}");
    }
    // Over the day's events: 429 with a Retry-After until the next UTC day.
    case_with_records(&ws, "望统检〔2026〕44号", 6);
    let all = wire_of(&journal(&ws));
    let resp = rt.block_on(async {
        http_client()
            .post(format!("{}/v1/journal", server.url))
            .bearer_auth(&token)
            .json(&wire::PushRequest {
                events: all[events.len()..].to_vec(),
                known_size: 0,
            })
            .send()
            .await
            .expect("push")
    });
    assert_eq!(resp.status().as_u16(), 429);
    let retry: u64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("retry-after");
    assert!((1..=86_400).contains(&retry), "{retry}");
    assert_eq!(incidents_of(&server, "events_quota"), 1);
    // One open upload at a time.
    let a = capture(&ws, case, &video_bytes(4096, 1), EvidenceKind::Video);
    let b = capture(&ws, case, &video_bytes(4096, 2), EvidenceKind::Video);
    assert_eq!(
        announce(&rt, &server.url, &token, a.original.sha256, 4096).0,
        200
    );
    let (status, body) = announce(&rt, &server.url, &token, b.original.sha256, 4096);
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("too_many_uploads"), "{body}");
}

/// Opens a connection and sends `head` (and nothing more); the answer's status line, if any
/// comes within `wait`.
fn stall(addr: std::net::SocketAddr, head: &str, wait: Duration) -> Option<String> {
    let mut conn = TcpStream::connect(addr).expect("connect");
    conn.set_read_timeout(Some(wait)).expect("timeout");
    conn.write_all(head.as_bytes()).expect("write");
    let mut buf = [0u8; 512];
    match conn.read(&mut buf) {
        Ok(0) | Err(_) => None,
        Ok(n) => String::from_utf8_lossy(&buf[..n])
            .lines()
            .next()
            .map(str::to_owned),
    }
}

#[test]
fn stalled_bodies_and_silent_connections_time_out_and_challenges_are_rate_limited() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start_limited(
        &dir.path().join("bo"),
        &rt,
        Limits {
            header_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(2),
            challenges_per_minute: 5,
            ..Limits::default()
        },
    );
    let ws = device(&dir.path().join("phone"));
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    let addr = server.addr();
    // A body announced and never sent: 408 once the request's time is up.
    let started = Instant::now();
    let line = stall(
        addr,
        &format!(
            "POST /v1/journal HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\
             content-type: application/json\r\ncontent-length: 1000\r\n\r\n{{"
        ),
        Duration::from_secs(10),
    );
    assert!(
        line.as_deref().is_some_and(|l| l.contains(" 408")),
        "{line:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    // Without a token the body is never read: 401 at once, whatever it claims to be.
    let line = stall(
        addr,
        "POST /v1/journal HTTP/1.1\r\nhost: x\r\ncontent-length: 999999999\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(
        line.as_deref().is_some_and(|l| l.contains(" 401")),
        "{line:?}"
    );
    // Too large a body for the route: 413 before it is read.
    let line = stall(
        addr,
        &format!(
            "POST /v1/journal HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\
             content-length: {}\r\n\r\n",
            wire::MAX_JSON_BYTES + 1
        ),
        Duration::from_secs(5),
    );
    assert!(
        line.as_deref().is_some_and(|l| l.contains(" 413")),
        "{line:?}"
    );
    // Headers that never end: the connection is closed after the header timeout.
    let started = Instant::now();
    let line = stall(
        addr,
        "GET /v1/health HTTP/1.1\r\nhost:",
        Duration::from_secs(10),
    );
    assert!(
        line.as_deref().is_none_or(|l| l.contains(" 408")),
        "{line:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(8));

    // Challenges: the device's quota, then 429; asking writes nothing.
    let nonces = || {
        server
            .storage
            .store()
            .inspect(|c| {
                c.query_row("SELECT count(*) FROM srv_nonces", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .expect("nonces")
    };
    let written = nonces();
    let statuses: Vec<u16> = rt.block_on(async {
        let http = http_client();
        let mut out = Vec::new();
        for _ in 0..12 {
            let resp = http
                .post(format!("{}/v1/auth/challenge", server.url))
                .json(&wire::ChallengeRequest {
                    device_id: ws.device_id(),
                })
                .send()
                .await
                .expect("challenge");
            assert!(resp.headers().contains_key("x-request-id"));
            out.push(resp.status().as_u16());
        }
        out
    });
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().take(4).all(|s| *s == 200), "{statuses:?}");
    assert_eq!(nonces(), written, "asking for a challenge wrote a row");
}

#[test]
fn an_honest_phone_syncs_while_two_hundred_idle_connections_are_held_open() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start_limited(
        &dir.path().join("bo"),
        &rt,
        Limits {
            header_timeout: Duration::from_secs(2),
            ..Limits::default()
        },
    );
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕45号", 20);
    capture(
        &ws,
        case,
        &video_bytes(2 * 1024 * 1024, 45),
        EvidenceKind::Video,
    );
    server.enrol(&ws, &server.url);
    let addr = server.addr();
    // Two hundred connections that connect and say nothing, reopened as they are closed.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood: Vec<_> = (0..200)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut reopened = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(mut c) = TcpStream::connect(addr) {
                        let _ = c.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut b = [0u8; 1];
                        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                            match c.read(&mut b) {
                                Ok(0) => break,
                                Ok(_) => {}
                                Err(e)
                                    if e.kind() == std::io::ErrorKind::WouldBlock
                                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                                Err(_) => break,
                            }
                        }
                        reopened += 1;
                    }
                }
                reopened
            })
        })
        .collect();
    let flooding = Instant::now();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let mut done = false;
    while started.elapsed() < Duration::from_secs(60) {
        if sync(&rt, &ws, &fast()).is_ok_and(|r| r.complete()) {
            done = true;
            break;
        }
    }
    // Long enough for the server to have closed each idle connection once.
    std::thread::sleep(Duration::from_secs(4).saturating_sub(flooding.elapsed()));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reopened: u32 = flood.into_iter().map(|t| t.join().expect("flood")).sum();
    assert!(
        done,
        "the honest phone did not finish within a minute of the flood"
    );
    // The idle connections were closed by the server (and reopened by the flood).
    assert!(reopened >= 200, "{reopened}");
}

#[test]
fn a_device_revoked_between_two_batches_is_refused_with_the_token_it_holds() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    case_with_records(&ws, "望统检〔2026〕46号", 8);
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    let events = wire_of(&journal(&ws));
    let (first, second) = events.split_at(events.len() / 2);
    let (status, body) = raw_push(&rt, &server.url, &token, first.to_vec());
    assert_eq!(status, 200, "{body}");
    server
        .storage
        .revoke(ws.device_id(), chrono::Utc::now(), "手机遗失")
        .expect("revoke");
    // (The revocation is itself an event of the back office's chain.)
    let held = server_journal_len(&server);
    // The token it holds is still within its 15 minutes, but revocation dropped it.
    let (status, body) = raw_push(&rt, &server.url, &token, second.to_vec());
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("bad_token"), "{body}");
    assert_eq!(server_journal_len(&server), held, "stored after revocation");
    // And it gets no new one.
    let challenge = rt.block_on(async {
        http_client()
            .post(format!("{}/v1/auth/challenge", server.url))
            .json(&wire::ChallengeRequest {
                device_id: ws.device_id(),
            })
            .send()
            .await
            .expect("challenge")
    });
    assert_eq!(challenge.status().as_u16(), 403);
    let body = rt.block_on(challenge.text()).expect("body");
    assert!(body.contains("revoked"), "{body}");
    // The phone itself stops there, its second half still pending.
    assert!(sync(&rt, &ws, &fast()).is_err());
    assert_eq!(server_journal_len(&server), held);
}

/// A back office whose storage fails inside (a disk error, a bug): the real storage for
/// everything but pushes.
struct Failing(std::sync::Arc<casetrail_server::SqliteStorage>);

impl Storage for Failing {
    fn issue_enrol_code(&self, o: &str, h: u32) -> casetrail_server::Result<String> {
        self.0.issue_enrol_code(o, h)
    }
    fn enrol(&self, r: &wire::EnrolRequest) -> casetrail_server::Result<wire::EnrolResponse> {
        self.0.enrol(r)
    }
    fn challenge(
        &self,
        d: casetrail_core::model::DeviceId,
    ) -> casetrail_server::Result<wire::ChallengeResponse> {
        self.0.challenge(d)
    }
    fn token(&self, r: &wire::TokenRequest) -> casetrail_server::Result<wire::TokenResponse> {
        self.0.token(r)
    }
    fn authenticate(&self, t: &str) -> casetrail_server::Result<casetrail_core::model::DeviceId> {
        self.0.authenticate(t)
    }
    fn push(
        &self,
        _: casetrail_core::model::DeviceId,
        _: &wire::PushRequest,
    ) -> casetrail_server::Result<wire::PushResponse> {
        Err(casetrail_server::ServerError::Internal(
            "disk I/O error at /srv/ct/casetrail.db, device LN210404-0012".into(),
        ))
    }
    fn backoffice_events(
        &self,
        d: casetrail_core::model::DeviceId,
        a: u64,
    ) -> casetrail_server::Result<wire::BackofficeEvents> {
        self.0.backoffice_events(d, a)
    }
    fn media_create(
        &self,
        d: casetrail_core::model::DeviceId,
        r: &MediaCreate,
    ) -> casetrail_server::Result<wire::MediaStatus> {
        self.0.media_create(d, r)
    }
    fn media_status(
        &self,
        d: casetrail_core::model::DeviceId,
        s: &Hash,
    ) -> casetrail_server::Result<Option<wire::MediaStatus>> {
        self.0.media_status(d, s)
    }
    fn expire_uploads(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> casetrail_server::Result<usize> {
        self.0.expire_uploads(now)
    }
    fn media_append(
        &self,
        d: casetrail_core::model::DeviceId,
        s: &Hash,
        o: u64,
        c: &Hash,
        b: &[u8],
    ) -> casetrail_server::Result<casetrail_server::Appended> {
        self.0.media_append(d, s, o, c, b)
    }
    fn decide(
        &self,
        c: CaseId,
        d: casetrail_core::model::BackofficeDecision,
    ) -> casetrail_server::Result<()> {
        self.0.decide(c, d)
    }
    fn assign(&self, c: CaseId, o: Vec<String>, n: &str) -> casetrail_server::Result<()> {
        self.0.assign(c, o, n)
    }
    fn revoke(
        &self,
        d: casetrail_core::model::DeviceId,
        at: chrono::DateTime<chrono::Utc>,
        r: &str,
    ) -> casetrail_server::Result<()> {
        self.0.revoke(d, at, r)
    }
    fn cases(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> casetrail_server::Result<Vec<wire::BackofficeCase>> {
        self.0.cases(now)
    }
    fn devices(&self) -> casetrail_server::Result<Vec<casetrail_server::DeviceInfo>> {
        self.0.devices()
    }
    fn incidents(&self) -> casetrail_server::Result<Vec<casetrail_server::Incident>> {
        self.0.incidents()
    }
    fn resolve_case(&self, k: &str) -> casetrail_server::Result<CaseId> {
        self.0.resolve_case(k)
    }
}

#[test]
fn a_server_fault_answers_500_with_a_request_id_and_without_its_detail() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start_wrapped(&dir.path().join("bo"), &rt, |s| {
        std::sync::Arc::new(Failing(s))
    });
    let ws = device(&dir.path().join("phone"));
    case_with_records(&ws, "望统检〔2026〕47号", 1);
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    let resp = rt.block_on(async {
        http_client()
            .post(format!("{}/v1/journal", server.url))
            .bearer_auth(&token)
            .json(&wire::PushRequest {
                events: wire_of(&journal(&ws)),
                known_size: 0,
            })
            .send()
            .await
            .expect("push")
    });
    assert_eq!(resp.status().as_u16(), 500);
    let id = resp
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("a request id");
    assert!(id.contains('-'), "{id}");
    let body = rt.block_on(resp.text()).expect("body");
    assert!(body.contains("internal error"), "{body}");
    for secret in ["/srv/ct", "LN210404", "disk I/O"] {
        assert!(!body.contains(secret), "{secret} leaked: {body}");
    }
    // The phone treats it as transient: nothing is lost, everything still pending.
    assert!(sync(&rt, &ws, &fast()).is_err());
    assert!(
        ws.sync_status(Default::default())
            .expect("status")
            .events_pending
            > 0
    );
}

#[test]
fn an_event_is_judged_on_the_standing_the_events_before_it_in_its_batch_left() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Backoffice::start(&dir.path().join("bo"), &rt);
    let ws = device(&dir.path().join("phone"));
    let case = case_with_records(&ws, "望统检〔2026〕48号", 1);
    let record = ws
        .store()
        .read(|v| v.journal())
        .expect("journal")
        .iter()
        .find(|e| e.parsed_header().is_ok_and(|h| h.kind == "record.added"))
        .and_then(|e| {
            serde_json::from_slice::<serde_json::Value>(&e.body)
                .ok()
                .and_then(|b| b["record_id"].as_str().and_then(|r| r.parse().ok()))
        })
        .expect("record id");
    let status: String = ws
        .store()
        .inspect(|c| {
            c.query_row(
                "SELECT status FROM cases WHERE case_id = ?1",
                [case.to_string()],
                |r| r.get(0),
            )
        })
        .expect("status");
    server.enrol(&ws, &server.url);
    let token = raw_token(&rt, &server.url, &ws);
    // In one batch: the case closed, then one of its records voided. The first is allowed (the
    // device's officer is on the case); the second must be judged on the closed case.
    let closed = forged_next(
        &ws,
        &Event::CaseStatusChanged(v1::CaseStatusChanged {
            case_id: case,
            from: status,
            to: "closed".into(),
            reason: "结案".into(),
        }),
        Some(case),
    );
    let voided = forged_after(
        &ws,
        &closed,
        &Event::RecordVoided(v1::RecordVoided {
            record_id: RecordId(record),
            case_id: case,
            reason: "作废".into(),
        }),
        Some(case),
    );
    let mut batch = journal(&ws);
    batch.extend([closed.clone(), voided]);
    let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&batch));
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("record.voided"), "{body}");
    // Without the void, the same batch is taken.
    let mut batch = journal(&ws);
    batch.push(closed);
    let (status, body) = raw_push(&rt, &server.url, &token, wire_of(&batch));
    assert_eq!(status, 200, "{body}");
}

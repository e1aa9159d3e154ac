//! Crash safety of evidence files (reliability.md S01, F1): a capture stores its files first and
//! journals them after, so a process killed in between leaves files no event references. This
//! loop makes that happen at many random points and checks that reopening the workspace
//! reclaims exactly those files and nothing else.
//!
//! A child process captures photos (watermarked: an original and a derivative) and videos (an
//! original only) in a loop through `Workspace::capture_bytes` and `capture_file`, each with
//! unique content so every file is newly written and pending. It signals `READY` when its loop
//! starts, `BEGIN <kind>` before each capture and `CAP <id>` after each one the core
//! acknowledged. The parent lets a random number of captures go by, then kills the child at a
//! random fraction of the time its own last capture of that kind took, so the kill falls
//! anywhere in storing the original, watermarking, storing the derivative or committing — as
//! often on a loaded machine as on an idle one.
//!
//! After every kill, before reopening, the parent notes whether a pending file was left on
//! disk (the case only reclaiming repairs); after reopening it checks that every journaled
//! file is present and hashes right, that no file under `media/originals` or
//! `media/derivatives` is unreferenced by the journal, that `media/pending` and `media/tmp` are
//! empty, that every acknowledged capture is journaled, and that the journal verifies.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use casetrail_core::media::{Area, hash_file};
use casetrail_core::model::{EvidenceKind, RecordedActivity};
use casetrail_core::protocol::Hash;
use casetrail_core::protocol::events::v1::Event;
use casetrail_core::protocol::journal::EventHeader;
use casetrail_core::{CaptureRequest, Workspace, sample};

use crate::backoffice::{OFFICER, video_bytes};
use crate::support::{Rng, Signalling, cycles, signal};

const CHILD_ENV: &str = "CASETRAIL_CAPTURE_CRASH_CHILD";
const CHILD_TEST: &str = "e2e::capture_crash::capture_child";

/// The reference photos the child captures (small, so a cycle takes tens of milliseconds).
const PHOTOS: [&str; 2] = ["orient-landscape-6.jpg", "orient-portrait-8.jpg"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/photos")
        .join(name)
}

/// A JPEG with a comment segment (`COM`) carrying `tag` right after SOI: the same picture,
/// unique bytes, so the store writes it anew instead of finding it already stored.
fn tagged_jpeg(jpeg: &[u8], tag: &str) -> Vec<u8> {
    let len = u16::try_from(tag.len() + 2).expect("short tag");
    let mut out = Vec::with_capacity(jpeg.len() + tag.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn request(case: casetrail_core::model::CaseId, kind: EvidenceKind) -> CaptureRequest {
    CaptureRequest {
        case_id: case,
        record_id: None,
        kind: Some(kind),
        activity: RecordedActivity::OnsiteInspection,
        purpose: "证明现场情况".into(),
        category: None,
        captured_at: None,
        captured_by: OFFICER.into(),
        location: None,
        address: String::new(),
        original_name: String::new(),
    }
}

/// The child's role: open (or create) the workspace and capture forever, signalling each
/// capture it starts and each one the core acknowledged. Does nothing as a normal test.
#[test]
fn capture_child() {
    let Ok(home) = std::env::var(CHILD_ENV) else {
        return;
    };
    let home = PathBuf::from(home);
    let ws = Workspace::open_default(&home).expect("child opens workspace");
    let case = match ws.list_cases().expect("list").first() {
        Some(c) => c.id,
        None => {
            ws.create_case(sample::case_draft("CAPTURE-CRASH-1"))
                .expect("case")
                .id
        }
    };
    let photos: Vec<Vec<u8>> = PHOTOS
        .iter()
        .map(|p| std::fs::read(fixture(p)).expect("fixture photo"))
        .collect();
    // Files handed to capture_file live outside the workspace, as a camera's would.
    let staging = home.with_extension("staging");
    std::fs::create_dir_all(&staging).expect("staging dir");
    let pid = u64::from(std::process::id());
    signal("READY").expect("signal");
    let mut i = 0u64;
    loop {
        i += 1;
        let tag = format!("casetrail capture crash {pid}/{i}");
        let captured = if i % 3 == 0 {
            // A video, from a file: an original only.
            let bytes = video_bytes(512 * 1024 + i as usize, (pid << 24) | i);
            let path = staging.join(format!("{pid}-{i}.mp4"));
            std::fs::write(&path, &bytes).expect("staging file");
            signal("BEGIN video").expect("signal");
            let c = ws.capture_file(&path, request(case, EvidenceKind::Video));
            let _ = std::fs::remove_file(&path);
            c
        } else {
            // A photo, from memory: an original and its watermarked derivative.
            let bytes = tagged_jpeg(&photos[(i % 2) as usize], &tag);
            signal("BEGIN photo").expect("signal");
            ws.capture_bytes(&bytes, request(case, EvidenceKind::Photo))
        };
        let captured = captured.expect("capture");
        signal(&format!("CAP {}", captured.item.id)).expect("signal");
    }
}

/// What the journal references: each evidence item's files, with their sizes, per area.
#[derive(Default)]
struct Referenced {
    items: HashSet<String>,
    files: Vec<(Area, Hash, u64)>,
}

fn referenced(ws: &Workspace) -> Referenced {
    let mut out = Referenced::default();
    for event in ws.store().read(|v| v.journal()).expect("journal") {
        let header = EventHeader::parse_canonical(&event.header).expect("header");
        if let Some(Event::EvidenceCaptured(e)) =
            Event::parse(&header.kind, &event.body).expect("body")
        {
            out.items.insert(e.item.id.to_string());
            out.files.push((
                Area::Originals,
                e.item.original.sha256,
                e.item.original.size,
            ));
            if let Some(d) = &e.item.derivative {
                out.files.push((Area::Derivatives, d.sha256, d.size));
            }
        }
    }
    out
}

/// Every file below `dir`, recursively.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether a marker in `pending/` names a file that exists: a blob written, never journaled,
/// that only reclaiming removes. Marker names are `<area dir>-<keyed name>`.
fn orphan_on_disk(media: &Path) -> bool {
    files_below(&media.join("pending")).iter().any(|m| {
        let marker = m.file_name().map(|n| n.to_string_lossy().into_owned());
        marker
            .as_deref()
            .and_then(|m| m.split_once('-'))
            .is_some_and(|(dir, name)| {
                name.len() > 2 && media.join(dir).join(&name[..2]).join(name).exists()
            })
    })
}

/// One cycle: start a child, let `captures` of its captures go by, then kill it at `fraction`
/// of the time its last capture of the same kind took. Returns the ids it acknowledged and
/// whether it died inside a capture.
fn run_child_and_kill(
    home: &Path,
    captures: u64,
    fraction: f64,
    pace: &mut HashMap<String, Duration>,
) -> (Vec<String>, bool) {
    let mut child =
        Signalling::spawn(CHILD_TEST, &[(CHILD_ENV, home.display().to_string())]).expect("spawn");
    child.wait_for("READY", |l| l == "READY");
    let mut current: Option<(String, std::time::Instant)> = None;
    let mut seen = 0;
    loop {
        let s = child.wait_for("a capture", |l| {
            l.starts_with("BEGIN ") || l.starts_with("CAP ")
        });
        if let Some(kind) = s.line.strip_prefix("BEGIN ") {
            // Kill inside this capture once enough went by and its kind's pace is known
            // (the first cycles measure it; the pace is the child's own, under today's load).
            if seen >= captures
                && let Some(p) = pace.get(kind)
            {
                std::thread::sleep(p.mul_f64(fraction));
                break;
            }
            current = Some((kind.to_owned(), s.at));
        } else {
            seen += 1;
            if let Some((kind, began)) = current.take() {
                pace.insert(kind, s.at.saturating_duration_since(began));
            }
        }
    }
    let killed = child.kill().expect("SIGKILL");
    assert!(killed.was_running, "the child exited before it was killed");
    let acked = killed
        .signals
        .iter()
        .filter_map(|l| l.strip_prefix("CAP ").map(str::to_owned))
        .collect();
    let mid_capture = killed
        .last(|l| l.starts_with("BEGIN ") || l.starts_with("CAP "))
        .is_some_and(|l| l.starts_with("BEGIN "));
    (acked, mid_capture)
}

#[test]
fn kill_9_between_storing_and_journaling_leaves_no_file_behind() {
    let n = cycles("CASETRAIL_CAPTURE_CRASH_CYCLES", 100);
    let mut rng = Rng::from_env("kill_9_during_captures");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("ws");
    let media = home.join("media");
    let mut pace = HashMap::new();
    let mut acked = Vec::new();
    let (mut mid_capture, mut orphans, mut reclaimed) = (0u64, 0u64, 0usize);
    for cycle in 0..n {
        let (got, inside) = run_child_and_kill(&home, rng.range(0, 4), rng.unit(), &mut pace);
        acked.extend(got);
        mid_capture += u64::from(inside);
        // Before reopening: did the kill leave a file only reclaiming removes?
        let orphan = orphan_on_disk(&media);
        orphans += u64::from(orphan);
        let stored_before = files_below(&media.join("originals")).len()
            + files_below(&media.join("derivatives")).len();

        let ws = Workspace::open_default(&home).expect("reopen after kill");
        let report = ws.verify_journal().expect("verify");
        assert!(report.is_sound(), "cycle {cycle}: {:?}", report.defects);
        let refs = referenced(&ws);
        for id in &acked {
            assert!(
                refs.items.contains(id),
                "cycle {cycle}: acknowledged capture {id} lost"
            );
        }
        // Every journaled file present, whole, under its name.
        let mut expected = HashSet::new();
        for (area, sha, size) in &refs.files {
            let path = ws.media().path_of(*area, sha);
            let (got, got_size) = hash_file(&path)
                .unwrap_or_else(|e| panic!("cycle {cycle}: journaled file {sha} missing: {e}"));
            assert_eq!(
                (got, got_size),
                (*sha, *size),
                "cycle {cycle}: {path:?} differs"
            );
            expected.insert(path);
        }
        // Nothing else: no file the journal does not reference.
        for area in ["originals", "derivatives"] {
            for path in files_below(&media.join(area)) {
                assert!(
                    expected.contains(&path),
                    "cycle {cycle}: {path:?} is not referenced by the journal"
                );
            }
        }
        assert_eq!(
            files_below(&media.join("pending")),
            Vec::<PathBuf>::new(),
            "cycle {cycle}: pending markers left"
        );
        assert_eq!(
            files_below(&media.join("tmp")),
            Vec::<PathBuf>::new(),
            "cycle {cycle}: temporary files left"
        );
        reclaimed += stored_before.saturating_sub(expected.len());
    }
    eprintln!(
        "{n} kill cycles, {} captures acknowledged, {mid_capture} killed inside a capture, \
         {orphans} left an unjournaled file on disk, {reclaimed} files reclaimed",
        acked.len()
    );
    // The loop must exercise what it tests: kills inside captures, leaving files to reclaim.
    assert!(
        mid_capture > n / 2,
        "the kill must usually land inside a capture: {mid_capture} of {n}"
    );
    assert!(
        orphans >= n / 4,
        "too few kills left a file between storing and journaling: {orphans} of {n}"
    );
}

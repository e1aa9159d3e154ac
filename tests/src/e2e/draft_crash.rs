//! A form in progress survives the app being killed between two edits (issue: forms an
//! inspector can fill in a hurry). A child process edits one draft over and over through
//! `Workspace::save_form_draft` — the call an app makes on every change — signalling `BEGIN i`
//! before edit `i` and `SAVED i` once it returned. The parent lets a random number of edits go
//! by and kills it with SIGKILL at a random moment inside the next one (timed from the child's
//! own pace), reopens the workspace and checks: the draft is there, whole, and holds edit
//! `SAVED` or the one begun after it — never an older one, never a mix of two.

use casetrail_core::model::RecordKind;
use casetrail_core::{DraftTarget, Workspace, sample};
use serde_json::{Value, json};

use crate::support::{Rng, Signalling, cycles, signal};

const CHILD_ENV: &str = "CASETRAIL_DRAFT_CRASH_CHILD";
const CHILD_TEST: &str = "e2e::draft_crash::draft_child";

/// Edit `i` of the form: every field carries `i`, so a torn save would show two numbers.
fn edit(i: u64) -> Vec<(String, Value)> {
    vec![
        ("place".into(), json!(format!("第{i}次编辑的地点"))),
        ("qa[0].question".into(), json!(format!("问题 {i}"))),
        ("qa[0].answer".into(), json!(format!("回答 {i}"))),
    ]
}

/// The edit a draft holds, if its fields agree on one.
fn edit_of(entries: &[(String, Value)]) -> Option<u64> {
    let numbers: Vec<u64> = entries
        .iter()
        .map(|(_, v)| {
            v.as_str()?
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect::<Option<_>>()?;
    (numbers.len() == 3 && numbers.iter().all(|n| *n == numbers[0])).then(|| numbers[0])
}

/// The child's role: edit one draft forever. Does nothing as a normal test.
#[test]
fn draft_child() {
    let Ok(home) = std::env::var(CHILD_ENV) else {
        return;
    };
    let ws = Workspace::open_default(&home).expect("child opens workspace");
    let case = match ws.list_cases().expect("list").first() {
        Some(c) => c.id,
        None => {
            ws.create_case(sample::case_draft("DRAFT-1"))
                .expect("case")
                .id
        }
    };
    let target = DraftTarget::New {
        case_id: case,
        kind: RecordKind::InquiryRecord,
    };
    let existing = ws.form_drafts(case).expect("drafts");
    let mut id = existing.first().map(|d| d.draft.id.clone());
    let mut i = existing
        .first()
        .and_then(|d| edit_of(&d.draft.entries))
        .unwrap_or(0);
    signal("READY").expect("signal");
    loop {
        i += 1;
        signal(&format!("BEGIN {i}")).expect("signal");
        let saved = ws
            .save_form_draft(id.as_deref(), target, edit(i))
            .expect("save draft");
        id = Some(saved.draft.id);
        signal(&format!("SAVED {i}")).expect("signal");
    }
}

#[test]
fn a_draft_survives_kill_9_between_two_edits() {
    let n = cycles("CASETRAIL_DRAFT_CRASH_CYCLES", 12);
    let mut rng = Rng::from_env("a_draft_survives_kill_9");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("ws");
    let mut pace = std::time::Duration::from_millis(5);
    for cycle in 0..n {
        let mut child = Signalling::spawn(CHILD_TEST, &[(CHILD_ENV, home.display().to_string())])
            .expect("spawn");
        child.wait_for("READY", |l| l == "READY");
        let edits = rng.range(1, 6);
        let mut saved = 0;
        let mut began = None;
        loop {
            let s = child.wait_for("an edit", |l| {
                l.starts_with("BEGIN ") || l.starts_with("SAVED ")
            });
            if let Some(n) = s.line.strip_prefix("SAVED ") {
                saved = n.parse().expect("edit number");
                if let Some(b) = began.take() {
                    pace = s.at.saturating_duration_since(b);
                }
            } else if saved >= edits {
                std::thread::sleep(pace.mul_f64(rng.unit()));
                break;
            } else {
                began = Some(s.at);
            }
        }
        let killed = child.kill().expect("SIGKILL");
        assert!(
            killed.was_running,
            "cycle {cycle}: the child exited by itself"
        );
        let last_saved: u64 = killed
            .last(|l| l.starts_with("SAVED "))
            .and_then(|l| l.strip_prefix("SAVED ")?.parse().ok())
            .expect("a saved edit");

        let ws = Workspace::open_default(&home).expect("reopen after kill");
        let case = ws.list_cases().expect("list")[0].id;
        let drafts = ws.form_drafts(case).expect("drafts");
        assert_eq!(drafts.len(), 1, "cycle {cycle}: one draft, kept");
        let held = edit_of(&drafts[0].draft.entries)
            .unwrap_or_else(|| panic!("cycle {cycle}: torn draft {:?}", drafts[0].draft.entries));
        assert!(
            held == last_saved || held == last_saved + 1,
            "cycle {cycle}: edit {last_saved} was saved, the draft holds edit {held}"
        );
        assert!(drafts[0].problems.is_empty(), "{:?}", drafts[0].problems);
        assert!(ws.verify_journal().expect("verify").is_sound());
    }
}

//! `casetrail case check` and `casetrail due`: the completeness report and the deadlines, in
//! words (citing the articles) or as JSON.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use serde_json::{Value, json};

use casetrail_core::DueItem;
use casetrail_core::Workspace;
use casetrail_core::model::CaseId;
use casetrail_core::rules::{Finding, Severity, Subject};

use crate::output::{Out, open_existing};

/// Exit code of `case check` when a blocking finding stands.
pub const EXIT_BLOCKING: u8 = 3;

fn subject_json(s: &Subject) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

pub fn finding_json(out: &Out, f: &Finding) -> Value {
    f.to_json(out.lang)
}

/// Prints the completeness report of a case; exit 3 when something blocks.
pub fn check(out: &Out, ws: &Workspace, id: CaseId) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let case = ws.case(id)?;
    let findings = ws.check_case(id, now)?;
    let blocking = findings.iter().filter(|f| f.blocks()).count();
    if out.json {
        out.print_json(&json!({
            "case_id": id,
            "case_no": case.info.case_no,
            "checked_at": now,
            "blocking": blocking,
            "findings": findings.iter().map(|f| finding_json(out, f)).collect::<Vec<_>>(),
        }))?;
    } else {
        print_findings(out, &case.info.case_no, &findings);
    }
    Ok(if blocking > 0 {
        ExitCode::from(EXIT_BLOCKING)
    } else {
        ExitCode::SUCCESS
    })
}

/// The findings in words, blocking first.
pub fn print_findings(out: &Out, case_no: &str, findings: &[Finding]) {
    let now = Utc::now();
    out.say(out.ta(
        "cli-check-title",
        &[("no", case_no), ("at", &out.time(now))],
    ));
    if findings.is_empty() {
        out.say(out.t("cli-check-complete"));
        return;
    }
    for (sev, mark, title) in [
        (Severity::Blocking, "✗", "cli-check-blocking"),
        (Severity::Warning, "!", "cli-check-warnings"),
    ] {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        out.say(out.ta(title, &[("count", &group.len().to_string())]));
        for f in group {
            let tag = if f.overridden {
                out.t("cli-check-overridden")
            } else {
                String::new()
            };
            out.say(format!("  {mark} {}{tag}", f.message(out.lang)));
            out.say(format!("    → {}", f.remedy(out.lang)));
            out.say(format!(
                "    {}{}",
                out.t("cli-check-basis"),
                f.citations(out.lang)
            ));
            out.say(format!("    [{}@{}]", f.key().code, f.key().subject));
        }
    }
}

fn due_json(out: &Out, d: &DueItem) -> Value {
    json!({
        "case_id": d.deadline.case_id,
        "case_no": d.case_no,
        "kind": d.deadline.kind,
        "label": d.deadline.label(out.lang),
        "state": d.state,
        "start": d.deadline.start,
        "due": d.deadline.due,
        "due_local": out.time(d.deadline.due),
        "met_at": d.deadline.met_at,
        "window": d.deadline.kind.is_window(),
        "provisional": d.deadline.provisional,
        "subject": subject_json(&d.deadline.subject),
        "cite": d.deadline.cite.iter().map(|c| c.render(out.lang)).collect::<Vec<_>>(),
    })
}

/// Prints deadlines in words.
pub fn print_due(out: &Out, items: &[DueItem]) {
    if items.is_empty() {
        out.say(out.t("cli-due-none"));
        return;
    }
    out.say(out.t("cli-due-title"));
    for d in items {
        let provisional = if d.deadline.provisional {
            out.t("cli-due-provisional")
        } else {
            String::new()
        };
        let subject = match d.deadline.subject {
            Subject::Case => String::new(),
            Subject::Record { kind, .. } | Subject::Slot { kind, .. } => {
                format!("  {}", out.kind(kind))
            }
            Subject::Evidence { evidence } => format!(
                "  {} {}",
                out.t("what-evidence"),
                &evidence.to_string()[..13]
            ),
        };
        out.say(format!(
            "  {}  [{}]  {}  {}{subject}{provisional}",
            out.time(d.deadline.due),
            out.t(&format!("deadline-state-{}", d.state.as_str())),
            d.deadline.label(out.lang),
            d.case_no,
        ));
    }
}

/// `casetrail due`: open deadlines across cases (or of one case), soonest first.
pub fn due(out: &Out, home: &Path, case: Option<String>) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let now = Utc::now();
    let items = match case {
        Some(c) => ws
            .deadlines(ws.resolve_case(&c)?, now)?
            .into_iter()
            .filter(|d| d.state.is_open())
            .collect(),
        None => ws.due(now)?,
    };
    if out.json {
        out.print_json(&items.iter().map(|d| due_json(out, d)).collect::<Vec<_>>())?;
    } else {
        print_due(out, &items);
    }
    Ok(ExitCode::SUCCESS)
}

//! `casetrail demo`: a realistic site visit, end to end, in a fresh workspace — the quickest way
//! to see what casetrail records and proves. It uses only the public core API, exactly as the
//! phone app does, and ends by verifying the journal.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{TimeDelta, Utc};
use serde_json::json;

use casetrail_core::Workspace;
use casetrail_core::model::RecordBody;
use casetrail_core::sample;

use crate::output::Out;

pub fn run(out: &Out, home: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let home = match home {
        Some(h) => {
            if h.join(casetrail_core::workspace::DB_FILE).exists() {
                anyhow::bail!(out.ta("cli-demo-exists", &[("home", &h.display().to_string())]));
            }
            h
        }
        None => std::env::temp_dir().join(format!(
            "casetrail-demo-{}",
            Utc::now().format("%Y%m%d-%H%M%S-%f")
        )),
    };
    let ws = Workspace::open_default(&home)?;
    let mut step = 0;
    let mut next = || {
        step += 1;
        step
    };
    out.say(out.t("demo-title"));
    out.say(out.ta("demo-workspace", &[("home", &home.display().to_string())]));
    out.say(out.ta("demo-device", &[("id", &ws.device_id().to_string())]));
    out.say("");

    let now = Utc::now();
    let case_no = format!("望统检〔{}〕7号", now.format("%Y"));
    let case = ws.create_case(sample::case_draft(&case_no))?;
    let officers: Vec<String> = case
        .info
        .officers
        .iter()
        .map(|o| format!("{}（{}）", o.name, o.cert_no))
        .collect();
    out.say(out.ta(
        "demo-case-opened",
        &[
            ("n", &next().to_string()),
            ("no", &case.info.case_no),
            ("title", &case.info.title),
        ],
    ));
    out.say(out.ta(
        "demo-officers",
        &[("officers", &officers.join(list_sep(out)))],
    ));
    out.say(out.ta(
        "demo-party",
        &[
            ("name", &case.info.parties[0].name),
            ("uscc", case.info.parties[0].uscc.as_deref().unwrap_or("-")),
        ],
    ));

    let party = case.info.parties[0].id;
    let onsite = ws.add_record(
        case.id,
        RecordBody::OnsiteInspectionRecord(sample::onsite_record(
            now - TimeDelta::minutes(100),
            party,
        )),
    )?;
    let onsite = ws.finalize_record(onsite.id)?;
    out.say(out.ta(
        "demo-record-finalized",
        &[
            ("n", &next().to_string()),
            ("kind", &out.kind(onsite.kind)),
            ("hash", &onsite.content_hash.short()),
            ("slots", &slot_names(out, &onsite)),
        ],
    ));

    let inquiry_body = sample::inquiry_record(now - TimeDelta::minutes(50));
    let turns = inquiry_body.qa.len();
    let inquiry = ws.add_record(case.id, RecordBody::InquiryRecord(inquiry_body))?;
    let inquiry = ws.finalize_record(inquiry.id)?;
    out.say(out.ta(
        "demo-record-finalized",
        &[
            ("n", &next().to_string()),
            ("kind", &out.kind(inquiry.kind)),
            ("hash", &inquiry.content_hash.short()),
            ("slots", &slot_names(out, &inquiry)),
        ],
    ));
    out.say(out.ta("demo-qa", &[("count", &turns.to_string())]));

    let report = ws.verify_journal()?;
    out.say("");
    if report.is_sound() {
        out.say(out.ta(
            "demo-verified",
            &[
                ("n", &next().to_string()),
                ("events", &report.events.to_string()),
            ],
        ));
    } else {
        crate::journal::print_report(out, &report);
    }
    out.say("");
    out.say(out.ta(
        "demo-explore",
        &[
            ("home", &home.display().to_string()),
            ("case", &case.id.to_string()[..8]),
        ],
    ));
    if out.json {
        out.print_json(&json!({
            "home": home.display().to_string(),
            "case": crate::cases::case_json(&case, &ws.records(case.id)?),
            "journal": report,
        }))?;
    }
    Ok(if report.is_sound() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn slot_names(out: &Out, r: &casetrail_core::model::Record) -> String {
    r.slots
        .iter()
        .map(|s| {
            let role = s
                .spec
                .role
                .map(|r| out.t(&format!("role-{}", r.as_str())))
                .unwrap_or_default();
            format!("{role}{}", s.spec.signer_name)
        })
        .collect::<Vec<_>>()
        .join(list_sep(out))
}

fn list_sep(out: &Out) -> &'static str {
    if out.lang_name() == "zh" { "、" } else { ", " }
}

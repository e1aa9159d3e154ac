//! `casetrail journal verify`: walks the whole journal and names every defect.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use casetrail_core::protocol::journal::VerifyReport;

use crate::output::{Out, open_existing};

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Verify every event: signatures, hashes, chain links, order. Exit 0 if sound, 1 if not.
    Verify,
}

pub fn run(out: &Out, home: &Path, cmd: JournalCommand) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    match cmd {
        JournalCommand::Verify => {
            let report = ws.verify_journal()?;
            if out.json {
                out.print_json(&report)?;
            } else {
                print_report(out, &report);
            }
            Ok(if report.is_sound() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// Prints a verification report in words.
pub fn print_report(out: &Out, report: &VerifyReport) {
    for chain in &report.chains {
        out.say(out.ta(
            "cli-verify-chain",
            &[
                ("device", &chain.device.to_string()),
                ("events", &chain.events.to_string()),
                ("head", &chain.head.short()),
            ],
        ));
    }
    if report.is_sound() {
        out.say(out.ta(
            "cli-verify-sound",
            &[("events", &report.events.to_string())],
        ));
        return;
    }
    out.say(out.ta(
        "cli-verify-unsound",
        &[("count", &report.defects.len().to_string())],
    ));
    for d in &report.defects {
        out.say(out.ta(
            "cli-verify-defect",
            &[
                ("seq", &d.seq.to_string()),
                ("kind", &out.t(&format!("defect-{}", d.kind.as_str()))),
                ("code", d.kind.as_str()),
            ],
        ));
    }
}

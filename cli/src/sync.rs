//! `casetrail enrol` and `casetrail sync`: bind this workspace to a back office once, then deliver
//! everything it owes with a progress bar. `sync` exits 0 only when everything queued was
//! acknowledged; with `--json` it prints what was sent, acknowledged, pending and wedged.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use casetrail_core::Workspace;
use casetrail_core::present::describe_sync_reason;
use casetrail_core::sync::{
    EnrolOptions, Network, Progress, SyncListener, SyncOptions, SyncReport, SyncStatus,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::output::{Out, open_existing};

/// Exit code of a sync that left something pending or wedged.
pub const EXIT_INCOMPLETE: u8 = 5;

#[derive(Debug, Args)]
pub struct EnrolArgs {
    /// The back office's address, e.g. https://tjj.example.cn or http://127.0.0.1:8443.
    #[arg(long)]
    pub server: String,
    /// The one-time enrolment code the back office issued for this officer.
    #[arg(long)]
    pub code: String,
    /// PEM file of the bureau's CA, pinned for TLS.
    #[arg(long)]
    pub ca: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The back office's address (default: the one enrolled with).
    #[arg(long)]
    pub server: Option<String>,
    /// The phone is on mobile data: big files wait for Wi-Fi unless their deadline is close.
    #[arg(long)]
    pub metered: bool,
    /// Re-enable items parked as wedged before syncing.
    #[arg(long)]
    pub retry_wedged: bool,
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

pub fn enrol(out: &Out, home: &Path, args: EnrolArgs) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let ca_pem = args
        .ca
        .map(std::fs::read_to_string)
        .transpose()
        .map_err(|e| anyhow::anyhow!(out.ta("cli-bad-ca", &[("why", &e.to_string())])))?;
    let opts = EnrolOptions {
        url: args.server,
        code: args.code,
        ca_pem,
    };
    let enrolment = runtime()?.block_on(ws.enrol(&opts))?;
    if out.json {
        out.print_json(&enrolment)?;
    } else {
        out.say(out.ta(
            "cli-enrolled",
            &[
                ("url", &enrolment.url),
                ("officer", &enrolment.officer),
                ("server", &enrolment.server_device_id.to_string()),
            ],
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn sync(out: &Out, home: &Path, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let opts = SyncOptions {
        network: if args.metered {
            Network::Metered
        } else {
            Network::Unmetered
        },
        url: args.server,
        ..SyncOptions::default()
    };
    if args.retry_wedged {
        ws.reenable_wedged()?;
    }
    let rt = runtime()?;
    run_with_progress(out, &rt, &ws, &opts)
}

/// What one run left behind.
pub struct Outcome {
    pub report: SyncReport,
    pub status: SyncStatus,
    pub error: Option<casetrail_core::Error>,
}

impl Outcome {
    /// Everything queued was acknowledged.
    pub fn complete(&self) -> bool {
        self.error.is_none() && self.status.complete()
    }

    /// 0 when complete, else `EXIT_INCOMPLETE`.
    pub fn exit_code(&self) -> ExitCode {
        if self.complete() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_INCOMPLETE)
        }
    }
}

/// Runs one sync with a progress bar (none in JSON mode); ^C cancels cleanly.
pub fn run_once(
    out: &Out,
    rt: &tokio::runtime::Runtime,
    ws: &Workspace,
    opts: &SyncOptions,
) -> anyhow::Result<Outcome> {
    let bar = Arc::new(Bar::new(out));
    let cancel = CancellationToken::new();
    let result = rt.block_on(async {
        let stop = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.cancel();
            }
        });
        ws.sync(opts, bar.as_ref(), &cancel).await
    });
    bar.finish();
    let status = ws.sync_status(opts.network)?;
    Ok(match result {
        Ok(report) => Outcome {
            report,
            status,
            error: None,
        },
        Err(e) => Outcome {
            report: SyncReport {
                status: status.clone(),
                ..SyncReport::default()
            },
            status,
            error: Some(e),
        },
    })
}

/// Runs one sync and prints the outcome; returns the exit code.
pub fn run_with_progress(
    out: &Out,
    rt: &tokio::runtime::Runtime,
    ws: &Workspace,
    opts: &SyncOptions,
) -> anyhow::Result<ExitCode> {
    let outcome = run_once(out, rt, ws, opts)?;
    if out.json {
        out.print_json(&report_json(&outcome, out))?;
    } else {
        print_report(out, &outcome.report, &outcome.status);
        if let Some(e) = &outcome.error {
            out.error(&anyhow::Error::new(clone_error(e)));
        }
    }
    Ok(outcome.exit_code())
}

/// Errors are not Clone; the sync ones are, and the rest are described as text.
pub fn clone_error(e: &casetrail_core::Error) -> casetrail_core::Error {
    match e {
        casetrail_core::Error::Sync(s) => casetrail_core::Error::Sync(s.clone()),
        other => casetrail_core::store::Error::Journal(other.to_string()).into(),
    }
}

fn report_json(outcome: &Outcome, out: &Out) -> serde_json::Value {
    let (report, status, error) = (&outcome.report, &outcome.status, outcome.error.as_ref());
    json!({
        "complete": error.is_none() && status.complete(),
        "sent": {
            "events": report.events_sent,
            "media_bytes": report.media_bytes_sent,
        },
        "acknowledged": {
            "events": report.events_acked,
            "media": report.media_acked,
        },
        "pulled": report.pulled,
        "pending": {
            "events": status.events_pending,
            "media": status.media_pending,
            "media_bytes": status.media_pending_bytes,
        },
        "wedged": {
            "journal": status.journal_wedged,
            "media": status.media_wedged,
        },
        "checkpoint_size": status.checkpoint_size,
        "oldest_av_pending": status.oldest_av_pending,
        "av_state": status.av_state,
        "incidents": status.incidents,
        "error": error.map(|e| json!({
            "code": e.code(),
            "message": casetrail_core::present::describe_error(out.lang, e),
        })),
    })
}

pub fn print_report(out: &Out, report: &SyncReport, status: &SyncStatus) {
    out.say(out.ta(
        "cli-sync-done",
        &[
            ("events", &report.events_acked.to_string()),
            ("media", &report.media_acked.to_string()),
            ("pulled", &report.pulled.to_string()),
        ],
    ));
    if let Some(size) = status.checkpoint_size {
        out.say(out.ta("cli-sync-checkpoint", &[("size", &size.to_string())]));
    }
    if status.complete() {
        out.say(out.t("cli-sync-complete"));
    } else {
        out.say(out.ta(
            "cli-sync-pending",
            &[
                ("events", &status.events_pending.to_string()),
                ("media", &status.media_pending.to_string()),
                ("bytes", &status.media_pending_bytes.to_string()),
            ],
        ));
    }
    if let Some(reason) = &status.journal_wedged {
        let reason = describe_sync_reason(out.lang, reason);
        out.say(out.ta("cli-sync-journal-wedged", &[("reason", &reason)]));
    }
    for item in &status.media_wedged {
        let reason = match &item.state {
            casetrail_core::sync::MediaState::Wedged(r) => describe_sync_reason(out.lang, r),
            _ => String::new(),
        };
        out.say(out.ta(
            "cli-sync-media-wedged",
            &[("sha", &item.sha256.short()), ("reason", &reason)],
        ));
    }
    if status.av_state != "ok" {
        out.say(out.ta(
            "cli-sync-av-late",
            &[("state", &out.t(&format!("sync-av-{}", status.av_state)))],
        ));
    }
    if status.incidents > 0 {
        out.say(out.ta(
            "cli-sync-incidents",
            &[("count", &status.incidents.to_string())],
        ));
    }
}

/// The progress bar: events, then bytes of media.
struct Bar {
    bar: Option<ProgressBar>,
    out: Out,
}

impl Bar {
    fn new(out: &Out) -> Self {
        let bar = (!out.json).then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        });
        Self { bar, out: *out }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl SyncListener for Bar {
    fn on_progress(&self, progress: Progress) {
        let Some(bar) = &self.bar else { return };
        let out = &self.out;
        match progress {
            Progress::Connecting => bar.set_prefix(out.t("cli-sync-connecting")),
            Progress::Events { done, total } => {
                bar.set_prefix(out.t("cli-sync-events"));
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("{done}/{total}"));
            }
            Progress::Pulled { count } => {
                bar.set_prefix(out.t("cli-sync-pulled"));
                bar.set_message(count.to_string());
            }
            Progress::Media {
                done,
                total,
                files_done,
                files_total,
            } => {
                bar.set_prefix(out.t("cli-sync-media"));
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!(
                    "{files_done}/{files_total} · {:.1}/{:.1} MiB",
                    done as f64 / 1048576.0,
                    total as f64 / 1048576.0
                ));
            }
            Progress::Waiting { millis, reason } => {
                bar.set_message(out.ta(
                    "cli-sync-waiting",
                    &[
                        ("secs", &format!("{:.1}", millis as f64 / 1000.0)),
                        ("reason", &describe_sync_reason(out.lang, &reason)),
                    ],
                ));
            }
        }
    }
}

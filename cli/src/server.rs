//! `casetrail server …`: run the back office and administer it — one-time enrolment codes,
//! revocations, leaders' decisions, assignments, and the cases as the bureau sees them.
//! The administration commands work on the data folder directly, beside a running server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use casetrail_core::model::bodies::ApprovalResult;
use casetrail_core::model::{BackofficeDecision, DecisionSubject, DeviceId};
use casetrail_core::store::clock::SystemClock;
use casetrail_server::{SqliteStorage, Storage, TlsFiles};
use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::output::Out;

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Run the back office until stopped (Ctrl-C / SIGTERM).
    Run {
        /// Data folder (SQLite database, blobs, keys).
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:8443. Plain HTTP only on loopback.
        #[arg(long, default_value = "127.0.0.1:8443")]
        addr: SocketAddr,
        /// TLS certificate chain (PEM).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Issue a one-time enrolment code for an officer; prints only the code.
    EnrolCode {
        #[arg(long)]
        data: PathBuf,
        /// The officer's 执法证号.
        #[arg(long)]
        officer: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 72)]
        hours: u32,
    },
    /// Revoke a lost or stolen phone's key; what it signs from --at on is flagged.
    RevokeDevice {
        #[arg(long)]
        data: PathBuf,
        /// The device id.
        #[arg(long)]
        device: DeviceId,
        /// From when its signatures are not trusted (RFC 3339; default: now).
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Record a leader's approval or a legal review opinion, signed by the back office.
    Approve {
        #[arg(long)]
        data: PathBuf,
        /// Case id, id prefix or 案号.
        #[arg(long)]
        case: String,
        /// case_initiation, emergency_supplement, legal_review or penalty_decision.
        #[arg(long, value_parser = parse_subject)]
        subject: DecisionSubject,
        /// approved, rejected or returned.
        #[arg(long, default_value = "approved", value_parser = parse_result)]
        result: ApprovalResult,
        /// Who decided (name and title).
        #[arg(long)]
        by: String,
        /// 意见.
        #[arg(long, default_value = "")]
        opinion: String,
    },
    /// Assign a case to officers.
    Assign {
        #[arg(long)]
        data: PathBuf,
        /// Case id, id prefix or 案号.
        #[arg(long)]
        case: String,
        /// 执法证号 of each officer.
        #[arg(long = "officer", required = true)]
        officers: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The cases the back office holds, with receipts and completeness.
    Cases {
        #[arg(long)]
        data: PathBuf,
    },
    /// Enrolled devices.
    Devices {
        #[arg(long)]
        data: PathBuf,
    },
    /// Incidents: conflicts, refused events.
    Incidents {
        #[arg(long)]
        data: PathBuf,
    },
}

fn parse_subject(s: &str) -> Result<DecisionSubject, String> {
    DecisionSubject::parse(s).ok_or_else(|| {
        format!("unknown subject {s:?}: case_initiation, emergency_supplement, legal_review, penalty_decision")
    })
}

fn parse_result(s: &str) -> Result<ApprovalResult, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| format!("unknown result {s:?}: approved, rejected, returned"))
}

fn open(data: &Path) -> anyhow::Result<SqliteStorage> {
    Ok(SqliteStorage::open(data, Arc::new(SystemClock::new()))?)
}

pub fn run(out: &Out, cmd: ServerCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ServerCommand::Run {
            data,
            addr,
            tls_cert,
            tls_key,
        } => serve(out, &data, addr, tls_cert.zip(tls_key)),
        ServerCommand::EnrolCode {
            data,
            officer,
            hours,
        } => {
            let code = open(&data)?.issue_enrol_code(&officer, hours)?;
            // Only the code, so scripts can capture it.
            println!("{code}");
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::RevokeDevice {
            data,
            device,
            at,
            reason,
        } => {
            let at = at.unwrap_or_else(Utc::now);
            open(&data)?.revoke(device, at, &reason)?;
            out.say(out.ta(
                "cli-server-revoked",
                &[("device", &device.to_string()), ("at", &out.time(at))],
            ));
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::Approve {
            data,
            case,
            subject,
            result,
            by,
            opinion,
        } => {
            let storage = open(&data)?;
            let id = storage.resolve_case(&case)?;
            storage.decide(
                id,
                BackofficeDecision {
                    subject,
                    result,
                    decided_by: by,
                    opinion,
                    decided_at: Utc::now(),
                },
            )?;
            out.say(out.ta(
                "cli-server-decided",
                &[
                    ("case", &case),
                    ("subject", &out.t(&format!("decision-{}", subject.as_str()))),
                ],
            ));
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::Assign {
            data,
            case,
            officers,
            note,
        } => {
            let storage = open(&data)?;
            let id = storage.resolve_case(&case)?;
            storage.assign(id, officers.clone(), &note)?;
            out.say(out.ta(
                "cli-server-assigned",
                &[("case", &case), ("officers", &officers.join("、"))],
            ));
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::Cases { data } => {
            let cases = open(&data)?.cases(Utc::now())?;
            if out.json {
                out.print_json(&cases)?;
            } else {
                crate::demo::print_backoffice_cases(out, &cases);
            }
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::Devices { data } => {
            let devices = open(&data)?.devices()?;
            if out.json {
                out.print_json(&devices)?;
            } else {
                for d in devices {
                    out.say(out.ta(
                        "cli-server-device",
                        &[
                            ("device", &d.device_id.to_string()),
                            ("officer", &d.officer),
                            ("revoked", d.revoked_at.as_deref().unwrap_or("—")),
                        ],
                    ));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ServerCommand::Incidents { data } => {
            let incidents = open(&data)?.incidents()?;
            if out.json {
                out.print_json(&incidents)?;
            } else {
                for i in incidents {
                    out.say(format!("{}  {}  {}", i.at, i.kind, i.detail));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn serve(
    out: &Out,
    data: &Path,
    addr: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
) -> anyhow::Result<ExitCode> {
    if tls.is_none() && !addr.ip().is_loopback() {
        anyhow::bail!(out.ta(
            "cli-server-plain-not-loopback",
            &[("addr", &addr.to_string())]
        ));
    }
    let rt = crate::sync::runtime()?;
    rt.block_on(async {
        let storage = Arc::new(SqliteStorage::open_for_serving(
            data,
            Arc::new(SystemClock::new()),
        )?);
        let tls = tls.map(|(cert, key)| TlsFiles { cert, key });
        let admin = casetrail_server::admin_token(data)?;
        let running = casetrail_server::start(storage, addr, tls.as_ref(), Some(admin)).await?;
        let url = running.url(tls.is_some());
        out.say(out.ta(
            "cli-server-listening",
            &[("url", &url), ("data", &data.display().to_string())],
        ));
        if out.json {
            out.print_json(&serde_json::json!({ "url": url }))?;
        }
        let stop = running.stopper();
        tokio::spawn(async move {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(_) => return,
                };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            stop();
        });
        running.wait().await?;
        anyhow::Ok(ExitCode::SUCCESS)
    })
}

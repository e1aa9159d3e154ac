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
use casetrail_server::{Limits, ServeOptions, SqliteStorage, Storage, TlsFiles};
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
        /// Serve Prometheus metrics on this address (loopback or an internal network).
        #[arg(long)]
        metrics_addr: Option<SocketAddr>,
        /// Log lines as text for a terminal or JSON for a collector (level: RUST_LOG).
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
        #[command(flatten)]
        limits: LimitArgs,
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

/// How `server run` writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

/// The back office's limits, each defaulting to `casetrail_server::Limits::default()`.
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_file_bytes)]
    max_file_bytes: u64,
    /// Uploads one device may have open at once.
    #[arg(long, default_value_t = Limits::default().open_uploads)]
    open_uploads: u32,
    /// Bytes of files one device may send per UTC day.
    #[arg(long, default_value_t = Limits::default().bytes_per_day)]
    bytes_per_day: u64,
    /// Journal events one device may send per UTC day.
    #[arg(long, default_value_t = Limits::default().events_per_day)]
    events_per_day: u64,
    /// Days an untouched upload is kept before it is dropped.
    #[arg(long, default_value_t = Limits::default().partial_ttl.num_days())]
    partial_ttl_days: i64,
    /// Seconds to read a request's headers (and a kept-alive connection's idle time).
    #[arg(long, default_value_t = Limits::default().header_timeout.as_secs())]
    header_timeout_secs: u64,
    /// Seconds for a whole request, body included.
    #[arg(long, default_value_t = Limits::default().request_timeout.as_secs())]
    request_timeout_secs: u64,
    /// Connections open at once; more are closed on arrival.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Requests answered at once; more wait.
    #[arg(long, default_value_t = Limits::default().max_in_flight)]
    max_in_flight: usize,
    /// Challenges one device, or one address, may ask for per minute.
    #[arg(long, default_value_t = Limits::default().challenges_per_minute)]
    challenges_per_minute: u32,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        use std::time::Duration;
        Limits {
            max_file_bytes: self.max_file_bytes,
            open_uploads: self.open_uploads,
            bytes_per_day: self.bytes_per_day,
            events_per_day: self.events_per_day,
            partial_ttl: chrono::TimeDelta::days(self.partial_ttl_days.max(1)),
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            max_in_flight: self.max_in_flight.max(1),
            challenges_per_minute: self.challenges_per_minute.max(1),
        }
    }
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
            metrics_addr,
            log_format,
            limits,
        } => {
            install_log(log_format);
            let opts = ServeOptions {
                tls: tls_cert
                    .zip(tls_key)
                    .map(|(cert, key)| TlsFiles { cert, key }),
                admin_token: None, // read once the data folder exists
                limits: limits.limits(),
                metrics_addr,
            };
            serve(out, &data, addr, opts)
        }
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

/// Logs to stderr, filtered by `RUST_LOG` (default: info).
fn install_log(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // Only fails if a logger is already installed, which then keeps logging.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn serve(
    out: &Out,
    data: &Path,
    addr: SocketAddr,
    mut opts: ServeOptions,
) -> anyhow::Result<ExitCode> {
    if opts.tls.is_none() && !addr.ip().is_loopback() {
        anyhow::bail!(out.ta(
            "cli-server-plain-not-loopback",
            &[("addr", &addr.to_string())]
        ));
    }
    let rt = crate::sync::runtime()?;
    rt.block_on(async {
        let storage = Arc::new(
            SqliteStorage::open_for_serving(data, Arc::new(SystemClock::new()))?
                .with_limits(opts.limits.clone()),
        );
        opts.admin_token = Some(casetrail_server::admin_token(data)?);
        let tls = opts.tls.is_some();
        let running = casetrail_server::start(storage, addr, opts).await?;
        let url = running.url(tls);
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

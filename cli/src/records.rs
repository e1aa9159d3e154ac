//! `casetrail record add|amend|finalize|void|show`.
//!
//! A body is given as JSON (`--json-body FILE`, `-` for stdin) and/or as `--set field=value`
//! pairs applied on top of it (a value that parses as JSON is taken as JSON, anything else as
//! text). Unknown fields are refused with the list of known ones, so a typo never vanishes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{Map, Value, json};

use casetrail_core::model::{RecordBody, RecordKind};

use crate::cases::{record_json, short};
use crate::output::{Out, open_existing};

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Add a draft record to a case.
    Add {
        /// Case id or a unique prefix.
        case: String,
        /// Record kind (inquiry_record, onsite_inspection_record, …; `record kinds` lists them).
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Correct a record: a new version with the reason; earlier versions are kept.
    Amend {
        /// Record id or a unique prefix.
        record: String,
        /// Why it is corrected.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Finalize the current version (fixes its content hash, creates its signature slots).
    Finalize {
        /// Record id or a unique prefix.
        record: String,
    },
    /// Withdraw a record with the reason; it stays in the case file, marked void.
    Void {
        /// Record id or a unique prefix.
        record: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Show a record with all its versions.
    Show {
        /// Record id or a unique prefix.
        record: String,
    },
    /// List the record kinds and their fields.
    Kinds,
}

#[derive(Debug, clap::Args)]
pub struct BodyArgs {
    /// Body as JSON from a file ('-' for stdin).
    #[arg(long = "json-body")]
    json_body: Option<PathBuf>,
    /// field=value, repeatable.
    #[arg(long = "set")]
    set: Vec<String>,
}

fn build_body(
    out: &Out,
    kind: RecordKind,
    start: Option<&str>,
    args: BodyArgs,
) -> anyhow::Result<RecordBody> {
    let template = kind.empty_body().to_value()?;
    let mut map: Map<String, Value> = match (&args.json_body, start) {
        (Some(path), _) => match serde_json::from_str(&crate::output::read_input(path)?)? {
            Value::Object(m) => m,
            _ => anyhow::bail!(out.t("cli-bad-json")),
        },
        (None, Some(current)) => match serde_json::from_str(current)? {
            Value::Object(m) => m,
            _ => Map::new(),
        },
        (None, None) => Map::new(),
    };
    for pair in &args.set {
        let Some((key, value)) = pair.split_once('=') else {
            anyhow::bail!(out.ta("cli-bad-value", &[("what", "--set"), ("value", pair)]));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        map.insert(key.trim().to_owned(), value);
    }
    let known = template.as_object().cloned().unwrap_or_default();
    if let Some(unknown) = map.keys().find(|k| !known.contains_key(*k)) {
        let fields: Vec<&str> = known.keys().map(String::as_str).collect();
        anyhow::bail!(out.ta(
            "cli-unknown-field",
            &[
                ("field", unknown),
                ("kind", kind.as_str()),
                ("fields", &fields.join(", "))
            ]
        ));
    }
    let text = serde_json::to_string(&Value::Object(map))?;
    RecordBody::from_json(kind, &text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.t("cli-bad-json")))
}

pub fn run(out: &Out, home: &Path, cmd: RecordCommand) -> anyhow::Result<ExitCode> {
    if let RecordCommand::Kinds = cmd {
        return kinds(out);
    }
    let ws = open_existing(out, home)?;
    let record = match cmd {
        RecordCommand::Add { case, kind, body } => {
            let kind = RecordKind::parse(&kind).ok_or_else(|| {
                anyhow::anyhow!(out.ta("cli-bad-value", &[("what", "--kind"), ("value", &kind)]))
            })?;
            let case = ws.resolve_case(&case)?;
            ws.add_record(case, build_body(out, kind, None, body)?)?
        }
        RecordCommand::Amend {
            record,
            reason,
            body,
        } => {
            let id = ws.resolve_record(&record)?;
            let current = ws.record(id)?;
            let body = build_body(out, current.kind, Some(&current.content), body)?;
            ws.amend_record(id, body, &reason)?
        }
        RecordCommand::Finalize { record } => ws.finalize_record(ws.resolve_record(&record)?)?,
        RecordCommand::Void { record, reason } => {
            ws.void_record(ws.resolve_record(&record)?, &reason)?
        }
        RecordCommand::Show { record } => {
            let id = ws.resolve_record(&record)?;
            let r = ws.record(id)?;
            let versions = ws.record_versions(id)?;
            if out.json {
                let mut v = record_json(&r);
                v["versions"] = json!(versions);
                out.print_json(&v)?;
            } else {
                out.say(format!(
                    "{}  {}  {}",
                    short(&r.id.to_string()),
                    out.kind(r.kind),
                    out.record_status(r.status)
                ));
                for v in versions {
                    let reason = if v.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", v.reason)
                    };
                    out.say(format!(
                        "  v{}  {}  #{}{reason}",
                        v.version,
                        out.time(v.recorded_at),
                        v.content_hash.short()
                    ));
                }
                out.say(serde_json::to_string_pretty(
                    &serde_json::from_str::<Value>(&r.content)?,
                )?);
            }
            return Ok(ExitCode::SUCCESS);
        }
        RecordCommand::Kinds => return kinds(out),
    };
    if out.json {
        out.print_json(&record_json(&record))?;
    } else {
        out.say(out.ta(
            "cli-record-saved",
            &[
                ("kind", &out.kind(record.kind)),
                ("id", &record.id.to_string()),
                ("version", &record.version.to_string()),
                ("status", &out.record_status(record.status)),
                ("hash", &record.content_hash.short()),
            ],
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn kinds(out: &Out) -> anyhow::Result<ExitCode> {
    let list: Vec<Value> = RecordKind::ALL
        .iter()
        .map(|k| {
            let fields: Vec<String> = k
                .empty_body()
                .to_value()
                .ok()
                .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect()))
                .unwrap_or_default();
            json!({"kind": k, "name": out.kind(*k), "fields": fields})
        })
        .collect();
    if out.json {
        out.print_json(&list)?;
    } else {
        for k in &list {
            out.say(format!(
                "{:<32} {}",
                k["kind"].as_str().unwrap_or_default(),
                k["name"].as_str().unwrap_or_default()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

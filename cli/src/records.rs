//! `casetrail record add|amend|finalize|void|show`.
//!
//! A body is given as JSON (`--json-body FILE`, `-` for stdin) and/or as `--set path=value`
//! pairs applied on top of it, each parsed by the type its form schema gives the field (text
//! stays text, so `place=301` is the text "301"; lists, groups and persons are JSON, and a
//! malformed one is an error naming the field). The whole body is then checked against the
//! schema, every problem named by its path. Unknown fields are refused with the list of known
//! ones, so a typo never vanishes. `record kinds` and `record form KIND` print the schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{Map, Value, json};

use casetrail_core::i18n::Lang;
use casetrail_core::model::{RecordBody, RecordKind, ValidationCode};
use casetrail_core::rules::form::{FieldType, FormField, FormSchema, Need, Relevance};
use casetrail_core::rules::{form_schema, form_schemas, parse_body};

use crate::case_show::{record_json, short};
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
    /// List the record kinds and their fields (`--json`: the full form schema of every kind).
    Kinds,
    /// Print the empty form of a kind, to fill by hand (`--json`: its form schema).
    Form {
        /// Record kind (`record kinds` lists them).
        kind: String,
        /// Also print what the form opens with for this case (id or prefix): its officers,
        /// party, place and the workspace clock's time.
        #[arg(long)]
        case: Option<String>,
    },
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
    let schema = form_schema(kind);
    let mut map: Map<String, Value> = match (&args.json_body, start) {
        (Some(path), _) => match crate::output::read_json("--json-body", path)? {
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
        match schema.set_text(&mut map, key.trim(), value) {
            Ok(()) => {}
            Err(e) if e.code == ValidationCode::UnknownField => {
                anyhow::bail!(unknown_field(out, schema, &e.field))
            }
            Err(e) => return Err(casetrail_core::Error::from(e).into()),
        }
    }
    let body = Value::Object(map);
    Ok(parse_body(kind, &body).map_err(casetrail_core::Error::from)?)
}

fn unknown_field(out: &Out, schema: &FormSchema, field: &str) -> String {
    let fields: Vec<&str> = schema.fields().map(|f| f.name).collect();
    out.ta(
        "cli-unknown-field",
        &[
            ("field", field),
            ("kind", schema.kind.as_str()),
            ("fields", &fields.join(", ")),
        ],
    )
}

fn parse_kind(out: &Out, kind: &str) -> anyhow::Result<RecordKind> {
    RecordKind::parse(kind).ok_or_else(|| {
        anyhow::anyhow!(out.ta("cli-bad-value", &[("what", "--kind"), ("value", kind)]))
    })
}

pub fn run(out: &Out, home: &Path, cmd: RecordCommand) -> anyhow::Result<ExitCode> {
    match &cmd {
        RecordCommand::Kinds => return kinds(out),
        RecordCommand::Form { kind, case: None } => return form(out, parse_kind(out, kind)?),
        _ => {}
    }
    let ws = open_existing(out, home)?;
    let record = match cmd {
        RecordCommand::Add { case, kind, body } => {
            let kind = parse_kind(out, &kind)?;
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
        RecordCommand::Form {
            kind,
            case: Some(case),
        } => {
            let kind = parse_kind(out, &kind)?;
            let defaults = ws.form_defaults(ws.resolve_case(&case)?, kind)?;
            if out.json {
                out.print_json(&json!({"schema": form_schema(kind), "defaults": defaults}))?;
            } else {
                form(out, kind)?;
                out.say("");
                out.say(out.t("cli-form-defaults"));
                out.say(serde_json::to_string_pretty(&defaults)?);
            }
            return Ok(ExitCode::SUCCESS);
        }
        RecordCommand::Form { kind, case: None } => return form(out, parse_kind(out, &kind)?),
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
    if out.json {
        out.print_json(&form_schemas())?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in form_schemas() {
        out.say(format!("{:<32} {}", s.kind.as_str(), s.label.get(out.lang)));
        let fields: Vec<String> = s
            .fields()
            .map(|f| match f.need {
                Need::Optional => f.name.to_owned(),
                _ => format!("{}*", f.name),
            })
            .collect();
        out.say(out.ta("cli-kinds-fields", &[("fields", &fields.join(", "))]));
    }
    Ok(ExitCode::SUCCESS)
}

/// The empty form of `kind`: sections, then each field with its label, path, help, whether it
/// is required and by which article, when it appears; then who signs.
fn form(out: &Out, kind: RecordKind) -> anyhow::Result<ExitCode> {
    let schema = form_schema(kind);
    if out.json {
        out.print_json(schema)?;
        return Ok(ExitCode::SUCCESS);
    }
    let lang = out.lang;
    out.say(out.ta(
        "cli-form-title",
        &[("kind", schema.label.get(lang)), ("code", kind.as_str())],
    ));
    for section in &schema.sections {
        out.say("");
        out.say(format!("【{}】", section.label.get(lang)));
        for f in &section.fields {
            form_field(out, schema, f, 1);
        }
    }
    if !schema.signatures.is_empty() {
        out.say("");
        out.say(format!("【{}】", out.t("cli-form-signatures")));
        for s in &schema.signatures {
            let affirmation = if s.affirmation.is_empty() {
                String::new()
            } else {
                format!("  「{}」", s.affirmation)
            };
            out.say(format!("  {}{affirmation}：________", s.label.get(lang)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn form_field(out: &Out, schema: &FormSchema, f: &FormField, depth: usize) {
    let lang = out.lang;
    let indent = "  ".repeat(depth);
    let blank = if f.fields.is_empty() { "________" } else { "" };
    let mut notes = vec![f.help.get(lang).to_owned()];
    if let FieldType::Choice { options, .. } = &f.ty {
        let codes: Vec<String> = options
            .iter()
            .map(|o| format!("{}={}", o.code, o.label.get(lang)))
            .collect();
        notes.push(codes.join(" / "));
    }
    if let Some(r) = f.repeat {
        notes.push(out.ta(
            "cli-form-repeat",
            &[("min", &r.min.to_string()), ("max", &r.max.to_string())],
        ));
    }
    if f.need == Need::RequiredInGroup {
        notes.push(out.t("cli-form-required-in-group"));
    }
    let need = match f.need {
        Need::Optional | Need::RequiredInGroup => None,
        Need::Required => Some("cli-form-required"),
        Need::RequiredIfMajor => Some("cli-form-required-if-major"),
        Need::RequiredIfRelevant => Some("cli-form-required-if-relevant"),
    };
    if let Some(id) = need {
        let cite = casetrail_core::rules::required_by(lang, schema.kind);
        notes.push(match lang {
            Lang::Zh => format!("{}（{cite}）", out.t(id)),
            Lang::En => format!("{} ({cite})", out.t(id)),
        });
    }
    if let Some(when) = relevance(out, schema, &f.relevant) {
        notes.push(out.ta("cli-form-when", &[("when", &when)]));
    }
    let sep = if lang == Lang::Zh { "；" } else { "; " };
    out.say(format!(
        "{indent}{} [{}]：{blank}  — {}",
        f.label.get(lang),
        f.path,
        notes.join(sep)
    ));
    for c in &f.fields {
        form_field(out, schema, c, depth + 1);
    }
}

fn relevance(out: &Out, schema: &FormSchema, r: &Relevance) -> Option<String> {
    let lang = out.lang;
    match r {
        Relevance::Always => None,
        Relevance::MajorCase => Some(out.t("field-is_major")),
        Relevance::IsTrue { field } => schema.field(field).map(|f| f.label.get(lang).to_owned()),
        Relevance::Equals { field, any_of } => {
            let f = schema.field(field)?;
            let labels: Vec<String> = match &f.ty {
                FieldType::Choice { options, .. } => options
                    .iter()
                    .filter(|o| any_of.contains(&o.code))
                    .map(|o| o.label.get(lang).to_owned())
                    .collect(),
                _ => any_of.iter().map(|c| (*c).to_owned()).collect(),
            };
            Some(format!("{} = {}", f.label.get(lang), labels.join(" / ")))
        }
    }
}

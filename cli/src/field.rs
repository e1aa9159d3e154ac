//! `casetrail sign`, `casetrail refuse`, `casetrail serve-doc`: the moments of a site visit from
//! the command line, driving the same core calls as the phone screens.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};

use casetrail_core::Workspace;
use casetrail_core::media::Strokes;
use casetrail_core::model::bodies::ServiceMethod;
use casetrail_core::model::{Person, PersonRelation, Record, RefusalReason, SlotId};
use casetrail_core::{RefusalRequest, ServeRequest, SignRequest, WitnessInput};

use crate::case_show::record_json;
use crate::output::{Out, open_existing};

/// `casetrail sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// Record id or a unique prefix.
    record: String,
    /// The slot: its number as `case show` lists it (1, 2, …) or its id.
    #[arg(long)]
    slot: String,
    /// The strokes as JSON ({"width","height","strokes":[{"points":[{"x","y","t_ms","pressure"}]}]}).
    #[arg(long)]
    strokes: PathBuf,
    /// The affirmation the signer wrote (default: the slot's own).
    #[arg(long, default_value = "")]
    affirmation: String,
}

/// `casetrail refuse`.
#[derive(Debug, clap::Args)]
pub struct RefuseArgs {
    /// Record id or a unique prefix.
    record: String,
    /// The slot the party refuses (number or id).
    #[arg(long)]
    slot: String,
    /// disputes_content, refuses_to_cooperate, needs_authorisation, claims_no_authority, refuses_document, other.
    #[arg(long)]
    reason: String,
    /// The reason in words (required for `other`).
    #[arg(long, default_value = "")]
    reason_text: String,
    /// Certificate number of the officer who notes the refusal.
    #[arg(long)]
    noted_by: String,
    /// The officer's annotation on the record.
    #[arg(long)]
    annotation: String,
    /// Photo/audio/video evidence made there and then (id or prefix), at least one.
    #[arg(long = "av")]
    av: Vec<String>,
    /// Witness name.
    #[arg(long)]
    witness_name: Option<String>,
    /// Witness role in words.
    #[arg(long, default_value = "")]
    witness_role: String,
    /// The witness's signature strokes (JSON).
    #[arg(long)]
    witness_strokes: Option<PathBuf>,
}

/// `casetrail serve-doc`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The document (record id or prefix), finalized.
    document: String,
    /// direct, leave_at_premises, postal, entrusted, forwarded, electronic, public_notice.
    #[arg(long)]
    method: String,
    /// Serving officers' certificate numbers (at least two).
    #[arg(long = "officer")]
    officers: Vec<String>,
    /// When it was handed over or left (RFC 3339; default now).
    #[arg(long)]
    at: Option<DateTime<Utc>>,
    /// Where.
    #[arg(long, default_value = "")]
    address: String,
    /// Who received it (direct, entrusted, forwarded).
    #[arg(long)]
    receiver: Option<String>,
    /// Why the recipient refused (leave at premises).
    #[arg(long, default_value = "")]
    refusal_reason: String,
    /// Witness name (leave at premises), repeatable.
    #[arg(long = "witness")]
    witnesses: Vec<String>,
    /// Registered-mail tracking number.
    #[arg(long, default_value = "")]
    tracking_no: String,
    /// Date on the return receipt (YYYY-MM-DD).
    #[arg(long)]
    return_receipt_on: Option<NaiveDate>,
    /// Body entrusted or forwarded to.
    #[arg(long, default_value = "")]
    entrusted_to: String,
    /// Why it was entrusted or forwarded.
    #[arg(long, default_value = "")]
    entrust_reason: String,
    /// Electronic channel.
    #[arg(long, default_value = "")]
    channel: String,
    /// The party's consent to electronic service (record id or prefix).
    #[arg(long)]
    consent: Option<String>,
    /// When it reached the recipient's system (RFC 3339).
    #[arg(long)]
    arrived_at: Option<DateTime<Utc>>,
    /// Public-notice medium.
    #[arg(long, default_value = "")]
    medium: String,
    /// When the notice was published (RFC 3339).
    #[arg(long)]
    published_at: Option<DateTime<Utc>>,
    /// Why every other method failed (public notice).
    #[arg(long, default_value = "")]
    why_others_failed: String,
    /// Audio/video/screenshot evidence of the service (id or prefix), repeatable.
    #[arg(long = "av")]
    av: Vec<String>,
}

/// A slot of `record` by 1-based number or id (prefix).
pub fn resolve_slot(out: &Out, record: &Record, slot: &str) -> anyhow::Result<SlotId> {
    if let Ok(n) = slot.parse::<usize>() {
        let index = (0..record.slots.len()).find(|&i| crate::case_show::slot_number(i) == n);
        if let Some(s) = index.and_then(|i| record.slots.get(i)) {
            return Ok(s.id);
        }
    }
    let found: Vec<_> = record
        .slots
        .iter()
        .filter(|s| s.id.to_string().starts_with(&slot.to_lowercase()))
        .collect();
    match found.as_slice() {
        [s] => Ok(s.id),
        _ => anyhow::bail!(out.ta("cli-bad-value", &[("what", "--slot"), ("value", slot)])),
    }
}

fn strokes(path: &Path) -> anyhow::Result<Strokes> {
    crate::output::read_json("--strokes", path)
}

fn print_record(out: &Out, record: &Record) -> anyhow::Result<ExitCode> {
    if out.json {
        out.print_json(&record_json(record))?;
    } else {
        for (i, s) in record.slots.iter().enumerate() {
            let n = crate::case_show::slot_number(i);
            out.say(format!("  {}", crate::case_show::slot_line(out, n, s)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn sign(out: &Out, home: &Path, a: SignArgs) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let record = ws.record(ws.resolve_record(&a.record)?)?;
    let slot_id = resolve_slot(out, &record, &a.slot)?;
    let signed = ws.sign_slot(SignRequest {
        record_id: record.id,
        slot_id,
        content_hash: record.content_hash,
        strokes: strokes(&a.strokes)?,
        affirmation: a.affirmation,
    })?;
    out.say(out.ta(
        "cli-signed",
        &[
            ("kind", &out.kind(signed.kind)),
            ("hash", &signed.content_hash.short()),
        ],
    ));
    print_record(out, &signed)
}

pub fn refuse(out: &Out, home: &Path, a: RefuseArgs) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let record = ws.record(ws.resolve_record(&a.record)?)?;
    let slot_id = resolve_slot(out, &record, &a.slot)?;
    let reason = RefusalReason::parse(&a.reason).ok_or_else(|| {
        anyhow::anyhow!(out.ta(
            "cli-bad-value",
            &[("what", "--reason"), ("value", &a.reason)]
        ))
    })?;
    let av =
        a.av.iter()
            .map(|e| ws.resolve_evidence(e))
            .collect::<Result<Vec<_>, _>>()?;
    let witness = match a.witness_name {
        Some(name) => Some(WitnessInput {
            person: Person {
                name,
                relation: PersonRelation::Witness,
                ..Default::default()
            },
            role_text: a.witness_role,
            strokes: a.witness_strokes.as_deref().map(strokes).transpose()?,
        }),
        None => None,
    };
    let refused = ws.refuse_slot(RefusalRequest {
        record_id: record.id,
        slot_id,
        content_hash: record.content_hash,
        reason,
        reason_text: a.reason_text,
        noted_by: a.noted_by,
        annotation: a.annotation,
        witness,
        av_evidence: av,
    })?;
    out.say(out.ta("cli-refused", &[("kind", &out.kind(refused.kind))]));
    print_record(out, &refused)
}

pub fn serve(out: &Out, home: &Path, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    let method = match a.method.as_str() {
        "direct" => ServiceMethod::Direct,
        "leave_at_premises" => ServiceMethod::LeaveAtPremises,
        "postal" => ServiceMethod::Postal,
        "entrusted" => ServiceMethod::Entrusted,
        "forwarded" => ServiceMethod::Forwarded,
        "electronic" => ServiceMethod::Electronic,
        "public_notice" => ServiceMethod::PublicNotice,
        other => anyhow::bail!(out.ta("cli-bad-value", &[("what", "--method"), ("value", other)])),
    };
    let document = ws.resolve_record(&a.document)?;
    let person = |name: String, relation| Person {
        name,
        relation,
        ..Default::default()
    };
    let needs_time = matches!(
        method,
        ServiceMethod::Direct
            | ServiceMethod::LeaveAtPremises
            | ServiceMethod::Entrusted
            | ServiceMethod::Forwarded
    );
    let now = Utc::now();
    let mut req = ServeRequest::new(document, method);
    req.served_at = a.at.or(needs_time.then_some(now));
    req.address = a.address;
    req.receiver = a
        .receiver
        .map(|n| person(n, PersonRelation::ReceivingClerk));
    req.officers = a.officers;
    req.refusal_reason = a.refusal_reason;
    req.witnesses = a
        .witnesses
        .into_iter()
        .map(|n| WitnessInput {
            person: person(n, PersonRelation::GrassrootsRep),
            role_text: String::new(),
            strokes: None,
        })
        .collect();
    req.tracking_no = a.tracking_no;
    req.return_receipt_on = a.return_receipt_on;
    req.entrusted_to = a.entrusted_to;
    req.entrust_reason = a.entrust_reason;
    req.electronic_channel = a.channel;
    req.electronic_consent = a.consent.map(|c| ws.resolve_record(&c)).transpose()?;
    req.electronic_arrived_at = a.arrived_at;
    req.notice_medium = a.medium;
    req.published_at = a.published_at;
    req.why_other_methods_failed = a.why_others_failed;
    req.av_evidence =
        a.av.iter()
            .map(|e| ws.resolve_evidence(e))
            .collect::<Result<Vec<_>, _>>()?;
    let served = ws.serve_document(req)?;
    out.say(out.ta("cli-served", &[("id", &served.id.to_string())]));
    print_record(out, &served)
}

/// A workspace helper for the demo: sign every slot of a record that is still pending.
pub fn sign_all_pending(ws: &Workspace, record: &Record, seed: u32) -> anyhow::Result<Record> {
    let mut current = record.clone();
    // Each signer's own hand: a different seed for every slot.
    for (i, slot) in record
        .slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.outcome().is_none())
    {
        current = ws.sign_slot(SignRequest {
            record_id: record.id,
            slot_id: slot.id,
            content_hash: record.content_hash,
            strokes: casetrail_core::sample::handwriting(seed + i as u32),
            affirmation: String::new(),
        })?;
    }
    Ok(current)
}

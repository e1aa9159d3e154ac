//! `casetrail case show`: what a legal officer checking a case needs to see, without opening the
//! database — each record with its signature slots numbered exactly as `sign --slot N` and
//! `refuse --slot N` take them, each refusal (reason, noting officer, witness, audio/video),
//! each service act (method, document, time, serving officers, receiver, witnesses, proof), and
//! each evidence item with its hashes and capture facts (when, by whom, doing what, where).
//!
//! Human text comes from the catalogues (Chinese by default, `--lang en`); `--json` carries the
//! same facts for scripts. Nothing here decides anything: the words for codes (relations,
//! reasons, methods) are the core's pick-list labels.

use casetrail_core::model::bodies::ServiceRecord;
use casetrail_core::model::{
    Case, EvidenceItem, LocationReading, Person, Record, RecordBody, SignatureSlot, SlotOutcome,
};
use casetrail_core::rules::form::ChoiceList;
use casetrail_core::store::EvidenceRow;
use serde_json::{Value, json};

use crate::output::Out;

/// The number `sign --slot N` takes for the slot at `index` of a record's slots.
pub fn slot_number(index: usize) -> usize {
    index + 1
}

/// The case as JSON: its facts, records (slots numbered), service acts and evidence.
pub fn case_json(case: &Case, records: &[Record], evidence: &[EvidenceRow]) -> Value {
    json!({
        "id": case.id,
        "case_no": case.info.case_no,
        "title": case.info.title,
        "stage": case.stage(),
        "status": case.status,
        "opened_at": case.opened_at,
        "opened_by": case.opened_by,
        "cause": case.info.cause,
        "cause_text": case.info.cause_text,
        "legal_basis": case.info.legal_basis,
        "procedure": case.info.procedure,
        "is_major": case.info.is_major,
        "emergency_start": case.info.emergency_start,
        "officers": case.info.officers,
        "parties": case.info.parties,
        "records": records.iter().map(record_json).collect::<Vec<_>>(),
        "services": records
            .iter()
            .filter_map(|r| service_of(r).map(|s| (r, s)))
            .map(|(r, s)| json!({
                "record_id": r.id,
                "status": r.status,
                "document": s.document,
                "document_title": s.document_title,
                "method": s.method,
                "served_at": s.served_at,
                "address": s.address,
                "officers": s.officers,
                "receiver": s.receiver,
                "refusal_reason": s.refusal_reason,
                "witnesses": s.witnesses,
                "tracking_no": s.tracking_no,
                "notice_medium": s.notice_medium,
                "published_at": s.published_at,
                "proof": s.av_evidence,
            }))
            .collect::<Vec<_>>(),
        "evidence": evidence
            .iter()
            .map(|e| json!({
                "id": e.item.id,
                "kind": e.item.kind,
                "is_av": e.item.kind.is_av(),
                "av_record": e.item.kind.counts_as_av_record(),
                "record_id": e.item.record_id,
                "sha256": e.item.original.sha256.to_hex(),
                "size": e.item.original.size,
                "mime": e.item.original.mime,
                "derivative_sha256": e.item.derivative.as_ref().map(|d| d.sha256.to_hex()),
                "captured_at": e.item.captured_at,
                "captured_by": e.item.captured_by,
                "activity": e.item.activity,
                "location": e.item.location,
                "address": e.item.address,
                "device_id": e.item.device_id,
                "item": e.item,
                "details": e.details,
            }))
            .collect::<Vec<_>>(),
    })
}

fn service_of(r: &Record) -> Option<&ServiceRecord> {
    match &r.body {
        RecordBody::ServiceReceipt(s) => Some(s),
        _ => None,
    }
}

/// The case in words.
pub fn print_case(out: &Out, case: &Case, records: &[Record], evidence: &[EvidenceRow]) {
    out.say(format!("{}  {}", case.info.case_no, case.info.title));
    out.say(out.ta(
        "cli-case-line",
        &[
            ("stage", &out.stage(case.status)),
            ("status", &out.status(case.status)),
            ("id", &case.id.to_string()),
        ],
    ));
    out.say(out.ta("cli-case-opened", &[("at", &out.time(case.opened_at))]));
    for o in &case.info.officers {
        out.say(out.ta(
            "cli-officer-line",
            &[("name", &o.name), ("cert", &o.cert_no), ("unit", &o.unit)],
        ));
    }
    for p in &case.info.parties {
        out.say(out.ta(
            "cli-party-line",
            &[
                ("name", &p.name),
                ("uscc", p.uscc.as_deref().unwrap_or("-")),
            ],
        ));
    }
    out.say(out.ta("cli-show-records", &[("count", &records.len().to_string())]));
    if records.is_empty() {
        out.say(out.t("cli-no-records"));
    }
    let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    let len = unique_prefix_len(&ids);
    let short = |id: &str| id[..len.min(id.len())].to_owned();
    for r in records {
        out.say(format!(
            "  {}  {}  v{}  {}  #{}",
            short(&r.id.to_string()),
            out.kind(r.kind),
            r.version,
            out.record_status(r.status),
            r.content_hash.short()
        ));
        if let Some(s) = service_of(r) {
            print_service(out, records, s, &short);
        }
        if !r.slots.is_empty() {
            out.say(format!("    {}", out.t("cli-show-slots")));
        }
        for (i, s) in r.slots.iter().enumerate() {
            print_slot(out, slot_number(i), s);
        }
    }
    out.say(out.ta(
        "cli-show-evidence",
        &[("count", &evidence.len().to_string())],
    ));
    let ids: Vec<String> = evidence.iter().map(|e| e.item.id.to_string()).collect();
    let elen = unique_prefix_len(&ids);
    for e in evidence {
        print_evidence(out, &e.item, elen, &short);
    }
}

/// A slot as one line: its number (as `sign --slot N` takes it), role, signer and state.
pub fn slot_line(out: &Out, n: usize, s: &SignatureSlot) -> String {
    let role = s
        .spec
        .role
        .map(|r| out.t(&format!("role-{}", r.as_str())))
        .unwrap_or_default();
    format!(
        "{n}. {role} {}: {}",
        s.spec.signer_name,
        out.t(&format!("slot-{}", s.status()))
    )
}

fn print_slot(out: &Out, n: usize, s: &SignatureSlot) {
    out.say(format!("      {}", slot_line(out, n, s)));
    // Every refusal on record, not only the latest outcome: a refusal later followed by a
    // signature is part of the case too.
    for entry in &s.history {
        if let SlotOutcome::Refused(r) = &entry.outcome {
            let mut reason = out.t(&format!("refusal-reason-{}", r.reason.as_str()));
            if !r.reason_text.trim().is_empty() {
                reason = out.ta(
                    "cli-show-reason-text",
                    &[("reason", &reason), ("text", r.reason_text.trim())],
                );
            }
            let witness = r
                .witness
                .as_ref()
                .map(|w| {
                    let mut text = person(out, &w.person);
                    if !w.role_text.is_empty() {
                        text = format!("{text} {}", w.role_text);
                    }
                    if w.signature.is_some() {
                        text = format!("{text} {}", out.t("cli-show-witness-signed"));
                    }
                    text
                })
                .unwrap_or_else(|| out.t("cli-show-none"));
            out.say(format!(
                "         {}",
                out.ta(
                    "cli-show-refusal",
                    &[
                        ("at", &out.time(entry.at)),
                        ("reason", &reason),
                        ("noted_by", &r.noted_by),
                        ("witness", &witness),
                        ("av", &ids_or_none(out, &r.av_evidence)),
                    ],
                )
            ));
        }
    }
}

fn print_service(out: &Out, records: &[Record], s: &ServiceRecord, short: &dyn Fn(&str) -> String) {
    let method = s
        .method
        .map(|m| out.t(&ChoiceList::ServiceMethod.label_id(m.as_str())))
        .unwrap_or_else(|| out.t("cli-show-none"));
    let document = match s.document {
        Some(id) => {
            let kind = records
                .iter()
                .find(|r| r.id == id)
                .map(|r| out.kind(r.kind))
                .unwrap_or_default();
            format!("{kind} {}", short(&id.to_string()))
                .trim()
                .to_owned()
        }
        None => s.document_title.clone(),
    };
    let witnesses: Vec<String> = s.witnesses.iter().map(|w| person(out, w)).collect();
    out.say(format!(
        "    {}",
        out.ta(
            "cli-show-service",
            &[
                ("method", &method),
                ("document", &document),
                (
                    "at",
                    &s.served_at
                        .map(|t| out.time(t))
                        .unwrap_or_else(|| out.t("cli-show-none")),
                ),
                ("officers", &list_or_none(out, &s.officers)),
                (
                    "receiver",
                    &s.receiver
                        .as_ref()
                        .map(|p| person(out, p))
                        .unwrap_or_else(|| out.t("cli-show-none")),
                ),
                ("witnesses", &list_or_none(out, &witnesses)),
                ("proof", &ids_or_none(out, &s.av_evidence)),
            ],
        )
    ));
}

fn print_evidence(out: &Out, item: &EvidenceItem, len: usize, short: &dyn Fn(&str) -> String) {
    let id = item.id.to_string();
    out.say(format!(
        "  {}  {}",
        &id[..len.min(id.len())],
        out.ta(
            "cli-show-evidence-line",
            &[
                (
                    "kind",
                    &out.t(&format!("evidence-kind-{}", item.kind.as_str()))
                ),
                ("sha", &item.original.sha256.to_hex()),
                ("size", &item.original.size.to_string()),
                ("mime", &item.original.mime),
            ],
        )
    ));
    if let Some(d) = &item.derivative {
        out.say(format!(
            "      {}",
            out.ta(
                "cli-evidence-derivative",
                &[("sha", &d.sha256.to_hex()), ("size", &d.size.to_string())],
            )
        ));
    }
    let place = match &item.location {
        Some(LocationReading::Fix {
            lat,
            lon,
            accuracy_m,
            ..
        }) => out.ta(
            "cli-show-fix",
            &[
                ("lat", &format!("{lat:.6}")),
                ("lon", &format!("{lon:.6}")),
                (
                    "accuracy",
                    &accuracy_m.map_or_else(|| "?".to_owned(), |a| format!("{a:.0}")),
                ),
            ],
        ),
        Some(LocationReading::NoFix { reason }) => {
            out.ta("cli-show-no-fix", &[("reason", reason.as_str())])
        }
        None => out.t("cli-show-none"),
    };
    let place = if item.address.is_empty() {
        place
    } else {
        format!("{place} {}", item.address)
    };
    out.say(format!(
        "      {}",
        out.ta(
            "cli-show-evidence-capture",
            &[
                ("at", &out.time(item.captured_at)),
                ("by", &item.captured_by),
                (
                    "activity",
                    &out.t(&format!("activity-{}", item.activity.as_str()))
                ),
                ("where", &place),
                (
                    "record",
                    &item
                        .record_id
                        .map(|r| short(&r.to_string()))
                        .unwrap_or_else(|| out.t("cli-show-none")),
                ),
            ],
        )
    ));
}

fn person(out: &Out, p: &Person) -> String {
    let relation = out.t(&ChoiceList::Relation.label_id(p.relation.as_str()));
    out.ta(
        "cli-show-person",
        &[("name", &p.name), ("relation", &relation)],
    )
}

fn list_or_none(out: &Out, items: &[String]) -> String {
    if items.is_empty() {
        out.t("cli-show-none")
    } else {
        items.join(if out.lang == casetrail_core::i18n::Lang::Zh {
            "、"
        } else {
            ", "
        })
    }
}

fn ids_or_none<T: ToString>(out: &Out, ids: &[T]) -> String {
    let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    list_or_none(out, &ids)
}

/// The first 8 characters of an id.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

/// The shortest prefix length (at least 8) that tells all of `ids` apart: ids made in the same
/// millisecond share their first 12 hex digits, so a fixed length would show look-alikes.
pub fn unique_prefix_len<S: AsRef<str>>(ids: &[S]) -> usize {
    (8..=36)
        .find(|&len| {
            let mut seen = std::collections::HashSet::new();
            ids.iter()
                .all(|id| seen.insert(&id.as_ref()[..len.min(id.as_ref().len())]))
        })
        .unwrap_or(36)
}

/// A record as JSON, its slots numbered as `sign --slot N` takes them.
pub fn record_json(r: &Record) -> Value {
    json!({
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "version": r.version,
        "content_hash": r.content_hash,
        "created_at": r.created_at,
        "finalized_at": r.finalized_at,
        "void_reason": r.void_reason,
        "body": serde_json::from_str::<Value>(&r.content).unwrap_or(Value::Null),
        "signature_slots": r.slots.iter().enumerate().map(|(i, s)| json!({
            "number": slot_number(i),
            "id": s.id,
            "role": s.spec.role,
            "signer_name": s.spec.signer_name,
            "cert_no": s.spec.cert_no,
            "required": s.spec.required,
            "affirmation": s.spec.affirmation,
            "status": s.status(),
            "history": s.history,
        })).collect::<Vec<_>>(),
    })
}

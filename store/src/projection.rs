//! Projections: how each event changes the tables the screens query.
//!
//! `apply` is a pure function of the event and its header (times come from the signed header,
//! never from the local clock), so replaying the journal into an empty database yields the same
//! tables; a test rebuilds and compares. It runs inside the transaction that inserts the event,
//! so an event and its projection are committed together or not at all. The v1 bodies are
//! turned into model types here (through the model's one conversion module); the rows keep the
//! model's JSON, which only this crate reads back.

use casetrail_model::{
    CaseDraft, EvidenceItem, FindingKey, Refusal, SignatureMark, SlotEntry, SlotId, SlotOutcome,
    SlotSpec,
};
use casetrail_protocol::Hash;
use casetrail_protocol::events::v1::Event;
use casetrail_protocol::journal::EventHeader;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::error::{Error, Result};

/// The one spelling of a time in the database.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn model<T>(r: std::result::Result<T, casetrail_model::FromV1Error>) -> Result<T> {
    r.map_err(|e| Error::Journal(format!("event body: {e}")))
}

/// Applies `event` (stored at journal position `pos`) to the projections.
pub(crate) fn apply(
    tx: &Transaction<'_>,
    pos: i64,
    header: &EventHeader,
    event: &Event,
) -> Result<()> {
    let at = ts(header.at.utc);
    match event {
        Event::DeviceGenesis(_) => {}
        Event::CaseOpened(e) => {
            let case = model(CaseDraft::try_from(&e.case))?;
            tx.prepare_cached(
                "INSERT INTO cases (case_id, case_no, title, status, opened_at, opened_by, draft, last_pos)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                e.case_id.to_string(),
                case.case_no,
                case.title,
                case.initial_status.as_str(),
                at,
                header.device.to_string(),
                serde_json::to_string(&case)?,
                pos,
            ])?;
        }
        Event::CaseStatusChanged(e) => {
            let from: casetrail_model::CaseStatus =
                model(casetrail_model::v1::from_code("from", &e.from))?;
            let to: casetrail_model::CaseStatus =
                model(casetrail_model::v1::from_code("to", &e.to))?;
            changed(tx.execute(
                "UPDATE cases SET status = ?2, last_pos = ?3 WHERE case_id = ?1",
                params![e.case_id.to_string(), to.as_str(), pos],
            )?)?;
            tx.execute(
                "INSERT INTO case_status_history (pos, case_id, at, from_status, to_status, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    pos,
                    e.case_id.to_string(),
                    at,
                    from.as_str(),
                    to.as_str(),
                    e.reason
                ],
            )?;
        }
        Event::RecordAdded(e) => {
            let kind = casetrail_model::RecordKind::parse(&e.kind).ok_or_else(|| {
                Error::Journal(format!("event body: unknown record kind {:?}", e.kind))
            })?;
            let content = e.content.get();
            let hash = Hash::digest(content.as_bytes());
            tx.prepare_cached(
                "INSERT INTO records (record_id, case_id, kind, version, status, content, content_hash, created_at, device_id)
                 VALUES (?1, ?2, ?3, 1, 'draft', ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                e.record_id.to_string(),
                e.case_id.to_string(),
                kind.as_str(),
                content,
                hash.as_bytes().as_slice(),
                at,
                header.device.to_string(),
            ])?;
            insert_version(
                tx,
                &e.record_id.to_string(),
                1,
                content,
                &hash,
                "",
                &at,
                pos,
            )?;
        }
        Event::RecordAmended(e) => {
            let content = e.content.get();
            let hash = Hash::digest(content.as_bytes());
            let id = e.record_id.to_string();
            changed(tx.execute(
                "UPDATE records SET version = ?2, status = 'draft', content = ?3, content_hash = ?4, finalized_at = NULL
                 WHERE record_id = ?1",
                params![id, e.version, content, hash.as_bytes().as_slice()],
            )?)?;
            insert_version(tx, &id, e.version, content, &hash, &e.reason, &at, pos)?;
        }
        Event::RecordFinalized(e) => {
            changed(tx.execute(
                "UPDATE records SET status = 'finalized', finalized_at = ?2 WHERE record_id = ?1",
                params![e.record_id.to_string(), at],
            )?)?;
            for (i, slot) in e.slots.iter().enumerate() {
                let spec = model(SlotSpec::try_from(&slot.spec))?;
                tx.prepare_cached(
                    "INSERT INTO signature_slots (slot_id, record_id, version, ordinal, spec)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    slot.slot_id.to_string(),
                    e.record_id.to_string(),
                    e.version,
                    i as i64,
                    serde_json::to_string(&spec)?,
                ])?;
            }
        }
        Event::RecordVoided(e) => {
            changed(tx.execute(
                "UPDATE records SET status = 'void', void_reason = ?2 WHERE record_id = ?1",
                params![e.record_id.to_string(), e.reason],
            )?)?;
        }
        Event::EvidenceCaptured(e) => {
            let details = serde_json::json!({
                "exif": e.exif,
                "claimed_kind": e.claimed_kind,
                "original_name": e.original_name,
                "watermark": e.watermark,
            });
            insert_evidence(tx, &model(EvidenceItem::try_from(&e.item))?, &details, pos)?;
        }
        Event::SlotSigned(e) => {
            let signature = model(EvidenceItem::try_from(&e.signature))?;
            insert_evidence(
                tx,
                &signature,
                &serde_json::json!({"signature_for": e.slot_id}),
                pos,
            )?;
            let mark = SignatureMark {
                strokes_sha256: e.signature.original.sha256,
                image_sha256: e
                    .signature
                    .derivative
                    .as_ref()
                    .map(|d| d.sha256)
                    .unwrap_or_default(),
                evidence_id: e.signature.id,
            };
            push_slot_outcome(
                tx,
                e.slot_id,
                header,
                SlotOutcome::Signed {
                    mark,
                    content_hash: e.content_hash,
                    affirmation: e.affirmation.clone(),
                },
            )?;
        }
        Event::SlotRefused(e) => {
            if let Some(w) = &e.witness_signature {
                let w = model(EvidenceItem::try_from(w))?;
                insert_evidence(tx, &w, &serde_json::json!({"witness_for": e.slot_id}), pos)?;
            }
            let refusal = model(Refusal::try_from(&e.refusal))?;
            push_slot_outcome(
                tx,
                e.slot_id,
                header,
                SlotOutcome::Refused(Box::new(refusal)),
            )?;
        }
        Event::OverrideApproved(e) => {
            tx.execute(
                "INSERT INTO overrides (pos, case_id, at, findings, reason, approval_record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    pos,
                    e.case_id.to_string(),
                    at,
                    serde_json::to_string(
                        &e.findings.iter().map(FindingKey::from).collect::<Vec<_>>()
                    )?,
                    e.reason,
                    e.approval_record.to_string()
                ],
            )?;
        }
        Event::BackofficeDecided(_) | Event::CaseAssigned(_) | Event::DeviceRevoked(_) => {
            require_backoffice_chain(tx, header)?;
            let device = match event {
                Event::DeviceRevoked(e) => Some(e.device_id.to_string()),
                _ => None,
            };
            let body = match event {
                Event::BackofficeDecided(e) => serde_json::to_string(e)?,
                Event::CaseAssigned(e) => serde_json::to_string(e)?,
                Event::DeviceRevoked(e) => serde_json::to_string(e)?,
                _ => String::new(),
            };
            tx.execute(
                "INSERT INTO backoffice_events (pos, kind, case_id, device_id, body, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    pos,
                    header.kind,
                    header.case.map(|c| c.to_string()),
                    device,
                    body,
                    at
                ],
            )?;
        }
        // Kept in the journal as evidence of time; nothing to project.
        Event::ClockSkewObserved(_) => {}
    }
    Ok(())
}

/// Back-office events carry the bureau's authority: they count only when signed by the back
/// office's own chain (role `server` on a phone, `self` on the back office), never by a phone.
fn require_backoffice_chain(tx: &Transaction<'_>, header: &EventHeader) -> Result<()> {
    let role: Option<String> = tx
        .query_row(
            "SELECT role FROM devices WHERE device_id = ?1",
            params![header.device.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match role.as_deref() {
        Some("server") => Ok(()),
        Some("self")
            if tx
                .query_row(
                    "SELECT 1 FROM meta WHERE key = 'backoffice'",
                    [],
                    |_| Ok(()),
                )
                .optional()?
                .is_some() =>
        {
            Ok(())
        }
        _ => Err(Error::InvalidState {
            reason: "backoffice_event_from_device",
        }),
    }
}

fn insert_evidence(
    tx: &Transaction<'_>,
    item: &EvidenceItem,
    details: &serde_json::Value,
    pos: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO evidence (evidence_id, case_id, record_id, kind, captured_at, item, details, pos)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        item.id.to_string(),
        item.case_id.to_string(),
        item.record_id.map(|r| r.to_string()),
        item.kind.as_str(),
        ts(item.captured_at),
        serde_json::to_string(item)?,
        details.to_string(),
        pos,
    ])?;
    let files = std::iter::once((0, &item.original)).chain(item.derivative.iter().map(|d| (1, d)));
    for (derivative, file) in files {
        tx.prepare_cached(
            "INSERT INTO evidence_files (sha256, evidence_id, derivative, size, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            file.sha256.to_hex(),
            item.id.to_string(),
            derivative,
            file.size as i64,
            item.device_id.to_string(),
        ])?;
    }
    Ok(())
}

/// Appends an outcome to a slot's history (a slot keeps every outcome: refused, then signed).
fn push_slot_outcome(
    tx: &Transaction<'_>,
    slot: SlotId,
    header: &EventHeader,
    outcome: SlotOutcome,
) -> Result<()> {
    let history: String = tx.query_row(
        "SELECT history FROM signature_slots WHERE slot_id = ?1",
        params![slot.to_string()],
        |r| r.get(0),
    )?;
    let mut entries: Vec<SlotEntry> = serde_json::from_str(&history)?;
    entries.push(SlotEntry {
        at: header.at.utc,
        outcome,
    });
    changed(tx.execute(
        "UPDATE signature_slots SET history = ?2 WHERE slot_id = ?1",
        params![slot.to_string(), serde_json::to_string(&entries)?],
    )?)
}

#[allow(clippy::too_many_arguments)]
fn insert_version(
    tx: &Transaction<'_>,
    record_id: &str,
    version: u32,
    content: &str,
    hash: &Hash,
    reason: &str,
    at: &str,
    pos: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO record_versions (record_id, version, content, content_hash, reason, recorded_at, pos)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![record_id, version, content, hash.as_bytes().as_slice(), reason, at, pos])?;
    Ok(())
}

/// An update that matched no row means the event refers to something that does not exist.
fn changed(rows: usize) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(Error::Journal("event refers to an unknown item".into()))
    }
}

//! The back office's view of its cases: each case with its records (and whether their files
//! have all arrived — a record may come before its media and shows as `media pending` until
//! they do), its evidence with receipt status, the back office's decisions, the events flagged
//! after a revocation, and the completeness report computed by the phone's own rules from the
//! journal received.

use std::collections::BTreeSet;

use casetrail_core::i18n::Lang;
use casetrail_core::journal::Hash;
use casetrail_core::rules;
use casetrail_core::sync::wire::BackofficeCase;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde_json::json;

use crate::error::Result;
use crate::sqlite::SqliteStorage;

/// Every case the back office holds, newest first.
pub fn all(storage: &SqliteStorage, now: DateTime<Utc>) -> Result<Vec<BackofficeCase>> {
    let ws = storage.workspace();
    let mut out = Vec::new();
    for summary in ws.list_cases()? {
        let file = ws.case_file(summary.id)?;
        let received: BTreeSet<Hash> = file
            .evidence
            .iter()
            .filter(|e| file.uploads.contains_key(&e.id))
            .map(|e| e.original.sha256)
            .collect();
        let findings = rules::completeness(&file, now);
        let records = file
            .records
            .iter()
            .map(|r| {
                let files: Vec<_> = rules::av_items(&file, r)
                    .map(|e| e.original.sha256)
                    .collect();
                let pending = files.iter().filter(|h| !received.contains(h)).count();
                json!({
                    "id": r.id,
                    "kind": r.kind.as_str(),
                    "status": r.status,
                    "version": r.version,
                    "device_id": r.device_id,
                    "files": files.len(),
                    "media_pending": pending > 0,
                })
            })
            .collect();
        let evidence = file
            .evidence
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "kind": e.kind.as_str(),
                    "record_id": e.record_id,
                    "sha256": e.original.sha256,
                    "size": e.original.size,
                    "captured_at": e.captured_at,
                    "received": file.uploads.contains_key(&e.id),
                    "received_at": file.uploads.get(&e.id),
                })
            })
            .collect();
        let flags: Vec<serde_json::Value> = ws.store().read(|c| {
            let mut stmt = c.prepare(
                "SELECT f.device_id, f.seq, f.flag FROM srv_flags f
                 JOIN journal j ON j.device_id = f.device_id AND j.seq = f.seq
                 WHERE j.case_id = ?1 ORDER BY f.device_id, f.seq",
            )?;
            let rows = stmt.query_map(params![summary.id.to_string()], |r| {
                Ok(json!({
                    "device_id": r.get::<_, String>(0)?,
                    "seq": r.get::<_, i64>(1)?,
                    "flag": r.get::<_, String>(2)?,
                }))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        out.push(BackofficeCase {
            id: summary.id,
            case_no: summary.case_no,
            title: summary.title,
            status: summary.status.as_str().to_owned(),
            blocking: findings.iter().filter(|f| f.blocks()).count(),
            findings: findings.iter().map(|f| f.to_json(Lang::Zh)).collect(),
            media_pending: file
                .evidence
                .iter()
                .filter(|e| !file.uploads.contains_key(&e.id))
                .count(),
            records,
            evidence,
            flags,
            decisions: file
                .backoffice
                .iter()
                .map(|d| serde_json::to_value(d).unwrap_or_default())
                .collect(),
        });
    }
    out.reverse();
    Ok(out)
}

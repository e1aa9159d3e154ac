//! The back office's view of its cases: each case with its records (and whether their files
//! have all arrived — a record may come before its media and shows as `media pending` until
//! they do), its evidence with receipt status, the back office's decisions, the events flagged
//! after a revocation, and the completeness report computed by the phone's own rules from the
//! journal received. Also the enrolled devices, the incidents kept, and finding a case by id,
//! id prefix or 案号.

use std::collections::{BTreeSet, HashSet};

use casetrail_i18n::Lang;
use casetrail_model::CaseId;
use casetrail_protocol::Hash;
use casetrail_protocol::wire::BackofficeCase;
use casetrail_rules as rules;
use casetrail_store::Table;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::error::{Result, ServerError};
use crate::sqlite::SqliteStorage;
use crate::storage::{DeviceInfo, Incident};

impl SqliteStorage {
    /// Every case the back office holds, newest first.
    pub(crate) fn all_cases(&self, now: DateTime<Utc>) -> Result<Vec<BackofficeCase>> {
        let storage = self;
        let store = storage.store();
        let flagged: Vec<(String, i64, String)> = storage.read(|x| {
            let mut stmt = x
                .sql()
                .prepare("SELECT device_id, seq, flag FROM srv_flags ORDER BY device_id, seq")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut out = Vec::new();
        for summary in store.read(|v| v.cases())? {
            let file = store.read(|v| v.case_file(summary.id))?;
            let received: BTreeSet<Hash> = file
                .evidence
                .iter()
                .filter(|e| file.uploads.contains_key(&e.id))
                .map(|e| e.original.sha256)
                .collect();
            // The same rules as the phone's `check_case`, the clock's among them.
            let (timeline, anchors) = store.read(|v| v.case_timeline(summary.id))?;
            let mut findings = rules::completeness(&file, now);
            findings.extend(rules::clock_finding(&rules::clock_flags(
                &timeline, &anchors,
            )));
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
            let events: HashSet<(String, i64)> = store
                .read(|v| v.journal_for_case(summary.id))?
                .iter()
                .map(|e| (e.device_id.to_string(), e.seq as i64))
                .collect();
            let flags: Vec<serde_json::Value> = flagged
                .iter()
                .filter(|(d, seq, _)| events.contains(&(d.clone(), *seq)))
                .map(|(d, seq, flag)| json!({"device_id": d, "seq": seq, "flag": flag}))
                .collect();
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

    /// The enrolled devices.
    pub(crate) fn enrolled_devices(&self) -> Result<Vec<DeviceInfo>> {
        let storage = self;
        storage.read(|x| {
            let mut stmt = x.sql().prepare(
                "SELECT device_id, officer, enrolled_at, revoked_at FROM srv_devices ORDER BY enrolled_at",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (id, officer, enrolled_at, revoked_at) = row?;
                Ok(DeviceInfo {
                    device_id: id
                        .parse()
                        .map_err(|_| ServerError::Internal("bad stored device".into()))?,
                    officer,
                    enrolled_at,
                    revoked_at,
                })
            })
            .collect()
        })
    }

    /// The incidents recorded, oldest first.
    pub(crate) fn kept_incidents(&self) -> Result<Vec<Incident>> {
        let storage = self;
        storage.read(|x| {
            let mut stmt = x
                .sql()
                .prepare("SELECT at, device_id, kind, detail FROM srv_incidents ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Incident {
                    at: r.get(0)?,
                    device_id: r.get(1)?,
                    kind: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Finds a case by 案号, id or unique id prefix.
    pub(crate) fn find_case(&self, key: &str) -> Result<CaseId> {
        let store = self.store();
        if let Some(id) = store.read(|v| v.case_by_no(key))? {
            return Ok(id);
        }
        store
            .read(|v| v.resolve(Table::Cases, key))
            .ok()
            .and_then(|id| id.parse().ok())
            .ok_or(ServerError::NotFound("unknown_case"))
    }
}

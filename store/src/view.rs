//! Reading the store: cases, records, slots, evidence, the case file the rules look at, the
//! journal rows, the keys trusted, and id-prefix resolution — all as typed queries on a `View`.
//!
//! A `View` is the committed state (`Store::read`) or the state inside a write transaction (the
//! `build` closure of `Store::append`), so a check and the write it guards see the same rows.
//! Reads never change anything. Rows are turned back into model types here; a row that cannot
//! be read back (which only tampering or a bug produces) is an error, never a silent skip.

use std::collections::BTreeMap;

use casetrail_model::{
    BackofficeDecision, Case, CaseDraft, CaseFile, CaseId, CaseStage, CaseStatus, DeviceId,
    EvidenceId, EvidenceItem, FindingKey, Override, Record, RecordBody, RecordId, RecordKind,
    RecordStatus, SignatureSlot, SlotEntry, SlotId, SlotSpec, StatusChange,
};
use casetrail_protocol::Hash;
use casetrail_protocol::journal::{StoredEvent, TrustedKeys};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Error, Result, corrupt};

/// Typed reads of the store, on the committed state or inside a write.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub(crate) conn: &'a Connection,
}

/// The tables whose ids can be given by prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Cases.
    Cases,
    /// Records.
    Records,
    /// Evidence items.
    Evidence,
}

impl Table {
    /// (what, table, column): `what` names the thing in errors.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Table::Cases => ("case", "cases", "case_id"),
            Table::Records => ("record", "records", "record_id"),
            Table::Evidence => ("evidence", "evidence", "evidence_id"),
        }
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt("time"))
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| corrupt("id"))
}

/// Journal rows in storage order, all of them or those of one case.
fn journal_rows(conn: &Connection, case: Option<CaseId>) -> Result<Vec<StoredEvent>> {
    let sql = match case {
        None => {
            "SELECT pos, device_id, seq, header, body, sig_alg, signature, event_hash FROM journal ORDER BY pos"
        }
        Some(_) => {
            "SELECT pos, device_id, seq, header, body, sig_alg, signature, event_hash FROM journal
                    WHERE case_id = ?1 OR kind = 'device.genesis' ORDER BY pos"
        }
    };
    let mut stmt = conn.prepare(sql)?;
    let rows = match case {
        None => stmt
            .query_map([], stored_event)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        Some(c) => stmt
            .query_map(params![c.to_string()], stored_event)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

/// A journal row (`pos, device_id, seq, header, body, sig_alg, signature, event_hash`). A
/// tampered device, seq or hash column is reported by `verify` as an index mismatch; the row is
/// kept readable (nil id, zero hash) rather than failing the whole read.
pub(crate) fn stored_event(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        pos: r.get(0)?,
        device_id: r.get::<_, String>(1)?.parse().unwrap_or_default(),
        seq: r.get::<_, i64>(2)?.max(0) as u64,
        header: r.get(3)?,
        body: r.get(4)?,
        sig_alg: r.get(5)?,
        signature: r.get(6)?,
        event_hash: Hash::from_slice(&r.get::<_, Vec<u8>>(7)?).unwrap_or(Hash::ZERO),
    })
}

/// The keys this store trusts.
fn trusted_keys(conn: &Connection) -> Result<TrustedKeys> {
    let mut keys = TrustedKeys::new();
    let mut stmt = conn.prepare("SELECT device_id, public_key, role FROM devices")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (id, key, role) = row?;
        let device: DeviceId = parse_id(&id)?;
        keys.insert(device, key_of(&key)?)
            .map_err(|e| Error::Crypto(e.to_string()))?;
        // The back office shows a phone other cases' events as stubs.
        if role == "server" {
            keys.allow_stubs(device);
        }
    }
    Ok(keys)
}

/// One line of the case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// Case id.
    pub id: CaseId,
    /// 案号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// Stage.
    pub stage: CaseStage,
    /// Status.
    pub status: CaseStatus,
    /// Opened at.
    pub opened_at: DateTime<Utc>,
}

impl CaseSummary {
    /// The list line of a case already read.
    pub fn of(case: &Case) -> Self {
        Self {
            id: case.id,
            case_no: case.info.case_no.clone(),
            title: case.info.title.clone(),
            stage: case.stage(),
            status: case.status,
            opened_at: case.opened_at,
        }
    }
}

/// The case list, newest first: answered from the `cases_list` index alone (migration 007).
const LIST_CASES: &str = "SELECT case_id, case_no, title, status, opened_at FROM cases
     ORDER BY opened_at DESC, case_id";

fn list_cases(conn: &Connection) -> Result<Vec<CaseSummary>> {
    let mut stmt = conn.prepare(LIST_CASES)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (id, case_no, title, status, opened_at) = row?;
        let status = CaseStatus::parse(&status).ok_or_else(|| corrupt("status"))?;
        Ok(CaseSummary {
            id: parse_id(&id)?,
            case_no,
            title,
            stage: status.stage(),
            status,
            opened_at: parse_time(&opened_at)?,
        })
    })
    .collect()
}

fn load_case(conn: &Connection, id: CaseId) -> Result<Case> {
    let row = conn
        .query_row(
            "SELECT status, opened_at, opened_by, draft FROM cases WHERE case_id = ?1",
            params![id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "case",
            id: id.to_string(),
        })?;
    let (status, opened_at, opened_by, draft) = row;
    let info: CaseDraft = serde_json::from_str(&draft).map_err(|_| corrupt("case"))?;
    Ok(Case {
        id,
        info,
        status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        opened_at: parse_time(&opened_at)?,
        opened_by: parse_id::<DeviceId>(&opened_by)?,
    })
}

const RECORD_COLUMNS: &str =
    "record_id, case_id, kind, version, status, content, content_hash, created_at,
                              finalized_at, void_reason, device_id";

type RecordRow = (
    String,
    String,
    String,
    i64,
    String,
    String,
    Vec<u8>,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn record_row(r: &Row<'_>) -> rusqlite::Result<RecordRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

fn record_from_row(conn: &Connection, row: RecordRow) -> Result<Record> {
    let (
        id,
        case_id,
        kind,
        version,
        status,
        content,
        hash,
        created_at,
        finalized_at,
        void_reason,
        device,
    ) = row;
    let kind = RecordKind::parse(&kind).ok_or_else(|| corrupt("record kind"))?;
    let status = match status.as_str() {
        "draft" => RecordStatus::Draft,
        "finalized" => RecordStatus::Finalized,
        "void" => RecordStatus::Void,
        _ => return Err(corrupt("record status")),
    };
    let id: RecordId = parse_id(&id)?;
    Ok(Record {
        id,
        case_id: parse_id(&case_id)?,
        kind,
        version: version as u32,
        status,
        body: RecordBody::from_json(kind, &content).map_err(|_| corrupt("record body"))?,
        content,
        content_hash: Hash::from_slice(&hash).ok_or_else(|| corrupt("content hash"))?,
        created_at: parse_time(&created_at)?,
        finalized_at: finalized_at.as_deref().map(parse_time).transpose()?,
        void_reason,
        device_id: parse_id(&device)?,
        slots: load_slots(conn, id, version as u32)?,
    })
}

fn load_record(conn: &Connection, id: RecordId) -> Result<Record> {
    let row = conn
        .query_row(
            &format!("SELECT {RECORD_COLUMNS} FROM records WHERE record_id = ?1"),
            params![id.to_string()],
            record_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "record",
            id: id.to_string(),
        })?;
    record_from_row(conn, row)
}

fn load_records(conn: &Connection, case: CaseId) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RECORD_COLUMNS} FROM records WHERE case_id = ?1 ORDER BY created_at, record_id"
    ))?;
    let rows = stmt
        .query_map(params![case.to_string()], record_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|row| record_from_row(conn, row))
        .collect()
}

/// The slots of one version of a record.
fn load_slots(conn: &Connection, record: RecordId, version: u32) -> Result<Vec<SignatureSlot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT slot_id, spec, history FROM signature_slots WHERE record_id = ?1 AND version = ?2 ORDER BY ordinal",
    )?;
    let rows = stmt
        .query_map(params![record.to_string(), version], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, spec, history)| {
            Ok(SignatureSlot {
                id: parse_id::<SlotId>(&id)?,
                record_id: record,
                version,
                spec: serde_json::from_str::<SlotSpec>(&spec).map_err(|_| corrupt("slot"))?,
                history: serde_json::from_str::<Vec<SlotEntry>>(&history)
                    .map_err(|_| corrupt("slot history"))?,
            })
        })
        .collect()
}

/// One version of a record, for the history view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordVersion {
    /// Version number.
    pub version: u32,
    /// Body JSON as stored.
    pub content: String,
    /// Its hash.
    pub content_hash: Hash,
    /// Why it was made ('' for the first).
    pub reason: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// The versions of a record, oldest first.
fn record_versions(conn: &Connection, id: RecordId) -> Result<Vec<RecordVersion>> {
    let mut stmt = conn.prepare(
        "SELECT version, content, content_hash, reason, recorded_at FROM record_versions WHERE record_id = ?1 ORDER BY version",
    )?;
    let rows = stmt
        .query_map(params![id.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(v, content, h, reason, at)| {
            Ok(RecordVersion {
                version: v as u32,
                content,
                content_hash: Hash::from_slice(&h).ok_or_else(|| corrupt("hash"))?,
                reason,
                recorded_at: parse_time(&at)?,
            })
        })
        .collect()
}

/// How many of the ids an ambiguous prefix matches are named in the error.
pub const MAX_CANDIDATES: usize = 10;

/// Resolves a full id or a unique prefix of one in `table`'s `column`; an ambiguous prefix
/// names the first `MAX_CANDIDATES` ids it matches, so the user can pick one.
fn resolve_prefix(conn: &Connection, table: Table, prefix: &str) -> Result<String> {
    let (what, table, column) = table.names();
    let prefix = prefix.trim().to_lowercase();
    let ok = !prefix.is_empty()
        && prefix.len() <= 36
        && prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !ok {
        return Err(Error::NotFound { what, id: prefix });
    }
    // SAFETY (SQL built with format!): table and column are the constants of `Table::names`.
    let sql = format!(
        "SELECT {column} FROM {table} WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column} LIMIT {MAX_CANDIDATES}"
    );
    let upper = format!("{prefix}\u{10FFFF}");
    let found: Vec<String> = conn
        .prepare(&sql)?
        .query_map(params![prefix, upper], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        0 => Err(Error::NotFound { what, id: prefix }),
        1 => Ok(found.into_iter().next().unwrap_or_default()),
        _ => {
            let count: i64 = conn.query_row(
                &format!("SELECT count(*) FROM {table} WHERE {column} >= ?1 AND {column} < ?2"),
                params![prefix, upper],
                |r| r.get(0),
            )?;
            Err(Error::Ambiguous {
                what,
                prefix,
                count: count as usize,
                candidates: found,
            })
        }
    }
}

/// Every projection table, sorted, one string per row (not the journal, the sync books, the
/// back office's tables or forms in progress: none of them is rebuilt from the journal).
pub(crate) fn dump_projections(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT IN ('journal', 'meta', 'devices', 'form_drafts') AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'sync_%' AND name NOT LIKE 'srv_%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for table in tables {
        // SAFETY (SQL built with format!): table names come from sqlite_master of our own schema.
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::with_capacity(n);
                for i in 0..n {
                    cells.push(format!("{:?}", r.get_ref(i)?));
                }
                Ok(cells.join("|"))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort();
        out.push((table, rows));
    }
    Ok(out)
}

/// The status changes of a case, oldest first.
fn status_changes(conn: &Connection, case: CaseId) -> Result<Vec<StatusChange>> {
    let mut stmt = conn.prepare(
        "SELECT at, from_status, to_status, reason FROM case_status_history WHERE case_id = ?1 ORDER BY pos",
    )?;
    let rows = stmt
        .query_map(params![case.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(at, from, to, reason)| {
            Ok(StatusChange {
                at: parse_time(&at)?,
                from: CaseStatus::parse(&from).ok_or_else(|| corrupt("status"))?,
                to: CaseStatus::parse(&to).ok_or_else(|| corrupt("status"))?,
                reason,
            })
        })
        .collect()
}

/// The approved overrides of a case, oldest first.
fn overrides(conn: &Connection, case: CaseId) -> Result<Vec<Override>> {
    let mut stmt =
        conn.prepare("SELECT at, findings, reason, approval_record FROM overrides WHERE case_id = ?1 ORDER BY pos")?;
    let rows = stmt
        .query_map(params![case.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(at, findings, reason, approval)| {
            Ok(Override {
                findings: serde_json::from_str::<Vec<FindingKey>>(&findings)
                    .map_err(|_| corrupt("override"))?,
                reason,
                approval_record: parse_id(&approval)?,
                at: parse_time(&at)?,
            })
        })
        .collect()
}

/// An evidence item with the details of its capture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    /// The item.
    pub item: EvidenceItem,
    /// EXIF summary, watermark outcome, original name.
    pub details: serde_json::Value,
}

fn evidence_rows(conn: &Connection, sql: &str, param: String) -> Result<Vec<EvidenceRow>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map(params![param], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(item, details)| {
            Ok(EvidenceRow {
                item: serde_json::from_str(&item).map_err(|_| corrupt("evidence"))?,
                details: serde_json::from_str(&details).map_err(|_| corrupt("evidence details"))?,
            })
        })
        .collect()
}

/// The evidence of a case, oldest first.
fn case_evidence(conn: &Connection, case: CaseId) -> Result<Vec<EvidenceRow>> {
    evidence_rows(
        conn,
        "SELECT item, details FROM evidence WHERE case_id = ?1 ORDER BY pos",
        case.to_string(),
    )
}

/// One evidence item.
fn evidence(conn: &Connection, id: EvidenceId) -> Result<EvidenceRow> {
    evidence_rows(
        conn,
        "SELECT item, details FROM evidence WHERE evidence_id = ?1",
        id.to_string(),
    )?
    .pop()
    .ok_or_else(|| Error::NotFound {
        what: "evidence",
        id: id.to_string(),
    })
}

/// The whole case file the rules look at.
fn case_file(conn: &Connection, case: CaseId) -> Result<CaseFile> {
    Ok(CaseFile {
        case: load_case(conn, case)?,
        records: load_records(conn, case)?,
        evidence: case_evidence(conn, case)?
            .into_iter()
            .map(|r| r.item)
            .collect(),
        status_changes: status_changes(conn, case)?,
        overrides: overrides(conn, case)?,
        uploads: uploads(conn, case)?,
        backoffice: backoffice_decisions(conn, case)?,
    })
}

/// When the back office acknowledged each evidence item's original (its media receipt).
fn uploads(conn: &Connection, case: CaseId) -> Result<BTreeMap<EvidenceId, DateTime<Utc>>> {
    let mut out = BTreeMap::new();
    for row in case_evidence(conn, case)? {
        let receipt: Option<String> = conn
            .prepare_cached("SELECT receipt FROM sync_media WHERE sha256 = ?1")?
            .query_row([row.item.original.sha256.as_bytes().as_slice()], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        let Some(receipt) = receipt else { continue };
        let receipt: casetrail_protocol::wire::MediaReceipt = serde_json::from_str(&receipt)?;
        if let Ok(at) = DateTime::parse_from_rfc3339(&receipt.received_at) {
            out.insert(row.item.id, at.with_timezone(&Utc));
        }
    }
    Ok(out)
}

/// The back office's decisions on a case, oldest first.
fn backoffice_decisions(conn: &Connection, case: CaseId) -> Result<Vec<BackofficeDecision>> {
    let bodies: Vec<String> = conn
        .prepare_cached(
            "SELECT body FROM backoffice_events WHERE case_id = ?1 AND kind = 'backoffice.decided'
             ORDER BY pos",
        )?
        .query_map([case.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    bodies
        .iter()
        .map(|b| {
            let e: casetrail_protocol::events::v1::BackofficeDecided = serde_json::from_str(b)?;
            BackofficeDecision::try_from(&e.decision).map_err(|_| corrupt("decision"))
        })
        .collect()
}

impl<'a> View<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Self { conn }
    }

    /// Every case, newest first.
    pub fn cases(&self) -> Result<Vec<CaseSummary>> {
        list_cases(self.conn)
    }

    /// One case.
    pub fn case(&self, id: CaseId) -> Result<Case> {
        load_case(self.conn, id)
    }

    /// The case with this 案号, if any.
    pub fn case_by_no(&self, case_no: &str) -> Result<Option<CaseId>> {
        self.conn
            .query_row(
                "SELECT case_id FROM cases WHERE case_no = ?1",
                params![case_no],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|id| parse_id(&id))
            .transpose()
    }

    /// One record (current version, with the slots of that version).
    pub fn record(&self, id: RecordId) -> Result<Record> {
        load_record(self.conn, id)
    }

    /// Every record of a case, oldest first.
    pub fn records(&self, case: CaseId) -> Result<Vec<Record>> {
        load_records(self.conn, case)
    }

    /// Every version of a record, oldest first.
    pub fn record_versions(&self, id: RecordId) -> Result<Vec<RecordVersion>> {
        record_versions(self.conn, id)
    }

    /// The whole case file the rules look at.
    pub fn case_file(&self, case: CaseId) -> Result<CaseFile> {
        case_file(self.conn, case)
    }

    /// The evidence of a case, oldest first.
    pub fn evidence(&self, case: CaseId) -> Result<Vec<EvidenceRow>> {
        case_evidence(self.conn, case)
    }

    /// One evidence item with its capture details.
    pub fn evidence_item(&self, id: EvidenceId) -> Result<EvidenceRow> {
        evidence(self.conn, id)
    }

    /// Every evidence item held, of every case, in journal order.
    pub fn all_evidence(&self) -> Result<Vec<EvidenceItem>> {
        let items: Vec<String> = self
            .conn
            .prepare_cached("SELECT item FROM evidence ORDER BY pos")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        items
            .iter()
            .map(|json| serde_json::from_str(json).map_err(|_| corrupt("evidence")))
            .collect()
    }

    /// Resolves a full id or a unique prefix of one.
    pub fn resolve(&self, table: Table, prefix: &str) -> Result<String> {
        resolve_prefix(self.conn, table, prefix)
    }

    /// Every stored event in storage order.
    pub fn journal(&self) -> Result<Vec<StoredEvent>> {
        journal_rows(self.conn, None)
    }

    /// The clocks of the events that name `case`, each with its chain's previous event's, and
    /// every skew the devices observed at a sync: what `rules::clock_flags` judges. A row whose
    /// header does not parse is left out (`verify` names it).
    pub fn case_timeline(
        &self,
        case: CaseId,
    ) -> Result<(
        Vec<casetrail_rules::TimedEvent>,
        Vec<casetrail_rules::SkewAnchor>,
    )> {
        use casetrail_protocol::events::v1::Event;
        use casetrail_protocol::journal::EventHeader;
        let clocks = |bytes: &[u8]| EventHeader::parse_canonical(bytes).ok().map(|h| h.at);
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.device_id, j.seq, j.header, p.header FROM journal j
             LEFT JOIN journal p ON p.device_id = j.device_id AND p.seq = j.seq - 1
             WHERE j.case_id = ?1 ORDER BY j.pos",
        )?;
        let rows = stmt
            .query_map(params![case.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let timeline = rows
            .into_iter()
            .filter_map(|(device, seq, header, prev)| {
                Some(casetrail_rules::TimedEvent {
                    device: device.parse().ok()?,
                    seq: seq.max(0) as u64,
                    at: clocks(&header)?,
                    prev: prev.as_deref().and_then(clocks),
                })
            })
            .collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, seq, header, body FROM journal WHERE kind = 'device.clock_skew' ORDER BY pos",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let anchors = rows
            .into_iter()
            .filter_map(|(device, seq, header, body)| {
                let Ok(Some(Event::ClockSkewObserved(skew))) =
                    Event::parse("device.clock_skew", &body)
                else {
                    return None;
                };
                Some(casetrail_rules::SkewAnchor {
                    device: device.parse().ok()?,
                    seq: seq.max(0) as u64,
                    at: clocks(&header)?,
                    skew_ms: skew.skew_ms,
                })
            })
            .collect();
        Ok((timeline, anchors))
    }

    /// The events that name `case` (and the genesis events), in storage order.
    pub fn journal_for_case(&self, case: CaseId) -> Result<Vec<StoredEvent>> {
        journal_rows(self.conn, Some(case))
    }

    /// The events of `device`'s chain after `after_seq`, in seq order, at most `limit`.
    pub fn chain(
        &self,
        device: DeviceId,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT pos, device_id, seq, header, body, sig_alg, signature, event_hash FROM journal
             WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(
                params![device.to_string(), after_seq as i64, limit as i64],
                stored_event,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The highest seq of `device`'s chain held here (0 if none).
    pub fn chain_seq(&self, device: DeviceId) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM journal WHERE device_id = ?1",
            params![device.to_string()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// How many events the journal holds.
    pub fn journal_len(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM journal", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Every event's position and hash, in storage order (the back office's log checks it
    /// holds a leaf for each).
    pub fn journal_index(&self) -> Result<Vec<(i64, Hash)>> {
        let rows: Vec<(i64, Vec<u8>)> = self
            .conn
            .prepare("SELECT pos, event_hash FROM journal ORDER BY pos")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(pos, h)| {
                Ok((
                    pos,
                    Hash::from_slice(&h).ok_or_else(|| corrupt("event hash"))?,
                ))
            })
            .collect()
    }

    /// The keys this store trusts.
    pub fn trusted_keys(&self) -> Result<TrustedKeys> {
        trusted_keys(self.conn)
    }

    /// The key this store's own chain signs with, once recorded.
    pub fn own_key(&self) -> Result<Option<VerifyingKey>> {
        let key: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT public_key FROM devices WHERE role = 'self'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        key.map(|k| key_of(&k)).transpose()
    }

    /// Whether `device` is trusted here as a peer (a phone enrolled with this back office).
    pub fn is_peer(&self, device: DeviceId) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM devices WHERE device_id = ?1 AND role = 'peer'",
                params![device.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Whether this store is the back office's.
    pub fn is_backoffice(&self) -> Result<bool> {
        is_backoffice(self.conn)
    }
}

impl View<'_> {
    /// What the rule of who may write needs to know of a case, if it is held: its status, the
    /// officers on it now (the back office's latest assignment, else those named at opening).
    pub fn case_standing(&self, case: CaseId) -> Result<Option<casetrail_rules::CaseStanding>> {
        let status: Option<String> = self
            .conn
            .prepare_cached("SELECT status FROM cases WHERE case_id = ?1")?
            .query_row(params![case.to_string()], |r| r.get(0))
            .optional()?;
        let Some(status) = status else {
            return Ok(None);
        };
        let status = CaseStatus::parse(&status).ok_or_else(|| corrupt("status"))?;
        let certs = |sql: &str| -> Result<Vec<String>> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_map(params![case.to_string()], |r| r.get::<_, Option<String>>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect())
        };
        let named = certs(
            "SELECT json_extract(o.value, '$.cert_no') FROM cases c, json_each(c.draft, '$.officers') o
             WHERE c.case_id = ?1",
        )?;
        let assignment: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT body FROM backoffice_events WHERE case_id = ?1
                 AND kind = 'backoffice.case_assigned' ORDER BY pos DESC LIMIT 1",
            )?
            .query_row(params![case.to_string()], |r| r.get(0))
            .optional()?;
        let (officers, assigned) = match assignment {
            Some(_) => (
                certs(
                    "SELECT o.value FROM (SELECT body FROM backoffice_events WHERE case_id = ?1
                       AND kind = 'backoffice.case_assigned' ORDER BY pos DESC LIMIT 1) b,
                     json_each(b.body, '$.officers') o",
                )?,
                true,
            ),
            None => (named.clone(), false),
        };
        Ok(Some(casetrail_rules::CaseStanding {
            status,
            officers,
            assigned,
            named,
        }))
    }

    /// The size `device`'s own signed capture event gives a file, if one names it.
    pub fn signed_file_size(&self, device: DeviceId, sha256: &Hash) -> Result<Option<u64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT size FROM evidence_files WHERE device_id = ?1 AND sha256 = ?2 LIMIT 1",
            )?
            .query_row(params![device.to_string(), sha256.to_hex()], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .map(|s| s.max(0) as u64))
    }

    /// The device that made a record, if the record is held.
    pub fn record_owner(&self, record: RecordId) -> Result<Option<DeviceId>> {
        self.conn
            .prepare_cached("SELECT device_id FROM records WHERE record_id = ?1")?
            .query_row(params![record.to_string()], |r| r.get::<_, String>(0))
            .optional()?
            .map(|d| parse_id(&d))
            .transpose()
    }

    /// The certificate number a signature slot is for, if it is an officer's.
    pub fn slot_officer(&self, slot: SlotId) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT json_extract(spec, '$.cert_no') FROM signature_slots WHERE slot_id = ?1",
            )?
            .query_row(params![slot.to_string()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Who writes the next event of `device`'s chain here, by its role in this store: this
    /// store's own chain (the back office, or a phone as the officer it is enrolled for), the
    /// back office's chain on a phone, a peer as its officer.
    pub fn actor_of(&self, device: DeviceId) -> Result<casetrail_rules::Actor> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT role, officer FROM devices WHERE device_id = ?1")?
            .query_row(params![device.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let actor = match row {
            Some((role, _)) if role == "server" => casetrail_rules::Actor::BackOffice,
            Some((role, _)) if role == "self" && is_backoffice(self.conn)? => {
                casetrail_rules::Actor::BackOffice
            }
            Some((role, _)) if role == "self" => casetrail_rules::Actor::Device {
                device,
                officer: self.enrolment()?.map(|e| e.officer),
            },
            Some((_, officer)) => casetrail_rules::Actor::Device { device, officer },
            None => casetrail_rules::Actor::Device {
                device,
                officer: None,
            },
        };
        Ok(actor)
    }
}

/// The store's tables as the rule of who may write sees them. A read that fails counts as
/// "not held", which refuses the write: the rule fails closed.
impl casetrail_rules::CaseIndex for View<'_> {
    fn standing(&self, case: CaseId) -> Option<casetrail_rules::CaseStanding> {
        self.case_standing(case).ok().flatten()
    }

    fn record_owner(&self, record: RecordId) -> Option<DeviceId> {
        View::record_owner(self, record).ok().flatten()
    }

    fn slot_officer(&self, slot: SlotId) -> Option<String> {
        View::slot_officer(self, slot).ok().flatten()
    }
}

/// Whether the store is marked as the back office's.
pub(crate) fn is_backoffice(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM meta WHERE key = 'backoffice'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A public key as stored.
pub(crate) fn key_of(bytes: &[u8]) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| corrupt("public key"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| corrupt("public key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The case list never reads the case rows (each carries its whole draft): after five years
    /// they are a thousand pages, read one by one on a cold start (issue 13).
    #[test]
    fn the_case_list_is_read_from_its_covering_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("t.db")).unwrap();
        let plan: Vec<String> = store
            .inspect(|c| {
                c.prepare(&format!("EXPLAIN QUERY PLAN {LIST_CASES}"))?
                    .query_map([], |r| r.get::<_, String>(3))?
                    .collect()
            })
            .unwrap();
        assert_eq!(
            plan,
            ["SCAN cases USING COVERING INDEX cases_list"],
            "{plan:?}"
        );
    }
}

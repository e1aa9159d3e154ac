//! Forms in progress: the fields an inspector has typed so far into a record's form, kept so a
//! form survives the app being killed between two edits. Not evidence: nothing here is signed,
//! journaled or synced, and a draft may be overwritten and removed — once it is saved as a
//! record (the journal then holds it) or discarded by its author.
//!
//! Guarantees: each save is one durable transaction (the store's `synchronous=FULL`), so a
//! save that returned is there after kill -9 or power loss; a save that did not return left the
//! previous one whole.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use casetrail_protocol::{CaseId, RecordId};

use crate::error::{Result, corrupt};
use crate::projection::ts;
use crate::{Store, View};

/// A form in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormDraft {
    /// Its id (a UUID).
    pub id: String,
    /// The case.
    pub case_id: CaseId,
    /// The record kind's code.
    pub kind: String,
    /// The record it amends, when it is an amendment.
    pub record_id: Option<RecordId>,
    /// The fields as typed so far, `(path, value)`, right or wrong: a draft keeps what the
    /// inspector entered even when it does not pass yet.
    pub entries: Vec<(String, serde_json::Value)>,
    /// First saved.
    pub created_at: DateTime<Utc>,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "draft_id, case_id, kind, record_id, entries, created_at, updated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[String; 7]> {
    Ok([
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ])
}

fn draft(cols: [String; 7]) -> Result<FormDraft> {
    let [
        id,
        case_id,
        kind,
        record_id,
        entries,
        created_at,
        updated_at,
    ] = cols;
    let time = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| corrupt("form_drafts time"))
    };
    Ok(FormDraft {
        case_id: case_id
            .parse()
            .map_err(|_| corrupt("form_drafts case_id"))?,
        record_id: if record_id.is_empty() {
            None
        } else {
            Some(
                record_id
                    .parse()
                    .map_err(|_| corrupt("form_drafts record_id"))?,
            )
        },
        entries: serde_json::from_str(&entries).map_err(|_| corrupt("form_drafts entries"))?,
        created_at: time(&created_at)?,
        updated_at: time(&updated_at)?,
        id,
        kind,
    })
}

impl View<'_> {
    /// The draft `id`, if it is there.
    pub fn form_draft(&self, id: &str) -> Result<Option<FormDraft>> {
        let cols = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM form_drafts WHERE draft_id = ?1"),
                params![id],
                row,
            )
            .optional()?;
        cols.map(draft).transpose()
    }

    /// The drafts of a case, most recently saved first.
    pub fn form_drafts(&self, case: CaseId) -> Result<Vec<FormDraft>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM form_drafts WHERE case_id = ?1 ORDER BY updated_at DESC, draft_id"
        ))?;
        let rows = stmt
            .query_map(params![case.to_string()], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(draft).collect()
    }
}

impl Store {
    /// Saves `draft` (creating it or replacing its fields), durably.
    pub fn save_form_draft(&self, draft: &FormDraft) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO form_drafts (draft_id, case_id, kind, record_id, entries, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (draft_id) DO UPDATE SET entries = excluded.entries, updated_at = excluded.updated_at",
                params![
                    draft.id,
                    draft.case_id.to_string(),
                    draft.kind,
                    draft.record_id.map(|r| r.to_string()),
                    serde_json::to_string(&draft.entries)?,
                    ts(draft.created_at),
                    ts(draft.updated_at),
                ],
            )?;
            Ok(())
        })
    }

    /// Removes the draft `id` (saved as a record, or discarded); true if it was there.
    pub fn remove_form_draft(&self, id: &str) -> Result<bool> {
        self.write(|tx| remove(tx, id))
    }
}

/// Removes the draft `id` in `tx`; true if it was there.
pub(crate) fn remove(tx: &rusqlite::Transaction<'_>, id: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM form_drafts WHERE draft_id = ?1", params![id])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_saved_replaced_listed_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ws.db")).unwrap();
        let case = CaseId::new();
        let t0 = DateTime::parse_from_rfc3339("2026-12-03T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut d = FormDraft {
            id: "d1".into(),
            case_id: case,
            kind: "inquiry_record".into(),
            record_id: None,
            entries: vec![("place".into(), serde_json::json!("3"))],
            created_at: t0,
            updated_at: t0,
        };
        store.save_form_draft(&d).unwrap();
        d.entries = vec![("place".into(), serde_json::json!("301"))];
        d.updated_at = t0 + chrono::Duration::seconds(5);
        store.save_form_draft(&d).unwrap();
        let held = store.read(|v| v.form_draft("d1")).unwrap().unwrap();
        assert_eq!(
            held, d,
            "the second save replaced the fields, kept created_at"
        );
        assert_eq!(store.read(|v| v.form_drafts(case)).unwrap(), vec![d]);
        assert!(store.remove_form_draft("d1").unwrap());
        assert!(!store.remove_form_draft("d1").unwrap());
        assert!(store.read(|v| v.form_drafts(case)).unwrap().is_empty());
    }
}

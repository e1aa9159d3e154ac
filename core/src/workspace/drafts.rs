//! Forms in progress: an app saves what the inspector typed on every change, so a form
//! survives the app being killed or the phone dying mid-inquiry; reopening the case shows it.
//! A draft is not evidence — nothing is journaled until the inspector saves it as a record.
//!
//! Guarantees: a draft is saved even when its fields do not pass yet (a date half typed), and
//! the answer says what does not pass, every problem by its path; saving it as a record checks
//! it in full, and the record is written and the draft removed in one transaction — so a form
//! is never saved twice, whatever moment the phone dies.

use super::Workspace;
use crate::error::{Error, Result};
use crate::model::{CaseId, Record, RecordId, RecordKind, ValidationCode, ValidationError};
use crate::rules::{self, FormEntry};
use crate::store::FormDraft;

/// A draft as saved, with what does not pass yet.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedDraft {
    /// The draft.
    pub draft: FormDraft,
    /// Every problem of its fields now, by path (empty when it would save as a record).
    /// Required fields left empty are not among them: they are a finalize-time rule.
    pub problems: Vec<ValidationError>,
}

/// What a draft is for: a new record of a kind in a case, or a new version of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftTarget {
    /// A new record.
    New {
        /// The case.
        case_id: CaseId,
        /// Its kind.
        kind: RecordKind,
    },
    /// An amendment of this record.
    Amend(RecordId),
}

fn problems(kind: RecordKind, entries: &[FormEntry]) -> Vec<ValidationError> {
    match rules::body_from_entries(kind, entries) {
        Ok(_) => Vec::new(),
        Err(e) => e.flattened(),
    }
}

impl Workspace {
    /// Saves a form in progress: a new draft when `id` is `None`, else the draft `id` with
    /// these fields. The case must be open for writing and an amended record must be this
    /// device's and not void; the fields themselves may still be wrong.
    pub fn save_form_draft(
        &self,
        id: Option<&str>,
        target: DraftTarget,
        entries: Vec<FormEntry>,
    ) -> Result<SavedDraft> {
        let now = self.ledger.now().utc;
        let (case_id, kind, record_id) = match target {
            DraftTarget::New { case_id, kind } => (case_id, kind, None),
            DraftTarget::Amend(rid) => {
                let record = self.record(rid)?;
                self.owned(&record)?;
                if record.status == crate::model::RecordStatus::Void {
                    return Err(Error::state("record_void"));
                }
                (record.case_id, record.kind, Some(rid))
            }
        };
        super::writable(&self.case(case_id)?)?;
        let existing = match id {
            Some(id) => Some(self.form_draft(id)?),
            None => None,
        };
        if let Some(d) = &existing {
            if d.case_id != case_id || d.kind != kind.as_str() || d.record_id != record_id {
                return Err(Error::invalid("draft", ValidationCode::Inconsistent));
            }
        }
        let draft = FormDraft {
            id: existing
                .as_ref()
                .map_or_else(|| uuid::Uuid::now_v7().to_string(), |d| d.id.clone()),
            case_id,
            kind: kind.as_str().to_owned(),
            record_id,
            entries,
            created_at: existing.as_ref().map_or(now, |d| d.created_at),
            updated_at: now,
        };
        self.store().save_form_draft(&draft)?;
        Ok(SavedDraft {
            problems: problems(kind, &draft.entries),
            draft,
        })
    }

    /// The draft `id`.
    pub fn form_draft(&self, id: &str) -> Result<FormDraft> {
        self.store()
            .read(|v| v.form_draft(id))?
            .ok_or_else(|| Error::not_found("form_draft", id))
    }

    /// The drafts of a case, most recently saved first, each with what does not pass yet.
    pub fn form_drafts(&self, case_id: CaseId) -> Result<Vec<SavedDraft>> {
        Ok(self
            .store()
            .read(|v| v.form_drafts(case_id))?
            .into_iter()
            .map(|draft| SavedDraft {
                problems: RecordKind::parse(&draft.kind)
                    .map(|k| problems(k, &draft.entries))
                    .unwrap_or_default(),
                draft,
            })
            .collect())
    }

    /// Throws a draft away (its author's choice: it was never evidence).
    pub fn discard_form_draft(&self, id: &str) -> Result<()> {
        if self.store().remove_form_draft(id)? {
            Ok(())
        } else {
            Err(Error::not_found("form_draft", id))
        }
    }

    /// Saves a draft as what it is for — a new record, or a new version of the record it
    /// amends (then with `reason`) — checked in full, every problem at once — and removes the
    /// draft in the same transaction.
    pub fn save_draft_as_record(&self, id: &str, reason: &str) -> Result<Record> {
        let draft = self.form_draft(id)?;
        let kind = RecordKind::parse(&draft.kind)
            .ok_or_else(|| Error::invalid("kind", ValidationCode::NotAllowed))?;
        let body = rules::body_from_entries(kind, &draft.entries)?;
        let body = rules::parse_body(kind, &body)?;
        match draft.record_id {
            None => self.add_record_from(draft.case_id, body, Some(id)),
            Some(rid) => self.amend_record_from(rid, body, reason, Some(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::sample;
    use crate::workspace::tests::{fixture, t};

    fn entry(path: &str, value: Value) -> FormEntry {
        (path.to_owned(), value)
    }

    #[test]
    fn a_form_is_kept_while_wrong_and_saved_once_as_a_record() {
        let f = fixture();
        let case = f.ws.create_case(sample::case_draft("D-1")).unwrap();
        let target = DraftTarget::New {
            case_id: case.id,
            kind: RecordKind::InquiryRecord,
        };
        f.clock.set(t("2026-12-01T02:00:00Z"));
        let first =
            f.ws.save_form_draft(
                None,
                target,
                vec![entry("start_at", json!("2026-12-01 10"))],
            )
            .unwrap();
        assert_eq!(
            first
                .problems
                .iter()
                .map(|p| (p.field.as_str(), p.rule()))
                .collect::<Vec<_>>(),
            [("start_at", "invalid_date")],
            "kept although the date is half typed, and said so"
        );
        let id = first.draft.id.clone();
        f.clock.set(t("2026-12-01T02:00:05Z"));
        let second =
            f.ws.save_form_draft(
                Some(&id),
                target,
                vec![
                    entry("start_at", json!("2026-12-01T02:00:00Z")),
                    entry("place", json!("301")),
                    entry("qa[0].question", json!("贵单位2026年的营业收入是多少？")),
                ],
            )
            .unwrap();
        assert!(second.problems.is_empty(), "{:?}", second.problems);
        assert_eq!(second.draft.created_at, first.draft.created_at);
        let listed = f.ws.form_drafts(case.id).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].draft.entries.len(), 3);

        let record = f.ws.save_draft_as_record(&id, "").unwrap();
        assert!(
            record.content.contains("\"place\":\"301\""),
            "{}",
            record.content
        );
        assert!(
            f.ws.form_drafts(case.id).unwrap().is_empty(),
            "the draft went with it"
        );
        let again = f.ws.save_draft_as_record(&id, "").unwrap_err();
        assert!(matches!(
            again,
            Error::Store(crate::store::Error::NotFound { .. })
        ));
        assert_eq!(f.ws.records(case.id).unwrap().len(), 1, "saved once");
    }

    #[test]
    fn an_amendment_draft_needs_its_reason_and_keeps_the_draft_until_it_is_given() {
        let f = fixture();
        let case = f.ws.create_case(sample::case_draft("D-2")).unwrap();
        let body = crate::model::RecordBody::InquiryRecord(sample::inquiry_record(t(
            "2026-12-01T02:00:00Z",
        )));
        let record = f.ws.add_record(case.id, body).unwrap();
        let mut entries = rules::form_entries(
            RecordKind::InquiryRecord,
            &serde_json::from_str(&record.content).unwrap(),
        );
        entries.push(entry("place", json!("302 会议室")));
        let saved =
            f.ws.save_form_draft(None, DraftTarget::Amend(record.id), entries)
                .unwrap();
        let e = f.ws.save_draft_as_record(&saved.draft.id, " ").unwrap_err();
        assert!(
            matches!(e, Error::Store(crate::store::Error::Validation(_))),
            "{e:?}"
        );
        assert_eq!(
            f.ws.form_drafts(case.id).unwrap().len(),
            1,
            "kept on a refusal"
        );
        let amended =
            f.ws.save_draft_as_record(&saved.draft.id, "地点记错")
                .unwrap();
        assert_eq!(amended.version, 2);
        assert!(f.ws.form_drafts(case.id).unwrap().is_empty());
    }

    #[test]
    fn a_draft_cannot_change_what_it_is_for() {
        let f = fixture();
        let case = f.ws.create_case(sample::case_draft("D-3")).unwrap();
        let new = |kind| DraftTarget::New {
            case_id: case.id,
            kind,
        };
        let saved =
            f.ws.save_form_draft(None, new(RecordKind::InquiryRecord), vec![])
                .unwrap();
        let e =
            f.ws.save_form_draft(
                Some(&saved.draft.id),
                new(RecordKind::OnsiteInspectionRecord),
                vec![],
            )
            .unwrap_err();
        assert!(
            matches!(e, Error::Store(crate::store::Error::Validation(_))),
            "{e:?}"
        );
        f.ws.discard_form_draft(&saved.draft.id).unwrap();
        assert!(f.ws.discard_form_draft(&saved.draft.id).is_err());
    }
}

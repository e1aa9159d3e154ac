//! Retention (Art. 23): how long each evidence item must be kept, computed from the case.
//!
//! Routine audio/video is kept at least one year; audio/video used as evidence in a
//! general-procedure penalty case is kept permanently. Nothing may be purged before its time, a
//! permanent item never, and nothing at all while its case is still open (it may yet become a
//! penalty case). The core itself never deletes evidence; `may_purge` is the gate the archive's
//! housekeeping must pass.

use chrono::{DateTime, Months, Utc};
use serde::Serialize;

use super::cite::{Cite, measures};
use casetrail_model::{CaseFile, EvidenceItem, Procedure, RecordKind};

/// Retention classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionClass {
    /// Routine enforcement AV: at least one year.
    Routine,
    /// Used as evidence in a general-procedure penalty case: forever.
    Permanent,
}

/// An item's retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// Class.
    pub class: RetentionClass,
    /// Kept at least until then (`None` = forever).
    pub retain_until: Option<DateTime<Utc>>,
    /// Where it comes from.
    pub cite: Cite,
}

/// Whether the case is a general-procedure penalty case (a penalty decision stands).
pub fn is_general_penalty_case(file: &CaseFile) -> bool {
    file.case.info.procedure == Procedure::General && file.has(RecordKind::PenaltyDecision)
}

/// The retention of `item` in `file`.
pub fn retention(file: &CaseFile, item: &EvidenceItem) -> Retention {
    if is_general_penalty_case(file) && item.kind.counts_as_av_record() {
        Retention {
            class: RetentionClass::Permanent,
            retain_until: None,
            cite: measures(23),
        }
    } else {
        let until = item
            .captured_at
            .checked_add_months(Months::new(12))
            .unwrap_or(item.captured_at);
        Retention {
            class: RetentionClass::Routine,
            retain_until: Some(until),
            cite: measures(23),
        }
    }
}

/// Whether the archive may purge `item` at `now`: never for permanent items, never while the
/// case is open, never before the retention period ends, and never before the back office has
/// acknowledged the file.
pub fn may_purge(file: &CaseFile, item: &EvidenceItem, now: DateTime<Utc>) -> bool {
    let r = retention(file, item);
    file.case.status.is_ended()
        && file.uploads.contains_key(&item.id)
        && r.retain_until.is_some_and(|until| now >= until)
}

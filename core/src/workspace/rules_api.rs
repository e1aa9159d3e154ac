//! What the regulation says about a case right now: the completeness report, the deadlines,
//! retention, and the leader-approved overrides that let a case close despite a blocking
//! finding.

use chrono::{DateTime, Utc};

use super::Workspace;
use crate::error::{Error, Result};
use crate::model::bodies::ApprovalResult;
use crate::model::{
    CaseFile, CaseId, CaseStatus, FindingKey, RecordBody, RecordId, RecordKind, RecordStatus,
    ValidationCode,
};
use crate::protocol::events::v1::{self, Event};
use crate::rules::{self, Deadline, DeadlineState, Finding, WorkCalendar};

/// A deadline with its state at the time asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueItem {
    /// The deadline.
    #[serde(flatten)]
    pub deadline: Deadline,
    /// Its state.
    pub state: DeadlineState,
    /// The case number, for lists across cases.
    pub case_no: String,
}

impl Workspace {
    /// An empty body of `kind` for a case, with the defaults its form schema declares filled
    /// from the case (officers, party, place) and the workspace clock (never the device's
    /// `Utc::now()` directly), as the body's JSON: what a form opens with.
    pub fn form_defaults(&self, case_id: CaseId, kind: RecordKind) -> Result<serde_json::Value> {
        let case = self.case(case_id)?;
        Ok(rules::form_schema(kind).defaults(&case, self.ledger.now().utc))
    }

    /// The case file the rules look at.
    pub fn case_file(&self, id: CaseId) -> Result<CaseFile> {
        self.store().read(|v| Ok(v.case_file(id)?))
    }

    /// The completeness report of a case at `now`, and a warning when events of the case were
    /// recorded under a clock that was off (`rules::clock_flags`).
    pub fn check_case(&self, id: CaseId, now: DateTime<Utc>) -> Result<Vec<Finding>> {
        let (file, (timeline, anchors)) = self
            .store()
            .read(|v| Ok::<_, Error>((v.case_file(id)?, v.case_timeline(id)?)))?;
        let mut findings = rules::completeness(&file, now);
        findings.extend(rules::clock_finding(&rules::clock_flags(
            &timeline, &anchors,
        )));
        Ok(findings)
    }

    /// Every deadline of a case, with its state at `now`.
    pub fn deadlines(&self, id: CaseId, now: DateTime<Utc>) -> Result<Vec<DueItem>> {
        let file = self.case_file(id)?;
        Ok(rules::deadlines(&file, WorkCalendar::china())
            .into_iter()
            .map(|d| DueItem {
                state: d.state(now),
                deadline: d,
                case_no: file.case.info.case_no.clone(),
            })
            .collect())
    }

    /// The open deadlines (not met, not elapsed) of every case, soonest first.
    pub fn due(&self, now: DateTime<Utc>) -> Result<Vec<DueItem>> {
        let mut all = Vec::new();
        for case in self.list_cases()? {
            all.extend(
                self.deadlines(case.id, now)?
                    .into_iter()
                    .filter(|d| d.state.is_open()),
            );
        }
        all.sort_by_key(|d| d.deadline.due);
        Ok(all)
    }

    /// Records that a leader approved setting aside `findings` of a case, with the reason. The
    /// approval must be a finalized leader-approval record of the case whose result is
    /// "approved", and every key must name a blocking finding that stands now.
    pub fn approve_override(
        &self,
        case_id: CaseId,
        findings: Vec<FindingKey>,
        approval_record: RecordId,
        reason: &str,
    ) -> Result<CaseFile> {
        super::required_reason(reason)?;
        if findings.is_empty() {
            return Err(Error::invalid("findings", ValidationCode::Required));
        }
        let at = self.ledger.now();
        let now = at.utc;
        self.ledger.append_at(at, |v| {
            let file = v.case_file(case_id)?;
            super::writable(&file.case)?;
            let approval = file
                .record(approval_record)
                .filter(|r| {
                    r.status == RecordStatus::Finalized && r.kind == RecordKind::LeaderApproval
                })
                .ok_or_else(|| {
                    Error::invalid("approval_record", ValidationCode::UnknownReference)
                })?;
            let approved = matches!(&approval.body, RecordBody::LeaderApproval(f)
                if f.approval.as_ref().is_some_and(|a| a.result == Some(ApprovalResult::Approved)));
            if !approved {
                return Err(Error::invalid(
                    "approval_record",
                    ValidationCode::NotAllowed,
                ));
            }
            let standing: Vec<FindingKey> = rules::completeness(&file, now)
                .iter()
                .filter(|f| f.blocks())
                .map(Finding::key)
                .collect();
            for (i, key) in findings.iter().enumerate() {
                if !standing.contains(key) {
                    return Err(Error::invalid(
                        format!("findings[{i}]"),
                        ValidationCode::UnknownReference,
                    ));
                }
            }
            Ok(Event::OverrideApproved(v1::OverrideApproved {
                case_id,
                findings: findings.iter().map(Into::into).collect(),
                reason: reason.to_owned(),
                approval_record,
            }))
        })?;
        self.case_file(case_id)
    }
}

/// Statuses that close a case file: reaching them requires no standing blocking finding.
pub(crate) fn closes(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::Closed | CaseStatus::Archived | CaseStatus::InspectionClosed
    )
}

/// The blocking findings that would stand if `file` moved to `to`.
pub(crate) fn blocking_after(file: &CaseFile, to: CaseStatus, now: DateTime<Utc>) -> Vec<Finding> {
    let mut future = file.clone();
    future.case.status = to;
    rules::completeness(&future, now)
        .into_iter()
        .filter(|f| f.blocks())
        .collect()
}

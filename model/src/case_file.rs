//! The case file (案卷) as the rules see it: the case, every record, every evidence item, the
//! status history, the overrides a leader approved, and what the back office has acknowledged.
//!
//! It is a read model assembled from the store; the rules (completeness, deadlines, retention)
//! are pure functions of it, so the phone and the back office compute the same answers from the
//! same journal.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Case, CaseStatus, EvidenceId, EvidenceItem, Record, RecordId, RecordKind, RecordStatus,
};

/// One status change of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// When (device time).
    pub at: DateTime<Utc>,
    /// From.
    pub from: CaseStatus,
    /// To.
    pub to: CaseStatus,
    /// Why.
    pub reason: String,
}

/// Identifies one finding across recomputations: its code and what it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey {
    /// Stable finding code.
    pub code: String,
    /// `case`, or the id of the record, slot or evidence item concerned.
    pub subject: String,
}

/// A blocking finding set aside by a leader's approval, with the reason — visible forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The findings it covers.
    pub findings: Vec<FindingKey>,
    /// Why.
    pub reason: String,
    /// The finalized leader approval record that authorises it.
    pub approval_record: RecordId,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// What a back-office decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSubject {
    /// 立案审批 (Art. 6).
    CaseInitiation,
    /// 紧急情况先行调查后的补办审批 (Art. 6).
    EmergencySupplement,
    /// 法制审核 (Art. 14; 行政处罚法 §58).
    LegalReview,
    /// 处罚决定审批 (Art. 14).
    PenaltyDecision,
}

impl DecisionSubject {
    /// Stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionSubject::CaseInitiation => "case_initiation",
            DecisionSubject::EmergencySupplement => "emergency_supplement",
            DecisionSubject::LegalReview => "legal_review",
            DecisionSubject::PenaltyDecision => "penalty_decision",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::CaseInitiation,
            Self::EmergencySupplement,
            Self::LegalReview,
            Self::PenaltyDecision,
        ]
        .into_iter()
        .find(|s| s.as_str() == code)
    }
}

/// A decision entered at the back office and signed by its chain (a leader's approval, a legal
/// review opinion), pulled to the phone by sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackofficeDecision {
    /// What it decides.
    pub subject: DecisionSubject,
    /// 同意 / 不同意 / 退回.
    pub result: super::bodies::ApprovalResult,
    /// Who decided (name and title).
    pub decided_by: String,
    /// 意见.
    pub opinion: String,
    /// When decided.
    pub decided_at: DateTime<Utc>,
}

/// Everything the rules need to know about one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// The case.
    pub case: Case,
    /// Its records, oldest first (void ones included, marked).
    pub records: Vec<Record>,
    /// Its evidence items, oldest first.
    pub evidence: Vec<EvidenceItem>,
    /// Status changes, oldest first.
    pub status_changes: Vec<StatusChange>,
    /// Approved overrides.
    pub overrides: Vec<Override>,
    /// When the back office acknowledged each evidence item's file (media receipts).
    pub uploads: BTreeMap<EvidenceId, DateTime<Utc>>,
    /// Decisions the back office signed for this case, oldest first.
    pub backoffice: Vec<BackofficeDecision>,
}

impl CaseFile {
    /// Whether the back office approved `subject` for this case.
    pub fn backoffice_approved(&self, subject: DecisionSubject) -> bool {
        self.backoffice
            .iter()
            .any(|d| d.subject == subject && d.result == super::bodies::ApprovalResult::Approved)
    }

    /// Records that count: not void.
    pub fn live_records(&self) -> impl Iterator<Item = &Record> {
        self.records
            .iter()
            .filter(|r| r.status != RecordStatus::Void)
    }

    /// Live records of a kind.
    pub fn records_of(&self, kind: RecordKind) -> impl Iterator<Item = &Record> {
        self.live_records().filter(move |r| r.kind == kind)
    }

    /// Finalized records of a kind.
    pub fn finalized_of(&self, kind: RecordKind) -> impl Iterator<Item = &Record> {
        self.records_of(kind)
            .filter(|r| r.status == RecordStatus::Finalized)
    }

    /// Whether any live record of `kind` exists.
    pub fn has(&self, kind: RecordKind) -> bool {
        self.records_of(kind).next().is_some()
    }

    /// The evidence items linked to `record`.
    pub fn evidence_of(&self, record: RecordId) -> impl Iterator<Item = &EvidenceItem> {
        self.evidence
            .iter()
            .filter(move |e| e.record_id == Some(record))
    }

    /// An evidence item by id.
    pub fn evidence_item(&self, id: EvidenceId) -> Option<&EvidenceItem> {
        self.evidence.iter().find(|e| e.id == id)
    }

    /// A record by id.
    pub fn record(&self, id: RecordId) -> Option<&Record> {
        self.records.iter().find(|r| r.id == id)
    }

    /// When the case entered `status` first, if it did.
    pub fn entered(&self, status: CaseStatus) -> Option<DateTime<Utc>> {
        if self.case.info.initial_status == status {
            return Some(self.case.opened_at);
        }
        self.status_changes
            .iter()
            .find(|c| c.to == status)
            .map(|c| c.at)
    }

    /// Whether `key` is covered by an approved override.
    pub fn is_overridden(&self, key: &FindingKey) -> bool {
        self.overrides.iter().any(|o| o.findings.contains(key))
    }
}

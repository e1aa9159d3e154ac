//! The completeness report: what the regulation still requires of a case, right now, each
//! finding with a stable code, a severity, what it concerns, what would satisfy it and the
//! article it comes from.
//!
//! Blocking findings keep a case from being closed or archived, unless a leader-approved override
//! with a reason covers them (recorded in the journal, visible forever). Warnings advise.
//!
//! Record-level rules come from the requirement table (`requirements`); case-level rules follow
//! the stage checklist of domain.md §7 and are only applied once the case has reached the stage
//! they belong to, so an inspection in progress is not asked for a penalty decision.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::cite::{Cite, Source::*, law, measures};
use super::requirements::{AvRule, requirement};
use super::service::{served_on, services_of};
use super::{is_filled, officer_problem, service_method_fields};
use casetrail_i18n::{Lang, arg, tr_args};
use casetrail_model::bodies::{ApprovalResult, ServiceMethod};
use casetrail_model::{
    CaseFile, CaseStatus, DecisionSubject, EvidenceId, EvidenceKind, FindingKey, Hash, Procedure,
    Record, RecordBody, RecordId, RecordKind, RecordStatus, SlotId, SlotOutcome,
};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Keeps the case from being closed or archived.
    Blocking,
    /// Advice; does not block.
    Warning,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// The case as a whole.
    Case,
    /// A record.
    Record {
        /// Record id.
        record: RecordId,
        /// Its kind.
        kind: RecordKind,
    },
    /// A signature slot of a record.
    Slot {
        /// Record id.
        record: RecordId,
        /// Its kind.
        kind: RecordKind,
        /// Slot id.
        slot: SlotId,
    },
    /// An evidence item.
    Evidence {
        /// Evidence id.
        evidence: EvidenceId,
    },
}

impl Subject {
    fn id(&self) -> String {
        match self {
            Subject::Case => "case".into(),
            Subject::Record { record, .. } => record.to_string(),
            Subject::Slot { slot, .. } => slot.to_string(),
            Subject::Evidence { evidence } => evidence.to_string(),
        }
    }

    fn kind(&self) -> Option<RecordKind> {
        match self {
            Subject::Record { kind, .. } | Subject::Slot { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// One thing the regulation still requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `av_required`.
    pub code: FindingCode,
    /// Blocking or warning.
    pub severity: Severity,
    /// What it concerns.
    pub subject: Subject,
    /// A detail code (field name, signer role, record kind) that the text names.
    pub detail: Option<String>,
    /// The person concerned, by name, when there is one (display only).
    pub name: Option<String>,
    /// Further facts the text names (an officer's certificate number, the day it was judged
    /// on, its validity window), as message arguments.
    pub facts: Vec<(&'static str, String)>,
    /// The articles it comes from.
    pub cite: Vec<Cite>,
    /// Whether a leader-approved override covers it.
    pub overridden: bool,
}

impl Finding {
    fn new(code: FindingCode, severity: Severity, subject: Subject, cite: &[Cite]) -> Self {
        Self {
            code,
            severity,
            subject,
            detail: None,
            name: None,
            facts: Vec::new(),
            cite: cite.to_vec(),
            overridden: false,
        }
    }

    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// The key overrides refer to.
    pub fn key(&self) -> FindingKey {
        FindingKey {
            code: self.code.as_str().to_owned(),
            subject: self.subject.id(),
        }
    }

    /// Whether it keeps the case from closing (blocking and not overridden).
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Blocking && !self.overridden
    }

    fn args(&self, lang: Lang) -> Vec<(&'static str, casetrail_i18n::FluentValue<'static>)> {
        let kind = self
            .subject
            .kind()
            .map(|k| casetrail_i18n::tr(lang, &format!("kind-{}", k.as_str())))
            .unwrap_or_default();
        let detail = self.detail.clone().unwrap_or_default();
        let mut args = vec![
            ("kind", arg(kind)),
            ("name", arg(self.name.clone().unwrap_or_default())),
        ];
        args.extend(self.facts.iter().map(|(k, v)| (*k, arg(v.clone()))));
        let detail_text = match self.code {
            // The exact reason, naming the officer and the certificate.
            FindingCode::RecordOfficers => {
                tr_args(lang, &format!("officer-reason-{detail}"), &args)
            }
            _ => detail_label(lang, self.code, &detail),
        };
        args.push(("detail", arg(detail_text)));
        args
    }

    /// What is missing, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        tr_args(lang, &format!("finding-{}", self.code), &self.args(lang))
    }

    /// The catalogue key of the remedy: one that fits the reason of an officer finding, and
    /// the role of a slot — an officer signs (an officer cannot refuse), a missing witness is
    /// found or the reason for none recorded, a party's refusal is recorded with its reason,
    /// a witness and audio/video.
    fn remedy_id(&self) -> String {
        let detail = self.detail.as_deref().unwrap_or_default();
        match self.code {
            FindingCode::RecordOfficers => format!("officer-reason-{detail}-fix"),
            FindingCode::SignaturePending => match casetrail_model::SignerRole::parse(detail) {
                Some(r) if r.is_officer() => "finding-signature_pending-fix-officer".into(),
                Some(casetrail_model::SignerRole::Witness) => {
                    "finding-signature_pending-fix-witness".into()
                }
                _ => "finding-signature_pending-fix".into(),
            },
            _ => format!("finding-{}-fix", self.code),
        }
    }

    /// What would satisfy it, in `lang`.
    pub fn remedy(&self, lang: Lang) -> String {
        tr_args(lang, &self.remedy_id(), &self.args(lang))
    }

    /// The finding as JSON for readers in `lang`: codes for machines, words for people (the
    /// phone's `case check --json` and the back office's case view use the same shape).
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let key = self.key();
        serde_json::json!({
            "code": self.code,
            "severity": self.severity,
            "subject": serde_json::to_value(self.subject).unwrap_or(serde_json::Value::Null),
            "key": format!("{}@{}", key.code, key.subject),
            "detail": self.detail,
            "name": self.name,
            "facts": self.facts.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "message": self.message(lang),
            "remedy": self.remedy(lang),
            "cite": self.cite.iter().map(|c| c.render(lang)).collect::<Vec<_>>(),
            "overridden": self.overridden,
            "blocks": self.blocks(),
        })
    }

    /// The citations, joined, in `lang`.
    pub fn citations(&self, lang: Lang) -> String {
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        self.cite
            .iter()
            .map(|c| c.render(lang))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

fn detail_label(lang: Lang, code: FindingCode, detail: &str) -> String {
    if detail.is_empty() {
        return String::new();
    }
    let id = match code {
        FindingCode::SignaturePending => format!("role-{detail}"),
        FindingCode::DocumentNotServed
        | FindingCode::DecisionMissing
        | FindingCode::AvOutsideAct => {
            format!("kind-{detail}")
        }
        _ => return casetrail_i18n::field_label(lang, detail),
    };
    casetrail_i18n::tr(lang, &id)
}

casetrail_model::code_enum!(
    /// What a finding says is missing; its code is the catalogue key (`finding-<code>`,
    /// `finding-<code>-fix`) and the key overrides refer to.
    FindingCode {
        /// A record is still a draft.
        RecordDraft = "record_draft",
        /// A finalized record lacks a field its kind requires.
        RecordMissingField = "record_missing_field",
        /// A record's officers are too few, unknown or without a valid certificate.
        RecordOfficers = "record_officers",
        /// A required signature slot has no outcome yet.
        SignaturePending = "signature_pending",
        /// A refusal to sign lacks its reason, witness or audio/video.
        RefusalIncomplete = "refusal_incomplete",
        /// A record that must be filmed or photographed has no audio/video.
        AvRequired = "av_required",
        /// A record has neither audio/video nor the reason there is none.
        AvRequiredOrReason = "av_required_or_reason",
        /// A service record lacks a field its method requires.
        ServiceMethodFields = "service_method_fields",
        /// A service that must be filmed has no audio/video.
        ServiceAvRequired = "service_av_required",
        /// An electronic service lacks its screenshots.
        ServiceScreenshotsRequired = "service_screenshots_required",
        /// An outward document has not been served.
        DocumentNotServed = "document_not_served",
        /// No inspection notice.
        InspectionNoticeMissing = "inspection_notice_missing",
        /// The inspection notice was not served in advance.
        InspectionNoticeNotInAdvance = "inspection_notice_not_in_advance",
        /// A filed case has no approved initiation.
        InitiationApprovalMissing = "initiation_approval_missing",
        /// A major case has no legal review.
        LegalReviewMissing = "legal_review_missing",
        /// An emergency start was not approved afterwards.
        EmergencyApprovalMissing = "emergency_approval_missing",
        /// The party was not told of its rights.
        RightsNoticeMissing = "rights_notice_missing",
        /// No investigation final report.
        FinalReportMissing = "final_report_missing",
        /// No prior notice of the penalty.
        PriorNoticeMissing = "prior_notice_missing",
        /// A hearing was requested and has no record.
        HearingRecordMissing = "hearing_record_missing",
        /// A major case has no collective discussion.
        CollectiveDiscussionMissing = "collective_discussion_missing",
        /// The decision has no leader's approval.
        LeaderApprovalMissing = "leader_approval_missing",
        /// The case has no decision.
        DecisionMissing = "decision_missing",
        /// A named complaint was not taken up and the complainant was not told in writing
        /// (Art. 7).
        ComplaintReplyMissing = "complaint_reply_missing",
        /// The court was asked to enforce before a demand notice was served (Art. 20).
        DemandNoticeMissing = "demand_notice_missing",
        /// The court was asked to enforce within ten days of serving the demand notice
        /// (行政强制法 §54).
        DemandPeriodNotElapsed = "demand_period_not_elapsed",
        /// The court's enforcement has no recorded result (Art. 20).
        EnforcementResultMissing = "enforcement_result_missing",
        /// The decision has no record of its execution.
        ExecutionRecordMissing = "execution_record_missing",
        /// A photo, audio or video of an act was captured outside the act's time.
        AvOutsideAct = "av_outside_act",
        /// The same original file backs two different acts.
        SameOriginalTwice = "same_original_twice",
        /// Events of the case were recorded while the phone's clock was off by more than five
        /// minutes: their times are not to be relied on.
        ClockUnreliable = "clock_unreliable",
        /// A rectification order was not checked.
        ComplianceCheckMissing = "compliance_check_missing",
        /// A penalty was not made public.
        PublicationMissing = "publication_missing",
        /// The case has no closure report.
        ClosureReportMissing = "closure_report_missing",
    }
);

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// How far outside an act's start and end its audio/video may be captured (setting up, the
/// last photo of the premises) before it is flagged.
const AV_WINDOW_SLACK: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Audio/video that cannot be what it claims: captured outside the act it documents (refusals
/// and services are acts of their own and are judged by their own records), or the same
/// original file backing two different acts.
fn evidence_findings(file: &CaseFile, out: &mut Vec<Finding>) {
    use casetrail_model::RecordedActivity as A;
    let mut backing: Vec<(Hash, RecordId, EvidenceId)> = Vec::new();
    for r in file.live_records() {
        let value = r.body.to_value().unwrap_or(serde_json::Value::Null);
        let start = super::act_time(&r.body);
        let end = value
            .get("end_at")
            .and_then(|v| serde_json::from_value::<DateTime<Utc>>(v.clone()).ok());
        for e in super::av_items(file, r).filter(|e| e.kind.counts_as_av_record()) {
            backing.push((e.original.sha256, r.id, e.id));
            let own_act = !matches!(
                e.activity,
                A::RefusalToSign | A::ServiceDirect | A::ServiceLeave | A::ServicePublicNotice
            );
            if let (true, Some(start), Some(end)) = (own_act, start, end) {
                if e.captured_at < start - AV_WINDOW_SLACK || e.captured_at > end + AV_WINDOW_SLACK
                {
                    let mut f = Finding::new(
                        FindingCode::AvOutsideAct,
                        Severity::Warning,
                        Subject::Evidence { evidence: e.id },
                        &[measures(12)],
                    );
                    let shown = |t: DateTime<Utc>| {
                        t.with_timezone(&casetrail_model::china_zone())
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    };
                    f.facts = vec![
                        ("captured", shown(e.captured_at)),
                        ("start", shown(start)),
                        ("end", shown(end)),
                    ];
                    out.push(f.detail(r.kind.as_str()));
                }
            }
        }
    }
    backing.sort();
    backing.dedup();
    for (i, (hash, record, evidence)) in backing.iter().enumerate() {
        let first = backing[..i]
            .iter()
            .find(|(h, other, _)| h == hash && other != record);
        if let Some((_, _, earlier)) = first {
            let mut f = Finding::new(
                FindingCode::SameOriginalTwice,
                Severity::Warning,
                Subject::Evidence {
                    evidence: *evidence,
                },
                &[measures(12)],
            );
            f.facts = vec![("other", earlier.to_string())];
            out.push(f);
        }
    }
}

/// The events of a case recorded under a clock that was off (`clock::clock_flags`), as one
/// warning naming them and the largest skew, in minutes; none when there are none.
pub fn clock_finding(flags: &[crate::ClockFlag]) -> Option<Finding> {
    let worst = flags.iter().map(|f| f.skew_ms.unsigned_abs()).max()?;
    let events: Vec<String> = flags.iter().map(|f| format!("#{}", f.seq)).collect();
    let mut f = Finding::new(
        FindingCode::ClockUnreliable,
        Severity::Warning,
        Subject::Case,
        &[measures(3)],
    );
    f.facts = vec![
        ("count", flags.len().to_string()),
        ("events", events.join(", ")),
        ("minutes", (worst / 60_000).to_string()),
    ];
    Some(f)
}

/// The completeness report of a case file at `now` (some findings depend on whether a date has
/// passed).
pub fn completeness(file: &CaseFile, now: DateTime<Utc>) -> Vec<Finding> {
    let mut out = Vec::new();
    for record in file.live_records() {
        record_findings(file, record, &mut out);
    }
    case_findings(file, now, &mut out);
    evidence_findings(file, &mut out);
    for f in &mut out {
        f.overridden = file.is_overridden(&f.key());
    }
    out.sort_by_key(|f| f.severity);
    out
}

fn record_subject(r: &Record) -> Subject {
    Subject::Record {
        record: r.id,
        kind: r.kind,
    }
}

fn is_av(file: &CaseFile, id: EvidenceId) -> bool {
    file.evidence_item(id)
        .is_some_and(|e| e.kind.counts_as_av_record())
}

fn record_findings(file: &CaseFile, r: &Record, out: &mut Vec<Finding>) {
    use Severity::*;
    let req = requirement(r.kind);
    let subject = record_subject(r);
    let value = r.body.to_value().unwrap_or(serde_json::Value::Null);
    if r.status == RecordStatus::Draft {
        out.push(Finding::new(
            FindingCode::RecordDraft,
            Blocking,
            subject,
            req.cite,
        ));
    }
    let mut fields: Vec<&str> = req.fields.to_vec();
    if file.case.info.is_major {
        fields.extend_from_slice(req.fields_if_major);
    }
    for field in fields {
        if !is_filled(&value, field) {
            out.push(
                Finding::new(FindingCode::RecordMissingField, Blocking, subject, req.cite)
                    .detail(field),
            );
        }
    }
    // Officers are judged on the day of the act, when the body says it; else when it was entered.
    let at = super::act_time(&r.body).unwrap_or(r.finalized_at.unwrap_or(r.created_at));
    if let Some(p) = officer_problem(&file.case, &r.body, req, super::local_date(at)) {
        let mut f = Finding::new(
            FindingCode::RecordOfficers,
            Blocking,
            subject,
            &[measures(9), law(StatisticsLaw, 38), law(PenaltyLaw, 42)],
        )
        .detail(p.reason.as_str());
        f.name = p.name.clone();
        let officer = p.cert_no.as_ref().and_then(|c| file.case.officer(c));
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        f.facts = vec![
            ("field", p.field.clone()),
            ("cert", p.cert_no.clone().unwrap_or_default()),
            ("on", p.day.to_string()),
            ("from", day(officer.and_then(|o| o.cert_valid_from))),
            ("to", day(officer.and_then(|o| o.cert_valid_to))),
        ];
        out.push(f);
    }
    // Signatures: each required slot of the finalized version needs an outcome. The articles
    // are the record kind's own (an inquiry record: Art. 9; a service receipt: Art. 17).
    let refusal_cite: Vec<Cite> = std::iter::once(measures(9))
        .chain(req.cite.iter().copied().filter(|c| *c != measures(9)))
        .collect();
    for slot in &r.slots {
        let slot_subject = Subject::Slot {
            record: r.id,
            kind: r.kind,
            slot: slot.id,
        };
        match slot.outcome() {
            None if slot.spec.required => {
                let role = slot.spec.role.map(|r| r.as_str()).unwrap_or_default();
                let mut f = Finding::new(
                    FindingCode::SignaturePending,
                    Blocking,
                    slot_subject,
                    req.cite,
                )
                .detail(role);
                f.name = Some(slot.spec.signer_name.clone()).filter(|n| !n.is_empty());
                out.push(f);
            }
            Some(SlotOutcome::Refused(refusal)) => {
                let has_av = refusal.av_evidence.iter().any(|id| is_av(file, *id));
                let noted = file.case.officer(&refusal.noted_by).is_some();
                let reason_ok = !(refusal.reason == casetrail_model::RefusalReason::Other
                    && refusal.reason_text.trim().is_empty());
                if !(has_av && noted && reason_ok) {
                    let detail = if !has_av {
                        "av_evidence"
                    } else if !noted {
                        "noted_by"
                    } else {
                        "reason_text"
                    };
                    out.push(
                        Finding::new(
                            FindingCode::RefusalIncomplete,
                            Blocking,
                            slot_subject,
                            &refusal_cite,
                        )
                        .detail(detail),
                    );
                }
            }
            _ => {}
        }
    }
    let av_items = super::av_items(file, r)
        .filter(|e| e.kind.counts_as_av_record())
        .count();
    match req.av {
        AvRule::Required if av_items == 0 => out.push(Finding::new(
            FindingCode::AvRequired,
            Blocking,
            subject,
            req.cite,
        )),
        AvRule::RequiredUnlessReason(field) if av_items == 0 && !is_filled(&value, field) => {
            out.push(
                Finding::new(FindingCode::AvRequiredOrReason, Blocking, subject, req.cite)
                    .detail(field),
            );
        }
        AvRule::ByServiceMethod => service_findings(file, r, av_items, out),
        _ => {}
    }
    // An outward document must be served once it is finalized (Art. 8, 17).
    if req.served && r.status == RecordStatus::Finalized && services_of(file, r.id).next().is_none()
    {
        out.push(
            Finding::new(
                FindingCode::DocumentNotServed,
                Blocking,
                subject,
                &[measures(17)],
            )
            .detail(r.kind.as_str()),
        );
    }
}

fn service_findings(file: &CaseFile, r: &Record, av_items: usize, out: &mut Vec<Finding>) {
    let RecordBody::ServiceReceipt(s) = &r.body else {
        return;
    };
    let subject = record_subject(r);
    let Some(method) = s.method else { return };
    let value = serde_json::to_value(s).unwrap_or(serde_json::Value::Null);
    for field in service_method_fields(method) {
        if !is_filled(&value, field) {
            out.push(
                Finding::new(
                    FindingCode::ServiceMethodFields,
                    Severity::Blocking,
                    subject,
                    &[measures(17), law(CivilProcedureLaw, 89)],
                )
                .detail(*field),
            );
        }
    }
    match method {
        ServiceMethod::LeaveAtPremises if av_items == 0 => {
            out.push(Finding::new(
                FindingCode::ServiceAvRequired,
                Severity::Blocking,
                subject,
                &[measures(17), law(CivilProcedureLaw, 89)],
            ));
        }
        ServiceMethod::PublicNotice => {
            let shots = super::av_items(file, r)
                .filter(|e| {
                    matches!(
                        e.kind,
                        EvidenceKind::Screenshot | EvidenceKind::Photo | EvidenceKind::Video
                    )
                })
                .count();
            if shots == 0 {
                out.push(Finding::new(
                    FindingCode::ServiceScreenshotsRequired,
                    Severity::Blocking,
                    subject,
                    &[measures(17), law(CivilProcedureLaw, 95)],
                ));
            }
        }
        _ => {}
    }
}

/// Position of a status along the main path, to decide which stage rules apply.
fn progress(s: CaseStatus) -> u8 {
    use CaseStatus::*;
    match s {
        ClueRegistered => 0,
        PreCheck => 1,
        Filed => 2,
        Investigating => 3,
        InvestigationConcluded => 4,
        LegalReview => 5,
        PriorNotice => 6,
        Hearing => 7,
        Deliberation => 8,
        Decided | NoPenalty | Transferred | Withdrawn => 9,
        Serving => 10,
        Executing => 11,
        Closed | InspectionClosed | NotInitiated => 12,
        Archived => 13,
    }
}

fn approved(a: Option<&casetrail_model::bodies::Approval>) -> bool {
    a.is_some_and(|a| a.result == Some(ApprovalResult::Approved))
}

fn case_findings(file: &CaseFile, now: DateTime<Utc>, out: &mut Vec<Finding>) {
    use RecordKind as K;
    use Severity::*;
    let case = &file.case;
    let status = case.status;
    let at = progress(status);
    // Was this ever filed as a case (not only an inspection)?
    // Filed as a case (not only an inspection): it entered `filed`, or sits at a status that only
    // a filed case reaches.
    let filed = file.entered(CaseStatus::Filed).is_some() || (3..=11).contains(&at);
    let ended = status.is_ended();
    let penalty = file.has(K::PenaltyDecision) || file.has(K::OnTheSpotPenaltyDecision);
    let general = case.info.procedure == Procedure::General;
    let add = |out: &mut Vec<Finding>, code, sev, cite: &[Cite]| {
        out.push(Finding::new(code, sev, Subject::Case, cite))
    };

    // 程序启动 (Art. 6): an approved initiation form once filed; emergency start approved later.
    // An approval signed at the back office counts as much as the paper form photographed.
    let initiation_ok = file.backoffice_approved(DecisionSubject::CaseInitiation)
        || file
            .finalized_of(K::CaseInitiationApproval)
            .any(|r| match &r.body {
                RecordBody::CaseInitiationApproval(b) => approved(b.leader_approval.as_ref()),
                _ => false,
            });
    if filed && general && !initiation_ok {
        add(
            out,
            FindingCode::InitiationApprovalMissing,
            Blocking,
            &[measures(6), law(PenaltyLaw, 54)],
        );
    }
    if case.info.is_major && filed {
        // A review happened whatever its conclusion; the conclusion is the leaders' to weigh.
        let reviewed = file
            .backoffice
            .iter()
            .any(|d| d.subject == DecisionSubject::LegalReview)
            || file.finalized_of(K::LegalReviewOpinion).next().is_some()
            || file
                .finalized_of(K::CaseInitiationApproval)
                .any(|r| match &r.body {
                    RecordBody::CaseInitiationApproval(b) => approved(b.legal_review.as_ref()),
                    _ => false,
                });
        if !reviewed {
            add(
                out,
                FindingCode::LegalReviewMissing,
                Blocking,
                &[measures(6), law(PenaltyLaw, 58)],
            );
        }
    }
    if case.info.emergency_start {
        let supplemented = initiation_ok
            || file.backoffice_approved(DecisionSubject::EmergencySupplement)
            || file
                .finalized_of(K::EmergencyStartRecord)
                .any(|r| match &r.body {
                    RecordBody::EmergencyStartRecord(b) => {
                        approved(b.supplementary_approval.as_ref())
                    }
                    _ => false,
                });
        if !supplemented {
            add(
                out,
                FindingCode::EmergencyApprovalMissing,
                Blocking,
                &[measures(6)],
            );
        }
    }

    // 调查取证 (Art. 8): an on-site inspection needs the inspection notice, served beforehand.
    let onsite_start = file
        .records_of(K::OnsiteInspectionRecord)
        .filter_map(|r| match &r.body {
            RecordBody::OnsiteInspectionRecord(b) => b.start_at,
            _ => None,
        })
        .min();
    if let Some(start) = onsite_start {
        let notices: Vec<&Record> = file.records_of(K::InspectionNotice).collect();
        if notices.is_empty() {
            add(
                out,
                FindingCode::InspectionNoticeMissing,
                Blocking,
                &[measures(8)],
            );
        } else {
            // In advance means before the inspection began, to the minute: a notice handed
            // over on the morning of the inspection, after it started, is not.
            let served_before = notices
                .iter()
                .filter_map(|n| super::service::served_at(file, n.id))
                .any(|at| at < start);
            if !served_before {
                add(
                    out,
                    FindingCode::InspectionNoticeNotInAdvance,
                    Warning,
                    &[measures(8)],
                );
            }
        }
    }
    // Rights told before a penalty (Art. 10; 行政处罚法 §44): a rights notice, or the prior
    // notice of penalty, which states them.
    let rights_told = file.has(K::RightsNotice) || file.has(K::PenaltyPriorNotice);
    if penalty && !rights_told {
        add(
            out,
            FindingCode::RightsNoticeMissing,
            Blocking,
            &[measures(10), law(PenaltyLaw, 44)],
        );
    }
    if filed && at >= 4 && general && !file.has(K::InvestigationFinalReport) {
        add(
            out,
            FindingCode::FinalReportMissing,
            Blocking,
            &[law(PenaltyLaw, 57)],
        );
    }

    // 审查决定.
    if file.has(K::PenaltyDecision) {
        if !file.has(K::PenaltyPriorNotice) {
            add(
                out,
                FindingCode::PriorNoticeMissing,
                Blocking,
                &[law(PenaltyLaw, 44), law(PenaltyLaw, 62)],
            );
        }
        if !(file.has(K::PenaltyDecisionApproval)
            || file.has(K::LeaderApproval)
            || file.backoffice_approved(DecisionSubject::PenaltyDecision))
        {
            add(
                out,
                FindingCode::LeaderApprovalMissing,
                Blocking,
                &[measures(14)],
            );
        }
        if case.info.is_major && !file.has(K::CollectiveDiscussionMinutes) {
            add(
                out,
                FindingCode::CollectiveDiscussionMissing,
                Blocking,
                &[measures(14), law(PenaltyLaw, 57)],
            );
        }
    }
    if file.has(K::HearingRequest) && !file.has(K::HearingRecord) {
        add(
            out,
            FindingCode::HearingRecordMissing,
            Blocking,
            &[law(PenaltyLaw, 64)],
        );
    }
    let decided = [
        K::PenaltyDecision,
        K::NoPenaltyDecision,
        K::OnTheSpotPenaltyDecision,
        K::CaseTransferLetter,
    ]
    .iter()
    .any(|k| file.has(*k));
    if filed && at >= 9 && status != CaseStatus::Withdrawn && !decided {
        out.push(
            Finding::new(
                FindingCode::DecisionMissing,
                Blocking,
                Subject::Case,
                &[law(PenaltyLaw, 57)],
            )
            .detail(K::PenaltyDecision.as_str()),
        );
    }

    // 送达执行 (Art. 18).
    if penalty && ended && !file.has(K::ExecutionRecord) {
        add(
            out,
            FindingCode::ExecutionRecordMissing,
            Blocking,
            &[measures(18)],
        );
    }
    for order in file.records_of(K::RectificationOrder) {
        let RecordBody::RectificationOrder(o) = &order.body else {
            continue;
        };
        let checked = file
            .records_of(K::ComplianceCheckRecord)
            .any(|c| match &c.body {
                RecordBody::ComplianceCheckRecord(b) => b.order == Some(order.id),
                _ => false,
            });
        if !checked {
            let overdue = o.due_on.is_some_and(|d| d < super::local_date(now));
            let sev = if ended || overdue { Blocking } else { Warning };
            out.push(Finding::new(
                FindingCode::ComplianceCheckMissing,
                sev,
                record_subject(order),
                &[measures(18)],
            ));
        }
    }
    if file.has(K::PenaltyDecision) && general && !file.has(K::PublicationRecord) {
        add(
            out,
            FindingCode::PublicationMissing,
            if ended { Blocking } else { Warning },
            &[law(PenaltyLaw, 48)],
        );
    }

    // Art. 7: a named complaint that did not become a case is answered in writing.
    let named_complaint = file
        .finalized_of(K::ComplaintRecord)
        .find(|r| matches!(&r.body, RecordBody::ComplaintRecord(c) if c.named));
    if let Some(complaint) = named_complaint {
        if ended && !filed && !file.has(K::NonInitiationNotice) {
            out.push(Finding::new(
                FindingCode::ComplaintReplyMissing,
                Blocking,
                record_subject(complaint),
                &[measures(7)],
            ));
        }
    }

    // Art. 20: a demand notice served before the court is asked to enforce, at least ten days
    // before (行政强制法 §54), and the court's result recorded.
    for application in file.records_of(K::CourtEnforcementApplication) {
        let RecordBody::CourtEnforcementApplication(a) = &application.body else {
            continue;
        };
        let demands_served: Vec<NaiveDate> = file
            .finalized_of(K::DemandNotice)
            .filter_map(|d| served_on(file, d.id))
            .collect();
        let filed_on = a.filed_on.unwrap_or_else(|| super::local_date(now));
        let served_before = demands_served.iter().filter(|d| **d <= filed_on).max();
        match served_before {
            None => out.push(Finding::new(
                FindingCode::DemandNoticeMissing,
                Blocking,
                record_subject(application),
                &[measures(20), law(CoercionLaw, 54)],
            )),
            Some(served) if filed_on < *served + chrono::Days::new(10) => out.push(
                Finding::new(
                    FindingCode::DemandPeriodNotElapsed,
                    Warning,
                    record_subject(application),
                    &[law(CoercionLaw, 54)],
                )
                .detail(served.to_string()),
            ),
            Some(_) => {}
        }
        if ended && a.result.trim().is_empty() {
            out.push(Finding::new(
                FindingCode::EnforcementResultMissing,
                Blocking,
                record_subject(application),
                &[measures(20)],
            ));
        }
    }

    // 归档 (Art. 21).
    if filed
        && matches!(status, CaseStatus::Closed | CaseStatus::Archived)
        && !file.has(K::CaseClosureReport)
    {
        add(
            out,
            FindingCode::ClosureReportMissing,
            Blocking,
            &[measures(21)],
        );
    }
}

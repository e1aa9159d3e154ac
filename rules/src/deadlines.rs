//! Deadlines (期限): every period of domain.md §3.2 that applies to this bureau's cases, computed
//! from the case file — the 24-hour emergency approval and AV upload (Art. 6, 21), the 30-day
//! dossier (Art. 21), and the statutory periods of 行政处罚法, 行政强制法, 民事诉讼法, 复议法 and
//! 诉讼法.
//!
//! Working-day periods use the China working-day calendar; the first day is not counted; a
//! calendar-day period that ends on a non-working day ends on the next working day. Day periods
//! end at 23:59:59 Beijing time on their last day. Times are UTC inside, shown in Asia/Shanghai.
//!
//! Some periods are *windows* (the party's time to ask for a hearing, to appeal; the wait after a
//! demand letter): they elapse rather than being missed. A deadline computed across a year whose
//! holiday notice is not yet published says so (`provisional`).

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use serde::Serialize;

use super::calendar::WorkCalendar;
use super::cite::{Cite, Source::*, law, measures};
use super::findings::Subject;
use super::local_date;
use super::service::{legal_service_day, served_on};
use casetrail_model::bodies::{ApprovalResult, ServiceMethod};
use casetrail_model::china_zone;
use casetrail_model::{
    CaseFile, CaseId, CaseStatus, Procedure, Record, RecordBody, RecordKind, RecordStatus,
};

casetrail_model::code_enum!(
    /// The kinds of deadline (domain.md §6.2 `DeadlineKind`).
    DeadlineKind {
        /// Emergency start: supplementary approval within 24 h (Art. 6).
        EmergencySupplement24h = "emergency_supplement_24h",
        /// Decide within 90 days of filing (行政处罚法 §60).
        CaseDecision90d = "case_decision_90d",
        /// Decide on preserved evidence within 7 working days (§56).
        Preservation7wd = "preservation_7wd",
        /// The party's statement and defence window stated in the prior notice (§44–45).
        DefenseWindow = "defense_window",
        /// The party may request a hearing within 5 working days (§64(1)).
        HearingRequest5wd = "hearing_request_5wd",
        /// Serve the hearing notice at least 7 working days before the hearing (§64(2)).
        HearingNotice7wd = "hearing_notice_7wd",
        /// Serve the decision within 7 working days (§61).
        DecisionService7wd = "decision_service_7wd",
        /// The party pays the fine within 15 days of service (§67).
        FinePayment15d = "fine_payment_15d",
        /// Publish the penalty decision within 7 working days (国办发〔2018〕118号).
        Publication7wd = "publication_7wd",
        /// The party may apply for reconsideration within 60 days (复议法 §20).
        Reconsideration60d = "reconsideration_60d",
        /// The party may sue within 6 months (诉讼法 §46).
        Litigation6m = "litigation_6m",
        /// Wait 10 working days after serving a demand letter before applying to court (强制法 §54).
        DemandWait10wd = "demand_wait_10wd",
        /// Apply to court within 3 months after the appeal periods expire (强制法 §53).
        CourtApplication3m = "court_application_3m",
        /// A public notice is deemed served 30 days after publication (民诉法 §95).
        PublicNotice30d = "public_notice_30d",
        /// Each audio/video item stored to the back office within 24 h of capture (Art. 21).
        AvUpload24h = "av_upload_24h",
        /// The dossier archived within 30 days of the case ending (Art. 21).
        Archive30d = "archive_30d",
        /// The date a rectification order sets; compliance is checked then (Art. 18).
        RectificationDue = "rectification_due",
    }
);

impl DeadlineKind {
    /// A period that belongs to the party or is a wait: it elapses, it is not missed.
    pub fn is_window(self) -> bool {
        use DeadlineKind::*;
        matches!(
            self,
            DefenseWindow
                | HearingRequest5wd
                | Reconsideration60d
                | Litigation6m
                | DemandWait10wd
                | PublicNotice30d
        )
    }

    /// Where it comes from.
    pub fn cite(self) -> Vec<Cite> {
        use DeadlineKind::*;
        match self {
            EmergencySupplement24h => vec![measures(6)],
            CaseDecision90d => vec![law(PenaltyLaw, 60)],
            Preservation7wd => vec![law(PenaltyLaw, 56), law(PenaltyLaw, 85)],
            DefenseWindow => vec![law(PenaltyLaw, 44), law(PenaltyLaw, 45)],
            HearingRequest5wd => vec![law(PenaltyLaw, 64), law(PenaltyLaw, 85)],
            HearingNotice7wd => vec![law(PenaltyLaw, 64), law(PenaltyLaw, 85)],
            DecisionService7wd => vec![law(PenaltyLaw, 61), law(PenaltyLaw, 85)],
            FinePayment15d => vec![law(PenaltyLaw, 67)],
            Publication7wd => vec![law(PenaltyLaw, 48)],
            Reconsideration60d => vec![law(ReconsiderationLaw, 20)],
            Litigation6m => vec![law(LitigationLaw, 46)],
            DemandWait10wd => vec![law(CoercionLaw, 54), law(CoercionLaw, 69)],
            CourtApplication3m => vec![law(CoercionLaw, 53)],
            PublicNotice30d => vec![law(CivilProcedureLaw, 95)],
            AvUpload24h => vec![measures(21)],
            Archive30d => vec![measures(21)],
            RectificationDue => vec![measures(18), law(PenaltyLaw, 28)],
        }
    }
}

/// Where a deadline stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Passed without being met.
    Missed,
    /// The last stretch.
    Critical,
    /// Getting close.
    Warning,
    /// Plenty of time.
    Ok,
    /// Done in time (or late: see `met_at` against `due`).
    Met,
    /// A window that has closed.
    Elapsed,
}

impl DeadlineState {
    /// Stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineState::Missed => "missed",
            DeadlineState::Critical => "critical",
            DeadlineState::Warning => "warning",
            DeadlineState::Ok => "ok",
            DeadlineState::Met => "met",
            DeadlineState::Elapsed => "elapsed",
        }
    }

    /// Still needs attention.
    pub fn is_open(self) -> bool {
        !matches!(self, DeadlineState::Met | DeadlineState::Elapsed)
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The case.
    pub case_id: CaseId,
    /// What kind.
    pub kind: DeadlineKind,
    /// What it concerns.
    pub subject: Subject,
    /// When the period started.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub due: DateTime<Utc>,
    /// When it was met, if it was.
    pub met_at: Option<DateTime<Utc>>,
    /// Computed across a year whose holiday notice is not published yet.
    pub provisional: bool,
    /// The articles it comes from.
    pub cite: Vec<Cite>,
}

impl Deadline {
    /// Its state at `now`.
    ///
    /// Hour periods (24 h): warning from half-time, critical in the last sixth (12 h and 20 h
    /// for the AV upload, reliability.md F22). Day periods: warning when a quarter (at least two
    /// days) remains, critical in the last twelfth (at least the last day).
    pub fn state(&self, now: DateTime<Utc>) -> DeadlineState {
        if self.met_at.is_some() {
            return DeadlineState::Met;
        }
        if now > self.due {
            return if self.kind.is_window() {
                DeadlineState::Elapsed
            } else {
                DeadlineState::Missed
            };
        }
        let total = self.due - self.start;
        let left = self.due - now;
        let hours = total <= TimeDelta::hours(48);
        let (warn, crit) = if hours {
            (total / 2, total / 6)
        } else {
            (
                TimeDelta::days(2).max(total / 4),
                TimeDelta::days(1).max(total / 12),
            )
        };
        if left <= crit {
            DeadlineState::Critical
        } else if left <= warn {
            DeadlineState::Warning
        } else {
            DeadlineState::Ok
        }
    }

    /// Its name in `lang`.
    pub fn label(&self, lang: casetrail_i18n::Lang) -> String {
        casetrail_i18n::tr(lang, &format!("deadline-{}", self.kind.as_str()))
    }
}

/// 23:59:59 Beijing time on `day`, as UTC.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    china_zone()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// 00:00 Beijing time on `day`, as UTC.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    china_zone()
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

struct Builder<'a> {
    file: &'a CaseFile,
    cal: &'a WorkCalendar,
    out: Vec<Deadline>,
}

impl Builder<'_> {
    fn push(
        &mut self,
        kind: DeadlineKind,
        subject: Subject,
        start: DateTime<Utc>,
        due: DateTime<Utc>,
        met_at: Option<DateTime<Utc>>,
        provisional: bool,
    ) {
        self.out.push(Deadline {
            case_id: self.file.case.id,
            kind,
            subject,
            start,
            due,
            met_at,
            provisional,
            cite: kind.cite(),
        });
    }

    /// A period of `n` working days after `day`.
    fn wd(
        &mut self,
        kind: DeadlineKind,
        subject: Subject,
        day: NaiveDate,
        n: u32,
        met_at: Option<DateTime<Utc>>,
    ) {
        let (end, sure) = self.cal.add_working_days(day, n);
        self.push(
            kind,
            subject,
            start_of_day(day),
            end_of_day(end),
            met_at,
            !sure,
        );
    }

    /// A period of `n` calendar days after `day`.
    fn cd(
        &mut self,
        kind: DeadlineKind,
        subject: Subject,
        day: NaiveDate,
        n: u32,
        met_at: Option<DateTime<Utc>>,
    ) {
        let (end, sure) = self.cal.add_calendar_days(day, n);
        self.push(
            kind,
            subject,
            start_of_day(day),
            end_of_day(end),
            met_at,
            !sure,
        );
    }

    /// A period of `n` months after `day`.
    fn months(
        &mut self,
        kind: DeadlineKind,
        subject: Subject,
        day: NaiveDate,
        n: u32,
        met_at: Option<DateTime<Utc>>,
    ) {
        let (end, sure) = self.cal.add_months(day, n);
        self.push(
            kind,
            subject,
            start_of_day(day),
            end_of_day(end),
            met_at,
            !sure,
        );
    }
}

fn subject(r: &Record) -> Subject {
    Subject::Record {
        record: r.id,
        kind: r.kind,
    }
}

fn first_finalized(
    file: &CaseFile,
    kinds: &[RecordKind],
    pred: impl Fn(&Record) -> bool,
) -> Option<DateTime<Utc>> {
    file.live_records()
        .filter(|r| kinds.contains(&r.kind) && r.status == RecordStatus::Finalized && pred(r))
        .filter_map(|r| r.finalized_at)
        .min()
}

fn approved(a: Option<&casetrail_model::bodies::Approval>) -> bool {
    a.is_some_and(|a| a.result == Some(ApprovalResult::Approved))
}

/// Every deadline of a case file, met or not.
pub fn deadlines(file: &CaseFile, cal: &WorkCalendar) -> Vec<Deadline> {
    use DeadlineKind as D;
    use RecordKind as K;
    let mut b = Builder {
        file,
        cal,
        out: Vec::new(),
    };
    let case = &file.case;

    if case.info.emergency_start {
        let met = first_finalized(
            file,
            &[K::EmergencyStartRecord, K::CaseInitiationApproval],
            |r| match &r.body {
                RecordBody::EmergencyStartRecord(e) => approved(e.supplementary_approval.as_ref()),
                RecordBody::CaseInitiationApproval(a) => approved(a.leader_approval.as_ref()),
                _ => false,
            },
        );
        b.push(
            D::EmergencySupplement24h,
            Subject::Case,
            case.opened_at,
            case.opened_at + TimeDelta::hours(24),
            met,
            false,
        );
    }
    if let Some(filed) = file.entered(CaseStatus::Filed) {
        let met = first_finalized(
            file,
            &[
                K::PenaltyDecision,
                K::NoPenaltyDecision,
                K::CaseTransferLetter,
                K::OnTheSpotPenaltyDecision,
            ],
            |_| true,
        );
        b.cd(
            D::CaseDecision90d,
            Subject::Case,
            local_date(filed),
            90,
            met,
        );
    }
    for r in file
        .live_records()
        .filter(|r| r.status == RecordStatus::Finalized)
    {
        let served = served_on(file, r.id);
        let served_at = served.map(start_of_day);
        match &r.body {
            RecordBody::PreservationNotice(p) => {
                let day = p.from_date.or(r.finalized_at.map(local_date));
                if let Some(day) = day {
                    let met = first_finalized(
                        file,
                        &[K::PreservationDisposalDecision],
                        |d| matches!(&d.body, RecordBody::PreservationDisposalDecision(x) if x.preservation_notice == Some(r.id)),
                    );
                    b.wd(D::Preservation7wd, subject(r), day, 7, met);
                }
            }
            RecordBody::PenaltyPriorNotice(p) => {
                if let (Some(day), Some(n)) = (served, p.defense_window_wd) {
                    b.wd(D::DefenseWindow, subject(r), day, n, None);
                }
                if let (Some(day), true) = (served, p.hearing_right) {
                    let met =
                        first_finalized(file, &[K::HearingRequest, K::RightsWaiver], |_| true);
                    b.wd(D::HearingRequest5wd, subject(r), day, 5, met);
                }
            }
            RecordBody::HearingRightsNotice(h) => {
                if let Some(day) = served {
                    let met =
                        first_finalized(file, &[K::HearingRequest, K::RightsWaiver], |_| true);
                    b.wd(
                        D::HearingRequest5wd,
                        subject(r),
                        day,
                        h.request_window_wd.unwrap_or(5),
                        met,
                    );
                }
            }
            RecordBody::HearingNotice(h) => {
                if let Some(hearing) = h.hearing_at {
                    let (serve_by, sure) = cal.sub_working_days(local_date(hearing), 7);
                    let met = served.filter(|d| *d <= serve_by).map(start_of_day);
                    let start = r.finalized_at.unwrap_or(r.created_at);
                    b.push(
                        D::HearingNotice7wd,
                        subject(r),
                        start,
                        end_of_day(serve_by),
                        met,
                        !sure,
                    );
                }
            }
            RecordBody::PenaltyDecision(d) => {
                let decided = d.decided_on.or(r.finalized_at.map(local_date));
                if let Some(day) = decided {
                    b.wd(D::DecisionService7wd, subject(r), day, 7, served_at);
                    if case.info.procedure == Procedure::General {
                        let met = first_finalized(file, &[K::PublicationRecord], |_| true);
                        b.wd(D::Publication7wd, subject(r), day, 7, met);
                    }
                }
                if let Some(day) = served {
                    let paid = first_finalized(file, &[K::ExecutionRecord], |_| true);
                    if d.penalty.as_ref().and_then(|p| p.fine_fen).unwrap_or(0) > 0 {
                        b.cd(D::FinePayment15d, subject(r), day, 15, paid);
                        let appeal_end = cal.add_months(day, 6).0;
                        let applied =
                            first_finalized(file, &[K::CourtEnforcementApplication], |_| true)
                                .or(paid);
                        b.months(D::CourtApplication3m, subject(r), appeal_end, 3, applied);
                    }
                    b.cd(D::Reconsideration60d, subject(r), day, 60, None);
                    b.months(D::Litigation6m, subject(r), day, 6, None);
                }
            }
            RecordBody::NoPenaltyDecision(d) => {
                if let Some(day) = d.decided_on.or(r.finalized_at.map(local_date)) {
                    b.wd(D::DecisionService7wd, subject(r), day, 7, served_at);
                }
            }
            RecordBody::DemandNotice(_) => {
                if let Some(day) = served {
                    b.wd(D::DemandWait10wd, subject(r), day, 10, None);
                }
            }
            RecordBody::ServiceReceipt(s) if s.method == Some(ServiceMethod::PublicNotice) => {
                if let (Some(published), Some(_)) = (s.published_at, legal_service_day(s)) {
                    b.cd(
                        D::PublicNotice30d,
                        subject(r),
                        local_date(published),
                        30,
                        None,
                    );
                }
            }
            RecordBody::RectificationOrder(o) => {
                if let (Some(due), Some(fin)) = (o.due_on, r.finalized_at) {
                    let met = first_finalized(
                        file,
                        &[K::ComplianceCheckRecord],
                        |c| matches!(&c.body, RecordBody::ComplianceCheckRecord(x) if x.order == Some(r.id)),
                    );
                    b.push(
                        D::RectificationDue,
                        subject(r),
                        fin,
                        end_of_day(due),
                        met,
                        !cal.is_authoritative(chrono::Datelike::year(&due)),
                    );
                }
            }
            _ => {}
        }
    }
    for e in file
        .evidence
        .iter()
        .filter(|e| e.kind.counts_as_av_record())
    {
        let met = file.uploads.get(&e.id).copied();
        b.push(
            D::AvUpload24h,
            Subject::Evidence { evidence: e.id },
            e.captured_at,
            e.captured_at + TimeDelta::hours(24),
            met,
            false,
        );
    }
    if let Some(closed) = file
        .entered(CaseStatus::Closed)
        .or_else(|| file.entered(CaseStatus::InspectionClosed))
    {
        let archived = file.entered(CaseStatus::Archived);
        b.cd(
            D::Archive30d,
            Subject::Case,
            local_date(closed),
            30,
            archived,
        );
    }
    b.out.sort_by_key(|d| d.due);
    b.out
}

impl WorkCalendar {
    /// The working day `n` working days before `day` (for "serve at least n working days
    /// before"): counting back, `day` itself not counted.
    pub fn sub_working_days(&self, day: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let mut d = day;
        let mut left = n;
        let mut sure = self.is_authoritative(chrono::Datelike::year(&day));
        while left > 0 {
            d = d - Days::new(1);
            sure &= self.is_authoritative(chrono::Datelike::year(&d));
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        (d, sure)
    }
}

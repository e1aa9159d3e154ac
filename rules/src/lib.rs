//! casetrail-rules: the regulation as data and code — what each record requires
//! (`requirements`), whether a record may be finalized and who must sign it, what a case file
//! still lacks (`findings`), the form a screen shows for each kind (`form`, derived from the
//! same requirement table), the check of a body's JSON against it (`form_check`) and its values
//! as flat entries (`form_values`), its deadlines on the China working-day calendar
//! (`deadlines`, `calendar`) and how long its evidence is kept (`retention`).
//!
//! Everything here is pure: it looks at a case file and answers, with no storage, no media code
//! and no network, so the phone and the back office compute the same answers from the same
//! journal. The workspace calls it before writing, so a record that breaks a rule is refused with
//! a specific error and nothing is written.

mod authz;
mod calendar;
mod cite;
mod clock;
mod deadlines;
mod findings;
pub mod form;
mod form_check;
mod form_values;
mod requirements;
mod retention;
mod service;
mod witness;

use chrono::{DateTime, Utc};

pub use authz::{Actor, CaseIndex, CaseStanding, Denial, authorize, open_for};
pub use calendar::WorkCalendar;
use casetrail_model::bodies::ServiceMethod;
use casetrail_model::{
    Case, CaseFile, EvidenceId, EvidenceItem, MIN_OFFICERS, Record, RecordBody, RecordId,
    SignerRole, SlotSpec,
};
use casetrail_model::{ValidationCode, ValidationError};
pub use cite::{Cite, Source};
pub use clock::{ClockFlag, ClockFlagKind, SKEW_LIMIT_MS, SkewAnchor, TimedEvent, clock_flags};
pub use deadlines::{Deadline, DeadlineKind, DeadlineState, deadlines, end_of_day};
pub use findings::{Finding, FindingCode, Severity, Subject, clock_finding, completeness};
pub use form::{FormSchema, schema as form_schema, schemas as form_schemas};
pub use form_check::{check_body_json, parse_body};
pub use form_values::{Entry as FormEntry, body_from_entries, entries as form_entries};
pub use requirements::{
    AFFIRM_GENERIC, AFFIRM_INQUIRY, AFFIRM_ONSITE, AFFIRM_RECEIPT, AvRule, Requirement, SlotRule,
    is_filled, markdown as requirements_markdown, required_by, requirement,
};
pub use retention::{Retention, RetentionClass, may_purge, retention};
pub use service::{legal_service_day, legal_service_instant, served_at, served_on};
pub use witness::{check_witness, check_witnesses, witnesses_of};

pub use casetrail_model::local_date;

/// The evidence items that document a record: linked to it at capture, or listed by it (a
/// service record lists the audio/video of the service).
pub fn av_items<'a>(
    file: &'a CaseFile,
    r: &'a Record,
) -> impl Iterator<Item = &'a EvidenceItem> + 'a {
    let listed: &[EvidenceId] = match &r.body {
        RecordBody::ServiceReceipt(s) => &s.av_evidence,
        _ => &[],
    };
    file.evidence
        .iter()
        .filter(move |e| e.record_id == Some(r.id) || listed.contains(&e.id))
}

/// How far ahead of the device's clock an act's time may be (two clocks never agree exactly):
/// beyond it, the act has not happened yet and is refused.
pub const FUTURE_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// When the act a record records happened, by its body (`FormSchema::act_time`).
pub fn act_time(body: &RecordBody) -> Option<DateTime<Utc>> {
    let value = body.to_value().ok()?;
    form_schema(body.kind()).act_time(&value)
}

/// When a document came into being, by its body: its act's time, or the start of the day it is
/// dated (`issued_on`, `decided_on`, Beijing time).
pub fn document_time(body: &RecordBody) -> Option<DateTime<Utc>> {
    if let Some(at) = act_time(body) {
        return Some(at);
    }
    let value = body.to_value().ok()?;
    ["issued_on", "decided_on"]
        .iter()
        .find_map(|f| serde_json::from_value::<chrono::NaiveDate>(value.get(*f)?.clone()).ok())
        .map(casetrail_model::start_of_local_day)
}

/// Checks that `body` (the content of record `record`, if it exists yet) may be finalized in the
/// case file at `now`: required fields filled, officers of the case with valid certificates,
/// certificates shown where required, references that exist, the method-specific fields and
/// evidence of a service, and the audio/video that a non-cooperation record must have (Art. 11).
pub fn check_finalize(
    file: &CaseFile,
    record: Option<RecordId>,
    body: &RecordBody,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    let case = &file.case;
    let req = requirement(body.kind());
    let value = body
        .to_value()
        .map_err(|_| ValidationError::new("body", ValidationCode::BadFormat))?;
    // Every missing field at once, so the inspector fills them in one pass.
    let mut missing: Vec<&str> = req.fields.to_vec();
    if case.info.is_major {
        missing.extend_from_slice(req.fields_if_major);
    }
    if let RecordBody::ServiceReceipt(s) = body {
        if let Some(method) = s.method {
            missing.extend_from_slice(service_method_fields(method));
        }
    }
    let missing: Vec<ValidationError> = missing
        .into_iter()
        .filter(|f| !is_filled(&value, f))
        .map(|f| ValidationError::new(f, ValidationCode::Required))
        .collect();
    if let Some(e) = ValidationError::all(missing) {
        return Err(e.of_kind(body.kind()));
    }
    // The act is judged at its own time; it cannot be later than now.
    let act = act_time(body);
    if act.is_some_and(|at| at > now + FUTURE_TOLERANCE) {
        let field = form_schema(body.kind()).act_field().unwrap_or("body");
        return Err(ValidationError::new(field, ValidationCode::InFuture));
    }
    check_party_refs(case, &value)?;
    check_witnesses(body)?;
    check_officers(case, body, req, act.unwrap_or(now))?;
    let av = |ids: &[EvidenceId]| -> Result<usize, ValidationError> {
        for (i, id) in ids.iter().enumerate() {
            if !file
                .evidence_item(*id)
                .is_some_and(|e| e.kind.counts_as_av_record())
            {
                return Err(ValidationError::new(
                    format!("av_evidence[{i}]"),
                    ValidationCode::UnknownReference,
                ));
            }
        }
        let linked = record.map_or(0, |r| {
            file.evidence_of(r)
                .filter(|e| e.kind.counts_as_av_record())
                .count()
        });
        Ok(ids.len() + linked)
    };
    match body {
        RecordBody::ServiceReceipt(s) => {
            check_service_fields(s)?;
            // A document cannot be served before it exists: not before its own act or date.
            let document = s.document.and_then(|d| file.record(d));
            if let (Some(doc), Some(served)) = (document, s.served_at) {
                if document_time(&doc.body).is_some_and(|made| served < made) {
                    return Err(ValidationError::new("served_at", ValidationCode::TooEarly));
                }
            }
            let n = av(&s.av_evidence)?;
            // Art. 17: leave-at-premises is recorded by audio/video; a public notice by screenshots.
            if matches!(
                s.method,
                Some(ServiceMethod::LeaveAtPremises | ServiceMethod::PublicNotice)
            ) && n == 0
            {
                return Err(
                    ValidationError::new("av_evidence", ValidationCode::Required)
                        .of_kind(body.kind()),
                );
            }
        }
        // Art. 11: non-cooperation is recorded in words *and* on audio/video.
        RecordBody::NonCooperationRecord(_) if av(&[])? == 0 => {
            return Err(
                ValidationError::new("av_evidence", ValidationCode::Required).of_kind(body.kind()),
            );
        }
        _ => {}
    }
    Ok(())
}

/// Any `party_id` / `recipient_party` must name a party of the case.
pub fn check_party_refs(case: &Case, value: &serde_json::Value) -> Result<(), ValidationError> {
    for field in ["party_id", "recipient_party"] {
        if let Some(id) = value.get(field).and_then(|v| v.as_str()) {
            if !case.info.parties.iter().any(|p| p.id.to_string() == id) {
                return Err(ValidationError::new(
                    field,
                    ValidationCode::UnknownReference,
                ));
            }
        }
    }
    Ok(())
}

/// Officers named on an enforcement record: at least two, distinct, of this case, each with a
/// certificate valid on the day; and, where required, each certificate shown (Art. 9).
pub fn check_officers(
    case: &Case,
    body: &RecordBody,
    req: &Requirement,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    officer_problem(case, body, req, local_date(now)).map_or(Ok(()), |p| Err(p.error()))
}

/// Why the officers of a record do not meet the rule: the finalize check refuses with its
/// `error()`, the completeness report names the officer and the reason from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerProblem {
    /// The field path (`officers[1]`, `certificates[0]`, `officers`).
    pub field: String,
    /// The certificate number concerned, when one officer is.
    pub cert_no: Option<String>,
    /// The officer's name, when the case knows them.
    pub name: Option<String>,
    /// The day the certificate was judged on.
    pub day: chrono::NaiveDate,
    /// What exactly is wrong.
    pub reason: OfficerReason,
}

casetrail_model::code_enum!(
    /// What exactly is wrong with a record's officers; each has a zh/en text
    /// (`officer-reason-<code>`).
    OfficerReason {
        /// The certificate number is not an officer of the case.
        Unknown = "unknown",
        /// The same officer is named twice.
        Duplicate = "duplicate",
        /// The certificate's validity starts after the day.
        NotYetValid = "not_yet_valid",
        /// The certificate's validity ended before the day.
        Expired = "expired",
        /// The certificate has no validity window on record.
        NoValidity = "no_validity",
        /// The issuing bureau suspended or revoked the certificate.
        Withdrawn = "withdrawn",
        /// Fewer than two officers.
        TooFew = "too_few",
        /// The record does not state that the certificate was shown (Art. 9).
        NotShown = "not_shown",
    }
);

impl OfficerProblem {
    /// The validation error the finalize check returns.
    pub fn error(&self) -> ValidationError {
        use OfficerReason::*;
        let code = match self.reason {
            Unknown => ValidationCode::UnknownReference,
            Duplicate => ValidationCode::Duplicate,
            NotYetValid | Expired | NoValidity | Withdrawn => ValidationCode::CertificateNotValid,
            TooFew => ValidationCode::TooFew { min: MIN_OFFICERS },
            NotShown => ValidationCode::Required,
        };
        ValidationError::new(self.field.clone(), code)
    }
}

/// The first problem with the officers of `body` on `day`, if any (see `check_officers`).
pub fn officer_problem(
    case: &Case,
    body: &RecordBody,
    req: &Requirement,
    day: chrono::NaiveDate,
) -> Option<OfficerProblem> {
    let officers = body.officers();
    let problem = |field: String, cert: Option<&String>, reason| OfficerProblem {
        field,
        cert_no: cert.cloned(),
        name: cert
            .and_then(|c| case.officer(c))
            .map(|o| o.name.clone())
            .filter(|n| !n.is_empty()),
        day,
        reason,
    };
    for (i, cert) in officers.iter().enumerate() {
        let field = format!("officers[{i}]");
        if officers[..i].contains(cert) {
            return Some(problem(field, Some(cert), OfficerReason::Duplicate));
        }
        let Some(officer) = case.officer(cert) else {
            return Some(problem(field, Some(cert), OfficerReason::Unknown));
        };
        if !officer.is_valid_on(day) {
            let reason = match (officer.cert_valid_from, officer.cert_valid_to) {
                _ if officer.cert_status != casetrail_model::CertStatus::Valid => {
                    OfficerReason::Withdrawn
                }
                (Some(from), _) if day < from => OfficerReason::NotYetValid,
                (_, Some(to)) if to < day => OfficerReason::Expired,
                _ => OfficerReason::NoValidity,
            };
            return Some(problem(field, Some(cert), reason));
        }
    }
    if req.officers && officers.len() < MIN_OFFICERS {
        return Some(problem("officers".into(), None, OfficerReason::TooFew));
    }
    if req.certificates_shown {
        let shown = match body {
            RecordBody::InquiryRecord(b) => &b.certificates,
            RecordBody::OnsiteInspectionRecord(b) => &b.certificates,
            _ => return None,
        };
        for (i, cert) in officers.iter().enumerate() {
            if !shown.iter().any(|c| &c.cert_no == cert && c.shown) {
                return Some(problem(
                    format!("certificates[{i}]"),
                    Some(cert),
                    OfficerReason::NotShown,
                ));
            }
        }
    }
    None
}

/// The fields each service method needs (Art. 17; 民诉法 §87–95).
pub fn service_method_fields(method: ServiceMethod) -> &'static [&'static str] {
    match method {
        ServiceMethod::Direct => &["receiver", "address"],
        ServiceMethod::LeaveAtPremises => &["refusal_reason", "refused_at", "witnesses", "address"],
        ServiceMethod::Postal => &["tracking_no", "address"],
        ServiceMethod::Entrusted | ServiceMethod::Forwarded => {
            &["entrusted_to", "entrust_reason", "receiver"]
        }
        ServiceMethod::Electronic => &[
            "electronic_channel",
            "electronic_consent",
            "electronic_arrived_at",
        ],
        ServiceMethod::PublicNotice => {
            &["notice_medium", "published_at", "why_other_methods_failed"]
        }
    }
}

fn check_service_fields(s: &casetrail_model::bodies::ServiceRecord) -> Result<(), ValidationError> {
    let Some(method) = s.method else {
        return Err(ValidationError::new("method", ValidationCode::Required));
    };
    let value = serde_json::to_value(s)
        .map_err(|_| ValidationError::new("body", ValidationCode::BadFormat))?;
    for field in service_method_fields(method) {
        if !is_filled(&value, field) {
            return Err(ValidationError::new(*field, ValidationCode::Required));
        }
    }
    Ok(())
}

/// The signature slots a finalized record of this content needs.
pub fn slots_for(case: &Case, body: &RecordBody) -> Vec<SlotSpec> {
    let req = requirement(body.kind());
    let value = body.to_value().unwrap_or(serde_json::Value::Null);
    let mut slots = Vec::new();
    let officer_slot = |role: SignerRole, cert: &String| SlotSpec {
        role: Some(role),
        signer_name: case
            .officer(cert)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        cert_no: Some(cert.clone()),
        required: true,
        affirmation: String::new(),
    };
    for rule in req.slots {
        match *rule {
            SlotRule::EachOfficer(role) => {
                slots.extend(body.officers().iter().map(|c| officer_slot(role, c)));
            }
            SlotRule::Role(role, affirmation) => slots.push(SlotSpec {
                role: Some(role),
                signer_name: signer_name(case, role, &value),
                cert_no: None,
                required: true,
                affirmation: affirmation.to_owned(),
            }),
            SlotRule::Service => {
                let RecordBody::ServiceReceipt(s) = body else {
                    continue;
                };
                let method = s.method;
                let signs = !matches!(
                    method,
                    Some(
                        ServiceMethod::Postal
                            | ServiceMethod::Electronic
                            | ServiceMethod::PublicNotice
                    )
                );
                if signs {
                    slots.extend(
                        s.officers
                            .iter()
                            .map(|c| officer_slot(SignerRole::ServingOfficer, c)),
                    );
                }
                if matches!(
                    method,
                    Some(
                        ServiceMethod::Direct | ServiceMethod::Entrusted | ServiceMethod::Forwarded
                    )
                ) {
                    slots.push(SlotSpec {
                        role: Some(SignerRole::Recipient),
                        signer_name: s
                            .receiver
                            .as_ref()
                            .map(|p| p.name.clone())
                            .unwrap_or_default(),
                        cert_no: None,
                        required: true,
                        affirmation: requirements::AFFIRM_RECEIPT.to_owned(),
                    });
                }
                if method == Some(ServiceMethod::LeaveAtPremises) {
                    slots.extend(s.witnesses.iter().map(|w| SlotSpec {
                        role: Some(SignerRole::Witness),
                        signer_name: w.name.clone(),
                        cert_no: None,
                        required: true,
                        affirmation: String::new(),
                    }));
                }
            }
        }
    }
    slots
}

fn signer_name(case: &Case, role: SignerRole, v: &serde_json::Value) -> String {
    let s = |path: &[&str]| -> Option<String> {
        let mut cur = v;
        for p in path {
            cur = match p.parse::<usize>() {
                Ok(i) => cur.get(i)?,
                Err(_) => cur.get(*p)?,
            };
        }
        cur.as_str().map(str::to_owned).filter(|s| !s.is_empty())
    };
    let party = || {
        let by_id = v.get("party_id").and_then(|p| p.as_str()).and_then(|id| {
            case.info
                .parties
                .iter()
                .find(|p| p.id.to_string() == id)
                .map(|p| p.name.clone())
        });
        by_id.or_else(|| case.info.parties.first().map(|p| p.name.clone()))
    };
    let found = match role {
        SignerRole::Interviewee => {
            s(&["interviewee", "name"]).or_else(|| s(&["interviewees", "0", "name"]))
        }
        SignerRole::Party | SignerRole::LegalRep => s(&["speaker", "name"])
            .or_else(|| s(&["declarant"]))
            .or_else(party),
        SignerRole::Provider => s(&["provider", "name"]),
        SignerRole::Approver => {
            s(&["approval", "approver"]).or_else(|| s(&["leader_approval", "approver"]))
        }
        SignerRole::Reviewer => s(&["reviewers", "0"]),
        SignerRole::HearingHost => s(&["host"]),
        _ => None,
    };
    found.unwrap_or_default()
}

//! The one place where the model meets evidence format v1: conversions between the domain types
//! and the frozen event bodies of `casetrail_protocol::events::v1`.
//!
//! Writing, the model turns into v1 structs (infallible). Reading, v1 structs turn back into the
//! model; a code the model does not know (a newer writer's, or a damaged body that still hashes
//! right) is a `FromV1Error` naming the field and the code, never a silent default. Codes travel
//! as the model's serde names, so a v1 code and the model's code for the same value are the same
//! string by construction.

use casetrail_protocol::events::v1;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{
    BackofficeDecision, CaseDraft, Crs, EvidenceItem, FindingKey, IdDocument, LegalBasis,
    LocationReading, NamedRepresentative, Officer, Party, Person, Refusal, SignatureMark, SlotSpec,
    StoredFile, Witness,
};

/// A v1 body names a code the model does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: unknown code {code:?}")]
pub struct FromV1Error {
    /// The field.
    pub field: &'static str,
    /// The code found.
    pub code: String,
}

/// The code of a model value: its serde name.
pub fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The model value of a code.
pub fn from_code<T: DeserializeOwned>(field: &'static str, code: &str) -> Result<T, FromV1Error> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| FromV1Error {
        field,
        code: code.to_owned(),
    })
}

fn opt_code<T: DeserializeOwned>(
    field: &'static str,
    code: &Option<String>,
) -> Result<Option<T>, FromV1Error> {
    code.as_deref().map(|c| from_code(field, c)).transpose()
}

impl From<&CaseDraft> for v1::Case {
    fn from(c: &CaseDraft) -> Self {
        v1::Case {
            case_no: c.case_no.clone(),
            title: c.title.clone(),
            cause: code_of(&c.cause),
            cause_text: c.cause_text.clone(),
            legal_basis: c.legal_basis.iter().map(Into::into).collect(),
            procedure: code_of(&c.procedure),
            is_major: c.is_major,
            emergency_start: c.emergency_start,
            source: code_of(&c.source),
            handling_unit: c.handling_unit.clone(),
            initial_status: code_of(&c.initial_status),
            officers: c.officers.iter().map(Into::into).collect(),
            parties: c.parties.iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<&v1::Case> for CaseDraft {
    type Error = FromV1Error;
    fn try_from(c: &v1::Case) -> Result<Self, FromV1Error> {
        Ok(CaseDraft {
            case_no: c.case_no.clone(),
            title: c.title.clone(),
            cause: from_code("cause", &c.cause)?,
            cause_text: c.cause_text.clone(),
            legal_basis: c.legal_basis.iter().map(Into::into).collect(),
            procedure: from_code("procedure", &c.procedure)?,
            is_major: c.is_major,
            emergency_start: c.emergency_start,
            source: from_code("source", &c.source)?,
            handling_unit: c.handling_unit.clone(),
            initial_status: from_code("initial_status", &c.initial_status)?,
            officers: c
                .officers
                .iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            parties: c
                .parties
                .iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl From<&LegalBasis> for v1::LegalBasis {
    fn from(b: &LegalBasis) -> Self {
        v1::LegalBasis {
            law: b.law.clone(),
            version: b.version.clone(),
            article: b.article.clone(),
            clause: b.clause.clone(),
        }
    }
}

impl From<&v1::LegalBasis> for LegalBasis {
    fn from(b: &v1::LegalBasis) -> Self {
        LegalBasis {
            law: b.law.clone(),
            version: b.version.clone(),
            article: b.article.clone(),
            clause: b.clause.clone(),
        }
    }
}

impl From<&Officer> for v1::Officer {
    fn from(o: &Officer) -> Self {
        v1::Officer {
            name: o.name.clone(),
            unit: o.unit.clone(),
            cert_no: o.cert_no.clone(),
            cert_valid_from: o.cert_valid_from,
            cert_valid_to: o.cert_valid_to,
            cert_status: code_of(&o.cert_status),
        }
    }
}

impl TryFrom<&v1::Officer> for Officer {
    type Error = FromV1Error;
    fn try_from(o: &v1::Officer) -> Result<Self, FromV1Error> {
        Ok(Officer {
            name: o.name.clone(),
            unit: o.unit.clone(),
            cert_no: o.cert_no.clone(),
            cert_valid_from: o.cert_valid_from,
            cert_valid_to: o.cert_valid_to,
            cert_status: from_code("cert_status", &o.cert_status)?,
        })
    }
}

impl From<&Party> for v1::Party {
    fn from(p: &Party) -> Self {
        v1::Party {
            id: p.id,
            kind: code_of(&p.kind),
            name: p.name.clone(),
            uscc: p.uscc.clone(),
            legal_rep: p.legal_rep.as_ref().map(|r| v1::NamedRepresentative {
                name: r.name.clone(),
                title: r.title.clone(),
            }),
            id_doc: p.id_doc.as_ref().map(Into::into),
            address: p.address.clone(),
            phone: p.phone.clone(),
        }
    }
}

impl TryFrom<&v1::Party> for Party {
    type Error = FromV1Error;
    fn try_from(p: &v1::Party) -> Result<Self, FromV1Error> {
        Ok(Party {
            id: p.id,
            kind: from_code("kind", &p.kind)?,
            name: p.name.clone(),
            uscc: p.uscc.clone(),
            legal_rep: p.legal_rep.as_ref().map(|r| NamedRepresentative {
                name: r.name.clone(),
                title: r.title.clone(),
            }),
            id_doc: p.id_doc.as_ref().map(TryInto::try_into).transpose()?,
            address: p.address.clone(),
            phone: p.phone.clone(),
        })
    }
}

impl From<&IdDocument> for v1::IdDocument {
    fn from(d: &IdDocument) -> Self {
        v1::IdDocument {
            doc_type: code_of(&d.doc_type),
            number: d.number.clone(),
        }
    }
}

impl TryFrom<&v1::IdDocument> for IdDocument {
    type Error = FromV1Error;
    fn try_from(d: &v1::IdDocument) -> Result<Self, FromV1Error> {
        Ok(IdDocument {
            doc_type: from_code("doc_type", &d.doc_type)?,
            number: d.number.clone(),
        })
    }
}

impl From<&Person> for v1::Person {
    fn from(p: &Person) -> Self {
        v1::Person {
            name: p.name.clone(),
            id_doc: p.id_doc.as_ref().map(Into::into),
            employer: p.employer.clone(),
            position: p.position.clone(),
            phone: p.phone.clone(),
            relation: code_of(&p.relation),
        }
    }
}

impl TryFrom<&v1::Person> for Person {
    type Error = FromV1Error;
    fn try_from(p: &v1::Person) -> Result<Self, FromV1Error> {
        Ok(Person {
            name: p.name.clone(),
            id_doc: p.id_doc.as_ref().map(TryInto::try_into).transpose()?,
            employer: p.employer.clone(),
            position: p.position.clone(),
            phone: p.phone.clone(),
            relation: from_code("relation", &p.relation)?,
        })
    }
}

impl From<&StoredFile> for v1::StoredFile {
    fn from(f: &StoredFile) -> Self {
        v1::StoredFile {
            sha256: f.sha256,
            size: f.size,
            mime: f.mime.clone(),
        }
    }
}

impl From<&v1::StoredFile> for StoredFile {
    fn from(f: &v1::StoredFile) -> Self {
        StoredFile {
            sha256: f.sha256,
            size: f.size,
            mime: f.mime.clone(),
        }
    }
}

impl From<&LocationReading> for v1::Location {
    fn from(l: &LocationReading) -> Self {
        match l {
            LocationReading::Fix {
                lat,
                lon,
                accuracy_m,
                crs,
                fixed_at,
            } => v1::Location::Fix {
                lat: *lat,
                lon: *lon,
                accuracy_m: *accuracy_m,
                crs: code_of(crs),
                fixed_at: *fixed_at,
            },
            LocationReading::NoFix { reason } => v1::Location::NoFix {
                reason: reason.clone(),
            },
        }
    }
}

impl TryFrom<&v1::Location> for LocationReading {
    type Error = FromV1Error;
    fn try_from(l: &v1::Location) -> Result<Self, FromV1Error> {
        Ok(match l {
            v1::Location::Fix {
                lat,
                lon,
                accuracy_m,
                crs,
                fixed_at,
            } => LocationReading::Fix {
                lat: *lat,
                lon: *lon,
                accuracy_m: *accuracy_m,
                crs: from_code::<Crs>("crs", crs)?,
                fixed_at: *fixed_at,
            },
            v1::Location::NoFix { reason } => LocationReading::NoFix {
                reason: reason.clone(),
            },
        })
    }
}

impl From<&EvidenceItem> for v1::EvidenceItem {
    fn from(e: &EvidenceItem) -> Self {
        v1::EvidenceItem {
            id: e.id,
            case_id: e.case_id,
            record_id: e.record_id,
            kind: code_of(&e.kind),
            category: e.category.as_ref().map(code_of),
            activity: code_of(&e.activity),
            purpose: e.purpose.clone(),
            original: (&e.original).into(),
            derivative: e.derivative.as_ref().map(Into::into),
            captured_at: e.captured_at,
            captured_by: e.captured_by.clone(),
            location: e.location.as_ref().map(Into::into),
            address: e.address.clone(),
            device_id: e.device_id,
        }
    }
}

impl TryFrom<&v1::EvidenceItem> for EvidenceItem {
    type Error = FromV1Error;
    fn try_from(e: &v1::EvidenceItem) -> Result<Self, FromV1Error> {
        Ok(EvidenceItem {
            id: e.id,
            case_id: e.case_id,
            record_id: e.record_id,
            kind: from_code("kind", &e.kind)?,
            category: opt_code("category", &e.category)?,
            activity: from_code("activity", &e.activity)?,
            purpose: e.purpose.clone(),
            original: (&e.original).into(),
            derivative: e.derivative.as_ref().map(Into::into),
            captured_at: e.captured_at,
            captured_by: e.captured_by.clone(),
            location: e.location.as_ref().map(TryInto::try_into).transpose()?,
            address: e.address.clone(),
            device_id: e.device_id,
        })
    }
}

impl From<&SlotSpec> for v1::SlotSpec {
    fn from(s: &SlotSpec) -> Self {
        v1::SlotSpec {
            role: s.role.as_ref().map(code_of),
            signer_name: s.signer_name.clone(),
            cert_no: s.cert_no.clone(),
            required: s.required,
            affirmation: s.affirmation.clone(),
        }
    }
}

impl TryFrom<&v1::SlotSpec> for SlotSpec {
    type Error = FromV1Error;
    fn try_from(s: &v1::SlotSpec) -> Result<Self, FromV1Error> {
        Ok(SlotSpec {
            role: opt_code("role", &s.role)?,
            signer_name: s.signer_name.clone(),
            cert_no: s.cert_no.clone(),
            required: s.required,
            affirmation: s.affirmation.clone(),
        })
    }
}

impl From<&SignatureMark> for v1::SignatureMark {
    fn from(m: &SignatureMark) -> Self {
        v1::SignatureMark {
            strokes_sha256: m.strokes_sha256,
            image_sha256: m.image_sha256,
            evidence_id: m.evidence_id,
        }
    }
}

impl From<&v1::SignatureMark> for SignatureMark {
    fn from(m: &v1::SignatureMark) -> Self {
        SignatureMark {
            strokes_sha256: m.strokes_sha256,
            image_sha256: m.image_sha256,
            evidence_id: m.evidence_id,
        }
    }
}

impl From<&Refusal> for v1::Refusal {
    fn from(r: &Refusal) -> Self {
        v1::Refusal {
            reason: code_of(&r.reason),
            reason_text: r.reason_text.clone(),
            noted_by: r.noted_by.clone(),
            annotation: r.annotation.clone(),
            witness: r.witness.as_ref().map(|w| v1::Witness {
                person: (&w.person).into(),
                role_text: w.role_text.clone(),
                signature: w.signature.as_ref().map(Into::into),
            }),
            av_evidence: r.av_evidence.clone(),
            content_hash: r.content_hash,
        }
    }
}

impl TryFrom<&v1::Refusal> for Refusal {
    type Error = FromV1Error;
    fn try_from(r: &v1::Refusal) -> Result<Self, FromV1Error> {
        Ok(Refusal {
            reason: from_code("reason", &r.reason)?,
            reason_text: r.reason_text.clone(),
            noted_by: r.noted_by.clone(),
            annotation: r.annotation.clone(),
            witness: r
                .witness
                .as_ref()
                .map(|w| {
                    Ok::<_, FromV1Error>(Witness {
                        person: (&w.person).try_into()?,
                        role_text: w.role_text.clone(),
                        signature: w.signature.as_ref().map(Into::into),
                    })
                })
                .transpose()?,
            av_evidence: r.av_evidence.clone(),
            content_hash: r.content_hash,
        })
    }
}

impl From<&BackofficeDecision> for v1::Decision {
    fn from(d: &BackofficeDecision) -> Self {
        v1::Decision {
            subject: code_of(&d.subject),
            result: code_of(&d.result),
            decided_by: d.decided_by.clone(),
            opinion: d.opinion.clone(),
            decided_at: d.decided_at,
        }
    }
}

impl TryFrom<&v1::Decision> for BackofficeDecision {
    type Error = FromV1Error;
    fn try_from(d: &v1::Decision) -> Result<Self, FromV1Error> {
        Ok(BackofficeDecision {
            subject: from_code("subject", &d.subject)?,
            result: from_code("result", &d.result)?,
            decided_by: d.decided_by.clone(),
            opinion: d.opinion.clone(),
            decided_at: d.decided_at,
        })
    }
}

impl From<&FindingKey> for v1::FindingKey {
    fn from(k: &FindingKey) -> Self {
        v1::FindingKey {
            code: k.code.clone(),
            subject: k.subject.clone(),
        }
    }
}

impl From<&v1::FindingKey> for FindingKey {
    fn from(k: &v1::FindingKey) -> Self {
        FindingKey {
            code: k.code.clone(),
            subject: k.subject.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaseStatus, EvidenceKind, ViolationType};

    #[test]
    fn codes_are_the_model_serde_names_both_ways() {
        assert_eq!(code_of(&CaseStatus::PreCheck), "pre_check");
        assert_eq!(code_of(&EvidenceKind::Photo), "photo");
        assert_eq!(
            from_code::<ViolationType>("cause", "false_data"),
            Ok(ViolationType::FalseData)
        );
        assert_eq!(
            from_code::<CaseStatus>("to", "flying"),
            Err(FromV1Error {
                field: "to",
                code: "flying".into()
            })
        );
    }

    /// The v1 structs serialize byte for byte as the model always did, so journals written
    /// before the format had its own structs read the same.
    #[test]
    fn v1_bytes_equal_the_model_bytes() {
        let draft = CaseDraft {
            case_no: "望统检〔2026〕9号".into(),
            officers: vec![Officer {
                name: "李明".into(),
                cert_no: "LN210404-0012".into(),
                cert_valid_from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
                ..Officer::default()
            }],
            parties: vec![Party {
                name: "某公司".into(),
                id_doc: Some(IdDocument::default()),
                legal_rep: Some(NamedRepresentative::default()),
                ..Party::default()
            }],
            legal_basis: vec![LegalBasis::default()],
            ..CaseDraft::default()
        };
        let v1: v1::Case = (&draft).into();
        assert_eq!(
            serde_json::to_string(&v1).unwrap(),
            serde_json::to_string(&draft).unwrap()
        );
        assert_eq!(CaseDraft::try_from(&v1).unwrap(), draft);
        let person = Person {
            name: "刘建华".into(),
            ..Person::default()
        };
        let v1p: v1::Person = (&person).into();
        assert_eq!(
            serde_json::to_string(&v1p).unwrap(),
            serde_json::to_string(&person).unwrap()
        );
    }
}

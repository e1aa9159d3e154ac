//! A case as the app enters it — case number, cause, legal basis, officers with their
//! certificates, parties — as typed records instead of a JSON document, and back (the sample,
//! the case screen). Codes are the core's (`choices("violation_type")`, `case_source`,
//! `procedure`, `case_status`, `party_kind`, `id_doc_type`, `cert_status`); a code the core does
//! not know is an error naming its path (`officers[1].cert_status`), and the model's own checks
//! then run as for every case.

use casetrail_core::model::{
    CaseDraft, CaseSource, CaseStatus, CertStatus, IdDocType, IdDocument, LegalBasis,
    NamedRepresentative, Officer, Party, PartyKind, Procedure, ViolationType,
};
use chrono::{Datelike, NaiveDate};

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Day {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl From<NaiveDate> for Day {
    fn from(d: NaiveDate) -> Self {
        Day {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }
}

/// A legal basis of the case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LegalBasisInput {
    /// 法律名称 (中华人民共和国统计法).
    pub law: String,
    /// Version (2024, or a date).
    pub version: String,
    /// Article (44 or 第四十四条).
    pub article: String,
    /// Clause or item (1(2)).
    pub clause: Option<String>,
}

/// An officer on the case with the 统计执法证 that entitles them to act.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfficerInput {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 统计执法证号.
    pub cert_no: String,
    /// First day the certificate is valid.
    pub cert_valid_from: Option<Day>,
    /// Last day it is valid.
    pub cert_valid_to: Option<Day>,
    /// `valid`, `suspended`, `revoked` (`choices("cert_status")`).
    pub cert_status: String,
}

/// A party of the case (当事人).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartyInput {
    /// Its id; `None` for a new party (one is made).
    pub id: Option<String>,
    /// `choices("party_kind")`.
    pub kind: String,
    /// 名称 exactly as on the business licence, or the person's 姓名.
    pub name: String,
    /// 统一社会信用代码 (organisations).
    pub uscc: Option<String>,
    /// 法定代表人/负责人: name …
    pub legal_rep_name: Option<String>,
    /// … and title.
    pub legal_rep_title: String,
    /// A natural person's identity document type (`choices("id_doc_type")`) …
    pub id_doc_type: Option<String>,
    /// … and number.
    pub id_doc_number: String,
    /// 住所/经营地址.
    pub address: String,
    /// 联系电话.
    pub phone: String,
}

/// What the inspector enters to open a case or an inspection.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseDraftInput {
    /// 案号 or 检查任务号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// 案由 (`choices("violation_type")`).
    pub cause: String,
    /// 案由 in words.
    pub cause_text: String,
    /// Legal basis.
    pub legal_basis: Vec<LegalBasisInput>,
    /// `choices("procedure")`.
    pub procedure: String,
    /// 重大案件.
    pub is_major: bool,
    /// Started before approval in an emergency (Art. 6).
    pub emergency_start: bool,
    /// 案件来源 (`choices("case_source")`).
    pub source: String,
    /// 承办机构.
    pub handling_unit: String,
    /// Status to start in (`choices("case_status")`: `pre_check`, `filed`, `clue_registered`).
    pub initial_status: String,
    /// At least two officers.
    pub officers: Vec<OfficerInput>,
    /// The parties.
    pub parties: Vec<PartyInput>,
}

/// A code that is not one of the list's, at `path`.
#[derive(Debug)]
pub(crate) struct BadCode(pub String);

fn code<T>(path: &str, s: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, BadCode> {
    parse(s.trim()).ok_or_else(|| BadCode(path.to_owned()))
}

fn day(path: &str, d: Option<Day>) -> Result<Option<NaiveDate>, BadCode> {
    d.map(|d| NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or_else(|| BadCode(path.into())))
        .transpose()
}

impl CaseDraftInput {
    /// The core's draft; a code or day that cannot be read is named by its path.
    pub(crate) fn to_core(&self) -> Result<CaseDraft, BadCode> {
        Ok(CaseDraft {
            case_no: self.case_no.clone(),
            title: self.title.clone(),
            cause: code("cause", &self.cause, ViolationType::parse)?,
            cause_text: self.cause_text.clone(),
            legal_basis: self
                .legal_basis
                .iter()
                .map(|b| LegalBasis {
                    law: b.law.clone(),
                    version: b.version.clone(),
                    article: b.article.clone(),
                    clause: b.clause.clone(),
                })
                .collect(),
            procedure: code("procedure", &self.procedure, Procedure::parse)?,
            is_major: self.is_major,
            emergency_start: self.emergency_start,
            source: code("source", &self.source, CaseSource::parse)?,
            handling_unit: self.handling_unit.clone(),
            initial_status: code("initial_status", &self.initial_status, CaseStatus::parse)?,
            officers: self
                .officers
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let at = |f: &str| format!("officers[{i}].{f}");
                    Ok(Officer {
                        name: o.name.clone(),
                        unit: o.unit.clone(),
                        cert_no: o.cert_no.clone(),
                        cert_valid_from: day(&at("cert_valid_from"), o.cert_valid_from)?,
                        cert_valid_to: day(&at("cert_valid_to"), o.cert_valid_to)?,
                        cert_status: code(&at("cert_status"), &o.cert_status, CertStatus::parse)?,
                    })
                })
                .collect::<Result<_, BadCode>>()?,
            parties: self
                .parties
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let at = |f: &str| format!("parties[{i}].{f}");
                    Ok(Party {
                        id: match &p.id {
                            Some(id) => id.trim().parse().map_err(|_| BadCode(at("id")))?,
                            None => Default::default(),
                        },
                        kind: code(&at("kind"), &p.kind, PartyKind::parse)?,
                        name: p.name.clone(),
                        uscc: p.uscc.clone().filter(|u| !u.trim().is_empty()),
                        legal_rep: p.legal_rep_name.as_ref().map(|name| NamedRepresentative {
                            name: name.clone(),
                            title: p.legal_rep_title.clone(),
                        }),
                        id_doc: p
                            .id_doc_type
                            .as_deref()
                            .map(|t| {
                                Ok(IdDocument {
                                    doc_type: code(&at("id_doc.doc_type"), t, IdDocType::parse)?,
                                    number: p.id_doc_number.clone(),
                                })
                            })
                            .transpose()?,
                        address: p.address.clone(),
                        phone: p.phone.clone(),
                    })
                })
                .collect::<Result<_, BadCode>>()?,
        })
    }

    /// The app's view of the core's draft.
    pub(crate) fn of(d: &CaseDraft) -> Self {
        CaseDraftInput {
            case_no: d.case_no.clone(),
            title: d.title.clone(),
            cause: d.cause.as_str().to_owned(),
            cause_text: d.cause_text.clone(),
            legal_basis: d
                .legal_basis
                .iter()
                .map(|b| LegalBasisInput {
                    law: b.law.clone(),
                    version: b.version.clone(),
                    article: b.article.clone(),
                    clause: b.clause.clone(),
                })
                .collect(),
            procedure: d.procedure.as_str().to_owned(),
            is_major: d.is_major,
            emergency_start: d.emergency_start,
            source: d.source.as_str().to_owned(),
            handling_unit: d.handling_unit.clone(),
            initial_status: d.initial_status.as_str().to_owned(),
            officers: d
                .officers
                .iter()
                .map(|o| OfficerInput {
                    name: o.name.clone(),
                    unit: o.unit.clone(),
                    cert_no: o.cert_no.clone(),
                    cert_valid_from: o.cert_valid_from.map(Day::from),
                    cert_valid_to: o.cert_valid_to.map(Day::from),
                    cert_status: o.cert_status.as_str().to_owned(),
                })
                .collect(),
            parties: d
                .parties
                .iter()
                .map(|p| PartyInput {
                    id: Some(p.id.to_string()),
                    kind: p.kind.as_str().to_owned(),
                    name: p.name.clone(),
                    uscc: p.uscc.clone(),
                    legal_rep_name: p.legal_rep.as_ref().map(|r| r.name.clone()),
                    legal_rep_title: p
                        .legal_rep
                        .as_ref()
                        .map(|r| r.title.clone())
                        .unwrap_or_default(),
                    id_doc_type: p.id_doc.as_ref().map(|d| d.doc_type.as_str().to_owned()),
                    id_doc_number: p
                        .id_doc
                        .as_ref()
                        .map(|d| d.number.clone())
                        .unwrap_or_default(),
                    address: p.address.clone(),
                    phone: p.phone.clone(),
                })
                .collect(),
        }
    }
}

//! Record forms across the boundary, typed: the core's form schema of each kind (sections,
//! fields with their type, label, help, requirement and article, limits, defaults, relevance)
//! and a form's values as typed entries keyed by field path — so an app renders and fills any
//! kind from the schema alone, with no JSON and no copy of a rule.
//!
//! The fields of a section come flattened in order, each naming its `parent` (a group, a
//! person, or the items of a list), because a uniffi record cannot hold a list of itself.
//! Values name concrete paths: `place`, `interviewee.name`, `qa[0].question`, `officers[1]`.

use std::time::SystemTime;

use casetrail_core::i18n::{self, Lang};
use casetrail_core::model::{RecordKind, ValidationError};
use casetrail_core::present::describe_validation;
use casetrail_core::rules::form::{self, FieldType, FormField, FormSchema};
use casetrail_core::rules::{AvRule, FormEntry, form_entries, form_schema};
use casetrail_core::store::FormDraft;
use serde_json::Value;

use crate::types::Choice;

/// What a field holds, and so which editor it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (facts, answers, opinions).
    LongText,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// A calendar date (`FieldValue::Date`).
    Date,
    /// An instant (`FieldValue::Instant`); the end of a time range names its start in
    /// `not_before`.
    DateTime,
    /// Yes or no.
    YesNo,
    /// A code from `choices`.
    Choice,
    /// A person of the case: fill the fields under it; `person_relation` is the default.
    Person,
    /// A party of the case, by id (`CaseDetail.parties`).
    Party,
    /// An officer of the case, by certificate number (`CaseDetail.officers`).
    OfficerCertificate,
    /// A postal address or place.
    Address,
    /// An evidence item of the case, by id.
    Evidence,
    /// Another record of the case, by id.
    Record,
    /// A group of fields: fill the fields under it.
    Group,
}

/// Whether a field must be filled before the record is finalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldNeed {
    /// May stay empty.
    Optional,
    /// Always required.
    Required,
    /// Required when the case is major (重大案件).
    RequiredIfMajor,
    /// Required whenever it is shown.
    RequiredIfRelevant,
    /// Required once the group or person above it is given at all (a person's name).
    RequiredInGroup,
}

/// What the core fills a field with when a form opens (`form_defaults`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldDefault {
    /// The workspace clock's now.
    Now,
    /// The case's officers.
    CaseOfficers,
    /// The case's first party.
    CaseParty,
    /// The first party's address.
    PartyAddress,
}

/// When a field is shown.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FieldRelevance {
    /// Always.
    Always,
    /// When the case is major.
    MajorCase,
    /// When the field at `path` (same item) holds one of `any_of`.
    Equals {
        /// The other field's path.
        path: String,
        /// Its codes.
        any_of: Vec<String>,
    },
    /// When the yes/no field at `path` is yes.
    IsTrue {
        /// The other field's path.
        path: String,
    },
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormFieldView {
    /// Schema path: `place`, `interviewee.name`, `qa[].answer` (`[]` stands for an item's
    /// index in a value's path).
    pub path: String,
    /// The field this one is under (a group, a person, a list's items), if any.
    pub parent: Option<String>,
    /// Its own name (the last segment).
    pub name: String,
    /// What it holds.
    pub kind: FieldKind,
    /// For a choice: the codes and their labels.
    pub choices: Vec<Choice>,
    /// For a person: the relation a new one gets.
    pub person_relation: Option<String>,
    /// Label.
    pub label: String,
    /// Help text.
    pub help: String,
    /// Whether it may be left empty in a saved record.
    pub nullable: bool,
    /// A list: at least this many items …
    pub min_items: Option<u32>,
    /// … and at most this many.
    pub max_items: Option<u32>,
    /// Whether finalizing needs it.
    pub need: FieldNeed,
    /// The articles that require it.
    pub required_by: Vec<String>,
    /// Longest text, in characters.
    pub max_len: Option<u32>,
    /// Smallest number.
    pub min_value: Option<i64>,
    /// Largest number.
    pub max_value: Option<i64>,
    /// The end of a time range: the path of its start, which it may not precede.
    pub not_before: Option<String>,
    /// What the core fills it with.
    pub default_from: Option<FieldDefault>,
    /// When it is shown.
    pub relevant: FieldRelevance,
}

/// A titled part of a form.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormSectionView {
    /// Stable id (`basic`, `people`, `content` …).
    pub id: String,
    /// Title.
    pub label: String,
    /// Its fields and the fields under them, in order.
    pub fields: Vec<FormFieldView>,
}

/// Who signs a finalized record of the kind.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignatureSpecView {
    /// `each_officer`, `role` or `service`.
    pub rule: String,
    /// The signer's role code, if one.
    pub role: Option<String>,
    /// Label.
    pub label: String,
    /// The words the signer affirms.
    pub affirmation: String,
}

/// Whether a record of the kind needs audio/video (音像记录) before it is finalized.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AvNeed {
    /// Not normally recorded.
    None,
    /// As the situation requires.
    Situational,
    /// Needed, unless the field `reason_field` says why it was unsuitable (Art. 12).
    RequiredUnlessReason {
        /// The field that gives the reason.
        reason_field: String,
    },
    /// Needed: capture photos, audio or video for the record before finalizing it.
    Required,
    /// As the service method requires (Art. 17).
    ByServiceMethod,
}

/// The form of one record kind.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormSchemaView {
    /// Kind code.
    pub kind: String,
    /// Kind label.
    pub label: String,
    /// Sections in order.
    pub sections: Vec<FormSectionView>,
    /// Who signs it.
    pub signatures: Vec<SignatureSpecView>,
    /// Its audio/video rule.
    pub av: AvNeed,
}

impl FormSchemaView {
    pub(crate) fn new(s: &FormSchema, lang: Lang) -> Self {
        Self {
            kind: s.kind.as_str().to_owned(),
            label: s.label.get(lang).to_owned(),
            sections: s
                .sections
                .iter()
                .map(|sec| {
                    let mut fields = Vec::new();
                    for f in &sec.fields {
                        flatten(f, None, lang, &mut fields);
                    }
                    FormSectionView {
                        id: sec.id.to_owned(),
                        label: sec.label.get(lang).to_owned(),
                        fields,
                    }
                })
                .collect(),
            signatures: s
                .signatures
                .iter()
                .map(|g| SignatureSpecView {
                    rule: g.rule.to_owned(),
                    role: g.role.map(|r| r.as_str().to_owned()),
                    label: g.label.get(lang).to_owned(),
                    affirmation: g.affirmation.to_owned(),
                })
                .collect(),
            av: match s.av {
                AvRule::None => AvNeed::None,
                AvRule::Situational => AvNeed::Situational,
                AvRule::RequiredUnlessReason(field) => AvNeed::RequiredUnlessReason {
                    reason_field: field.to_owned(),
                },
                AvRule::Required => AvNeed::Required,
                AvRule::ByServiceMethod => AvNeed::ByServiceMethod,
            },
        }
    }
}

fn flatten(f: &FormField, parent: Option<&str>, lang: Lang, out: &mut Vec<FormFieldView>) {
    let (kind, choices, person_relation) = match &f.ty {
        FieldType::Text => (FieldKind::Text, vec![], None),
        FieldType::LongText => (FieldKind::LongText, vec![], None),
        FieldType::Integer => (FieldKind::Integer, vec![], None),
        FieldType::Decimal => (FieldKind::Decimal, vec![], None),
        FieldType::Date => (FieldKind::Date, vec![], None),
        FieldType::DateTime => (FieldKind::DateTime, vec![], None),
        FieldType::YesNo => (FieldKind::YesNo, vec![], None),
        FieldType::Choice { options, .. } => (
            FieldKind::Choice,
            options
                .iter()
                .map(|o| Choice {
                    code: o.code.to_owned(),
                    label: o.label.get(lang).to_owned(),
                })
                .collect(),
            None,
        ),
        FieldType::Person { relation } => (
            FieldKind::Person,
            vec![],
            Some(relation.as_str().to_owned()),
        ),
        FieldType::Party => (FieldKind::Party, vec![], None),
        FieldType::OfficerCertificate => (FieldKind::OfficerCertificate, vec![], None),
        FieldType::Address => (FieldKind::Address, vec![], None),
        FieldType::Evidence => (FieldKind::Evidence, vec![], None),
        FieldType::Record => (FieldKind::Record, vec![], None),
        FieldType::Group => (FieldKind::Group, vec![], None),
    };
    out.push(FormFieldView {
        path: f.path.clone(),
        parent: parent.map(str::to_owned),
        name: f.name.to_owned(),
        kind,
        choices,
        person_relation,
        label: f.label.get(lang).to_owned(),
        help: f.help.get(lang).to_owned(),
        nullable: f.nullable,
        min_items: f.repeat.map(|r| r.min as u32),
        max_items: f.repeat.map(|r| r.max as u32),
        need: match f.need {
            form::Need::Optional => FieldNeed::Optional,
            form::Need::Required => FieldNeed::Required,
            form::Need::RequiredIfMajor => FieldNeed::RequiredIfMajor,
            form::Need::RequiredIfRelevant => FieldNeed::RequiredIfRelevant,
            form::Need::RequiredInGroup => FieldNeed::RequiredInGroup,
        },
        required_by: f.required_by.iter().map(|c| c.render(lang)).collect(),
        max_len: f.max_len.map(|n| n as u32),
        min_value: f.range.map(|r| r.min),
        max_value: f.range.map(|r| r.max),
        not_before: f.not_before.map(str::to_owned),
        default_from: f.default.map(|d| match d {
            form::DefaultFrom::Now => FieldDefault::Now,
            form::DefaultFrom::CaseOfficers => FieldDefault::CaseOfficers,
            form::DefaultFrom::CaseParty => FieldDefault::CaseParty,
            form::DefaultFrom::PartyAddress => FieldDefault::PartyAddress,
        }),
        relevant: match &f.relevant {
            form::Relevance::Always => FieldRelevance::Always,
            form::Relevance::MajorCase => FieldRelevance::MajorCase,
            form::Relevance::Equals { field, any_of } => FieldRelevance::Equals {
                path: (*field).to_owned(),
                any_of: any_of.iter().map(|c| (*c).to_owned()).collect(),
            },
            form::Relevance::IsTrue { field } => FieldRelevance::IsTrue {
                path: (*field).to_owned(),
            },
        },
    });
    for child in &f.fields {
        flatten(child, Some(&f.path), lang, out);
    }
}

/// The value of one field.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FieldValue {
    /// Text, long text, an address, a choice's code, an officer's certificate number, or the
    /// id of a party, evidence item or record.
    Text {
        /// The text.
        value: String,
    },
    /// A whole number.
    Integer {
        /// The number.
        value: i64,
    },
    /// A decimal number.
    Decimal {
        /// The number.
        value: f64,
    },
    /// Yes or no.
    YesNo {
        /// Yes.
        value: bool,
    },
    /// A calendar date.
    Date {
        /// Year.
        year: i32,
        /// Month, 1–12.
        month: u32,
        /// Day, 1–31.
        day: u32,
    },
    /// An instant.
    Instant {
        /// When.
        value: SystemTime,
    },
    /// Not filled (clears an optional value).
    Empty,
}

/// One field's value, by its path with item indices (`qa[0].question`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldEntry {
    /// The path.
    pub path: String,
    /// The value.
    pub value: FieldValue,
}

impl FieldEntry {
    /// The core's entry: the value as the body's JSON holds it. A date is written as typed
    /// (`2026-02-30` stays that, for the check to name); an instant as RFC 3339 in UTC.
    pub(crate) fn to_core(&self) -> FormEntry {
        let value = match &self.value {
            FieldValue::Text { value } => Value::from(value.clone()),
            FieldValue::Integer { value } => Value::from(*value),
            // NaN and infinities have no JSON: the check then names the field as malformed.
            FieldValue::Decimal { value } => {
                serde_json::Number::from_f64(*value).map_or(Value::Bool(false), Value::Number)
            }
            FieldValue::YesNo { value } => Value::Bool(*value),
            FieldValue::Date { year, month, day } => {
                Value::from(format!("{year:04}-{month:02}-{day:02}"))
            }
            FieldValue::Instant { value } => Value::from(
                chrono::DateTime::<chrono::Utc>::from(*value)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
            FieldValue::Empty => Value::Null,
        };
        (self.path.clone(), value)
    }

    /// An entry of `kind` as the app gets it, typed by its field.
    pub(crate) fn from_core(kind: RecordKind, (path, value): &FormEntry) -> Self {
        let ty = form_schema(kind).field(path).map(|f| &f.ty);
        let value = match (ty, value) {
            (_, Value::Null) => FieldValue::Empty,
            (_, Value::Bool(b)) => FieldValue::YesNo { value: *b },
            (_, Value::Number(n)) => match n.as_i64() {
                Some(i) => FieldValue::Integer { value: i },
                None => FieldValue::Decimal {
                    value: n.as_f64().unwrap_or_default(),
                },
            },
            (Some(FieldType::Date), Value::String(s)) => match s.parse::<chrono::NaiveDate>() {
                Ok(d) => {
                    use chrono::Datelike;
                    FieldValue::Date {
                        year: d.year(),
                        month: d.month(),
                        day: d.day(),
                    }
                }
                Err(_) => FieldValue::Text { value: s.clone() },
            },
            (Some(FieldType::DateTime), Value::String(s)) => {
                match chrono::DateTime::parse_from_rfc3339(s) {
                    Ok(t) => FieldValue::Instant {
                        value: SystemTime::from(t.with_timezone(&chrono::Utc)),
                    },
                    Err(_) => FieldValue::Text { value: s.clone() },
                }
            }
            (_, Value::String(s)) => FieldValue::Text { value: s.clone() },
            (_, other) => FieldValue::Text {
                value: other.to_string(),
            },
        };
        Self {
            path: path.clone(),
            value,
        }
    }

    /// The entries of a body's JSON.
    pub(crate) fn of_body(kind: RecordKind, body: &Value) -> Vec<Self> {
        form_entries(kind, body)
            .iter()
            .map(|e| Self::from_core(kind, e))
            .collect()
    }
}

/// What is wrong with one field, in the workspace's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldProblem {
    /// The field's path (`qa[1].answer`).
    pub path: String,
    /// The rule broken (`required`, `invalid_date`, `unknown_field` …).
    pub code: String,
    /// In words, naming the field (and, for a required one, the article).
    pub message: String,
}

impl FieldProblem {
    /// Every problem `e` carries.
    pub(crate) fn all(e: &ValidationError, lang: Lang) -> Vec<Self> {
        e.flattened()
            .into_iter()
            .map(|one| FieldProblem {
                message: describe_validation(lang, &one),
                code: one.rule().to_owned(),
                path: one.field,
            })
            .collect()
    }
}

/// What a form in progress is for.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DraftFor {
    /// A new record of `kind` in the case.
    NewRecord {
        /// The case.
        case_id: String,
        /// The kind's code.
        kind: String,
    },
    /// A new version of this record.
    Amendment {
        /// The record amended.
        record_id: String,
    },
}

/// A form in progress, as saved.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormDraftView {
    /// Its id: pass it to the next save.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// Kind label.
    pub kind_label: String,
    /// The record it amends, if any.
    pub amends: Option<String>,
    /// The fields as typed.
    pub fields: Vec<FieldEntry>,
    /// What does not pass yet (required fields left empty are a finalize-time matter).
    pub problems: Vec<FieldProblem>,
    /// Last saved.
    pub updated_at: SystemTime,
}

impl FormDraftView {
    pub(crate) fn new(d: &FormDraft, problems: &[ValidationError], lang: Lang) -> Self {
        let kind = RecordKind::parse(&d.kind);
        Self {
            id: d.id.clone(),
            case_id: d.case_id.to_string(),
            kind: d.kind.clone(),
            kind_label: i18n::tr(lang, &format!("kind-{}", d.kind)),
            amends: d.record_id.map(|r| r.to_string()),
            fields: d
                .entries
                .iter()
                .map(|e| match kind {
                    Some(k) => FieldEntry::from_core(k, e),
                    None => FieldEntry {
                        path: e.0.clone(),
                        value: FieldValue::Text {
                            value: e.1.to_string(),
                        },
                    },
                })
                .collect(),
            problems: problems
                .iter()
                .flat_map(|p| FieldProblem::all(p, lang))
                .collect(),
            updated_at: SystemTime::from(d.updated_at),
        }
    }
}

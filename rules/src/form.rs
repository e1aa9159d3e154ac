//! The form schema of every record kind: what a screen or the command line needs to let an
//! inspector fill a record without reading the body structs — ordered sections and fields, each
//! with its serde path, its type, its label and help in zh and en, whether it is required and
//! the article that requires it, its limits, the default the core fills from the case, and when
//! it appears.
//!
//! Guarantees:
//! - **One table for what is required.** `required` and `required_by` are read from
//!   `requirements::REQUIREMENTS` (and the service methods' fields from
//!   `service_method_fields`); nothing here lists required fields. A test checks that the
//!   schema and the table agree for every kind.
//! - **The schema is the body.** Fields are walked from each kind's body in serde order, and
//!   typed from one table of field shapes below; tests check that every schema path exists in
//!   the body structs, every body field is in the schema, and a value of each declared type
//!   is accepted by serde.
//! - **Cheap.** All schemas are built once, on first use, and shared (`schema`, `schemas`).

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use casetrail_i18n::{Lang, has_message, tr};
use casetrail_model::bodies::{ApprovalResult, MAX_ITEMS, PartyRight, ReadBack, ServiceMethod};
use casetrail_model::validate::LONG_TEXT;
use casetrail_model::{
    Case, IdDocType, MAX_FEN, MIN_OFFICERS, PersonRelation, RecordKind, SignerRole,
};

use super::cite::Cite;
use super::requirements::{AvRule, SlotRule, requirement};
use super::service_method_fields;

/// A text in both languages, from the catalogues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    /// 简体中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Words {
    fn of(id: &str) -> Self {
        Words {
            zh: tr(Lang::Zh, id),
            en: tr(Lang::En, id),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A named pick-list a choice field takes its codes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceList {
    /// 送达方式.
    ServiceMethod,
    /// How a record was read back.
    ReadBack,
    /// Outcome of an approval.
    ApprovalResult,
    /// Rights of a party.
    PartyRight,
    /// Identity document types.
    IdDocType,
    /// Relation of a person to the case.
    Relation,
}

impl ChoiceList {
    /// Every list.
    pub const ALL: &'static [ChoiceList] = &[
        ChoiceList::ServiceMethod,
        ChoiceList::ReadBack,
        ChoiceList::ApprovalResult,
        ChoiceList::PartyRight,
        ChoiceList::IdDocType,
        ChoiceList::Relation,
    ];

    /// The list's stable name (`read_back`, …).
    pub fn name(self) -> &'static str {
        match self {
            ChoiceList::ServiceMethod => "service_method",
            ChoiceList::ReadBack => "read_back",
            ChoiceList::ApprovalResult => "approval_result",
            ChoiceList::PartyRight => "party_right",
            ChoiceList::IdDocType => "id_doc_type",
            ChoiceList::Relation => "relation",
        }
    }

    /// Parses a list's name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// The codes, in display order, as the model's enums define them.
    pub fn codes(self) -> Vec<&'static str> {
        fn all<T: Copy>(v: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
            v.iter().map(|&x| f(x)).collect()
        }
        match self {
            ChoiceList::ServiceMethod => all(ServiceMethod::ALL, ServiceMethod::as_str),
            ChoiceList::ReadBack => all(ReadBack::ALL, ReadBack::as_str),
            ChoiceList::ApprovalResult => all(ApprovalResult::ALL, ApprovalResult::as_str),
            ChoiceList::PartyRight => all(PartyRight::ALL, PartyRight::as_str),
            ChoiceList::IdDocType => all(IdDocType::ALL, IdDocType::as_str),
            ChoiceList::Relation => all(PersonRelation::ALL, PersonRelation::as_str),
        }
    }

    /// The catalogue id of a code's label.
    pub fn label_id(self, code: &str) -> String {
        let prefix = match self {
            ChoiceList::ServiceMethod => "service-method-",
            ChoiceList::ReadBack => "read-back-",
            ChoiceList::ApprovalResult => "approval-result-",
            ChoiceList::PartyRight => "party-right-",
            ChoiceList::IdDocType => "id-doc-type-",
            ChoiceList::Relation => "relation-",
        };
        format!("{prefix}{code}")
    }

    /// The codes with their labels.
    pub fn options(self) -> Vec<ChoiceOption> {
        self.codes()
            .into_iter()
            .map(|code| ChoiceOption {
                code,
                label: Words::of(&self.label_id(code)),
            })
            .collect()
    }
}

/// One code of a pick-list with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceOption {
    /// Stable code, as stored in the body.
    pub code: &'static str,
    /// Label.
    pub label: Words,
}

/// What a field holds, and so how a screen edits it and how the command line parses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text (facts, answers, opinions).
    LongText,
    /// A whole number.
    Integer,
    /// A decimal number (no body uses one yet; amounts are integers in fen).
    Decimal,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant, RFC 3339 (`2026-11-28T09:30:00+08:00`). A start and an end field form a time
    /// range: the end carries `not_before`.
    DateTime,
    /// Yes or no.
    YesNo,
    /// A code from a named pick-list.
    Choice {
        /// The list.
        list: ChoiceList,
        /// Its codes and labels.
        options: Vec<ChoiceOption>,
    },
    /// A person of the case (interviewee, witness, receiver …), with the relation a new person
    /// gets by default; the person's own fields are in `fields`.
    Person {
        /// Default relation to the case.
        relation: PersonRelation,
    },
    /// A party of the case, by id.
    Party,
    /// An officer of the case, by certificate number (统计执法证号).
    OfficerCertificate,
    /// A postal address or place.
    Address,
    /// An evidence item of the case (photo, audio, video), by id.
    Evidence,
    /// Another record of the case, by id.
    Record,
    /// A group of fields (an approval, a penalty, one question and answer …), in `fields`.
    Group,
}

/// How many items a repeated field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Repeat {
    /// At least.
    pub min: usize,
    /// At most.
    pub max: usize,
}

/// Whether a field must be filled before the record is finalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// May stay empty.
    Optional,
    /// Always required.
    Required,
    /// Required when the case is major (重大案件).
    RequiredIfMajor,
    /// Required whenever it is relevant (a service method's own fields).
    RequiredIfRelevant,
    /// Required once the group or person it belongs to is given at all (a person's name, an
    /// identity document's type and number): the model refuses the group without it.
    RequiredInGroup,
}

/// When a field appears (relevance, as XLSForm/ODK have it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum Relevance {
    /// Always.
    Always,
    /// When the case is major.
    MajorCase,
    /// When another field holds one of these codes.
    Equals {
        /// The other field's path.
        field: &'static str,
        /// The codes.
        any_of: Vec<&'static str>,
    },
    /// When another yes/no field is yes.
    IsTrue {
        /// The other field's path.
        field: &'static str,
    },
}

/// What the core fills a field with when a form is opened for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultFrom {
    /// The workspace clock's now.
    Now,
    /// The certificate numbers of the case's officers.
    CaseOfficers,
    /// The case's first party.
    CaseParty,
    /// The first party's address.
    PartyAddress,
}

/// A numeric range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    /// Smallest.
    pub min: i64,
    /// Largest.
    pub max: i64,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// Serde path in the body: `place`, `interviewee.name`; items of a repeated field are
    /// `qa[].question`.
    pub path: String,
    /// The field's own name (last segment of the path).
    pub name: &'static str,
    /// What it holds.
    #[serde(flatten)]
    pub ty: FieldType,
    /// Label.
    pub label: Words,
    /// Help text.
    pub help: Words,
    /// Whether the body accepts `null` (an optional value not given).
    pub nullable: bool,
    /// Set for a repeated field (a list): how many items.
    pub repeat: Option<Repeat>,
    /// Whether it must be filled to finalize.
    pub need: Need,
    /// The articles that require it (empty when optional).
    pub required_by: Vec<Cite>,
    /// Longest text, in characters.
    pub max_len: Option<usize>,
    /// Allowed numbers.
    pub range: Option<Range>,
    /// For the end of a time range: the path of its start, which it may not precede.
    pub not_before: Option<&'static str>,
    /// What the core fills it with from the case.
    pub default: Option<DefaultFrom>,
    /// When it appears.
    pub relevant: Relevance,
    /// The fields of a group or person (of each item, when repeated).
    pub fields: Vec<FormField>,
}

/// A titled part of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable id (`basic`, `people`, `content`, `evidence`, `approval`).
    pub id: &'static str,
    /// Title.
    pub label: Words,
    /// Fields in body order.
    pub fields: Vec<FormField>,
}

/// Who signs a finalized record of this kind (slots are made at finalize).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureSlotSpec {
    /// `each_officer` (one slot per officer named), `role` (one slot) or `service` (as the
    /// service method requires, Art. 17).
    pub rule: &'static str,
    /// The signer's role, if one.
    pub role: Option<SignerRole>,
    /// The affirmation the signer writes or accepts.
    pub affirmation: &'static str,
    /// Label.
    pub label: Words,
}

/// The form of one record kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormSchema {
    /// The kind.
    pub kind: RecordKind,
    /// Its name.
    pub label: Words,
    /// Sections in order; empty sections are left out.
    pub sections: Vec<Section>,
    /// Signature slots.
    pub signatures: Vec<SignatureSlotSpec>,
    /// Whether the record needs audio/video (音像记录) before it is finalized — photos,
    /// audio or video captured for it, or listed by it — and the article that says so.
    pub av: AvRule,
}

impl FormSchema {
    /// Every top-level field, in section order.
    pub fn fields(&self) -> impl Iterator<Item = &FormField> + Clone {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// The field at `path` (`interviewee.name`, `qa[].answer`, or `qa[3].answer`).
    pub fn field(&self, path: &str) -> Option<&FormField> {
        let mut segments = path.split('.');
        let first = strip_index(segments.next()?);
        let mut cur = self.fields().find(|f| f.name == first)?;
        for seg in segments {
            let seg = strip_index(seg);
            cur = cur.fields.iter().find(|f| f.name == seg)?;
        }
        Some(cur)
    }

    /// When the act this record records happened, as the body says: the field the form fills
    /// with now (`start_at`, `occurred_at`, `served_at` …), if the kind has one and it is given.
    /// The rules judge the act by this time, not by when it was entered.
    pub fn act_time(&self, body: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
        serde_json::from_value(body.get(self.act_field()?)?.clone()).ok()
    }

    /// The field that says when the act happened: the one the form fills with now.
    pub fn act_field(&self) -> Option<&'static str> {
        self.fields()
            .find(|f| f.default == Some(DefaultFrom::Now))
            .map(|f| f.name)
    }

    /// The relation a new person at `path` gets when none is given (`receiver` → 收件人).
    pub fn default_relation(&self, path: &str) -> Option<PersonRelation> {
        match self.field(path)?.ty {
            FieldType::Person { relation } => Some(relation),
            _ => None,
        }
    }

    /// An empty body with the defaults filled from `case` at `now` (the workspace clock).
    pub fn defaults(&self, case: &Case, now: chrono::DateTime<chrono::Utc>) -> Value {
        let mut map = serde_json::Map::new();
        for f in self.fields() {
            let value = match f.default {
                Some(DefaultFrom::Now) => serde_json::to_value(now).ok(),
                Some(DefaultFrom::CaseOfficers) => Some(Value::from(
                    case.info
                        .officers
                        .iter()
                        .map(|o| o.cert_no.clone())
                        .collect::<Vec<_>>(),
                )),
                Some(DefaultFrom::CaseParty) => case
                    .info
                    .parties
                    .first()
                    .map(|p| Value::from(p.id.to_string())),
                Some(DefaultFrom::PartyAddress) => case
                    .info
                    .parties
                    .first()
                    .filter(|p| !p.address.is_empty())
                    .map(|p| Value::from(p.address.clone())),
                None => None,
            };
            if let Some(v) = value {
                map.insert(f.name.to_owned(), v);
            }
        }
        Value::Object(map)
    }
}

fn strip_index(seg: &str) -> &str {
    seg.find('[').map_or(seg, |i| &seg[..i])
}

/// The form of `kind`, built once.
pub fn schema(kind: RecordKind) -> &'static FormSchema {
    let all = schemas();
    // Every kind has a schema (built from `RecordKind::ALL`); fall back rather than panic.
    all.iter().find(|s| s.kind == kind).unwrap_or(&all[0])
}

/// The forms of every kind, in the order of the stages, built once on first use.
pub fn schemas() -> &'static [FormSchema] {
    static SCHEMAS: OnceLock<Vec<FormSchema>> = OnceLock::new();
    SCHEMAS.get_or_init(build_all)
}

/// Builds every kind's form afresh, bypassing the cache: what the first `schemas()` costs
/// (the benchmark measures it).
#[doc(hidden)]
pub fn build_all() -> Vec<FormSchema> {
    RecordKind::ALL.iter().map(|&k| build(k).0).collect()
}

// ---------------------------------------------------------------------------------------------
// The shapes of body fields
// ---------------------------------------------------------------------------------------------

/// How a field is stored, as the empty body shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A string or number that is always present.
    Plain,
    /// A `bool`.
    Bool,
    /// An `Option<_>`: `null` when not given.
    Opt,
    /// A `Vec<_>`.
    List,
}

/// The type of a field in the table (children of groups are static tables too).
#[derive(Debug, Clone, Copy)]
enum T {
    Text,
    Long,
    Int(i64, i64),
    Date,
    Time,
    YesNo,
    Choice(ChoiceList),
    Person(PersonRelation),
    Party,
    Officer,
    Address,
    Evidence,
    Record,
    Group(&'static [Child]),
}

type Child = (&'static str, Shape, T);

use PersonRelation as Rel;
use Shape::{Bool, List, Opt, Plain};

const APPROVAL: &[Child] = &[
    ("approver", Plain, T::Text),
    ("approver_title", Plain, T::Text),
    ("opinion", Plain, T::Long),
    ("result", Opt, T::Choice(ChoiceList::ApprovalResult)),
    ("decided_at", Opt, T::Time),
];
const QA: &[Child] = &[("question", Plain, T::Long), ("answer", Plain, T::Long)];
const CERT_SHOWN: &[Child] = &[
    ("cert_no", Plain, T::Officer),
    ("shown", Bool, T::YesNo),
    ("checked_by_party", Bool, T::YesNo),
];
const LISTED_ITEM: &[Child] = &[
    ("name", Plain, T::Text),
    ("spec", Plain, T::Text),
    ("quantity", Plain, T::Text),
    ("location", Plain, T::Text),
    ("note", Plain, T::Text),
];
const DATA_CHECK: &[Child] = &[
    ("item", Plain, T::Text),
    ("reported", Plain, T::Text),
    ("verified", Plain, T::Text),
    ("note", Plain, T::Text),
];
const EVIDENCE_USE: &[Child] = &[("evidence", Plain, T::Text), ("proves", Plain, T::Text)];
const PENALTY: &[Child] = &[
    ("warning", Bool, T::YesNo),
    ("fine_fen", Opt, T::Int(0, MAX_FEN)),
    ("public_notice", Bool, T::YesNo),
    ("other", Plain, T::Text),
];
const LEGAL_BASIS: &[Child] = &[
    ("law", Plain, T::Text),
    ("version", Plain, T::Text),
    ("article", Plain, T::Text),
    ("clause", Opt, T::Text),
];
const ID_DOC: &[Child] = &[
    ("doc_type", Plain, T::Choice(ChoiceList::IdDocType)),
    ("number", Plain, T::Text),
];
const PERSON: &[Child] = &[
    ("name", Plain, T::Text),
    ("id_doc", Opt, T::Group(ID_DOC)),
    ("employer", Plain, T::Text),
    ("position", Plain, T::Text),
    ("phone", Plain, T::Text),
    ("relation", Plain, T::Choice(ChoiceList::Relation)),
];
const CAPTION: &[Child] = &[
    ("evidence_id", Plain, T::Evidence),
    ("taken_at", Opt, T::Time),
    ("place", Plain, T::Address),
    ("taken_by", Plain, T::Text),
    ("proves", Plain, T::Text),
];

/// The fields of a group the model will not take the group without (`Person::validate`,
/// `IdDocument::validate`), as (group — `person` for every person, else the group's name —,
/// field); a test checks each against the model.
const REQUIRED_IN_GROUP: &[(&str, &str)] = &[
    ("person", "name"),
    ("id_doc", "doc_type"),
    ("id_doc", "number"),
];

const WORKING_DAYS: T = T::Int(0, u32::MAX as i64);
const FEN: T = T::Int(0, MAX_FEN);

/// Top-level fields by name and shape. A name has one entry per shape it takes in the bodies
/// (`basis` is a text in a plan and a list of legal bases in a decision).
const TOP: &[Child] = &[
    ("address", Plain, T::Address),
    ("adopted", Opt, T::YesNo),
    ("affirmation", Plain, T::Text),
    ("amount_fen", Opt, FEN),
    ("amount_paid_fen", Opt, FEN),
    ("approval", Opt, T::Group(APPROVAL)),
    ("approval_record", Opt, T::Record),
    ("av_evidence", List, T::Evidence),
    ("av_unsuitable_reason", Plain, T::Long),
    ("basis", Plain, T::Text),
    ("basis", List, T::Group(LEGAL_BASIS)),
    ("captions", List, T::Group(CAPTION)),
    ("case_source", Plain, T::Text),
    ("cause", Plain, T::Text),
    ("certificates", List, T::Group(CERT_SHOWN)),
    ("channel", Plain, T::Text),
    ("checked_at", Opt, T::Time),
    ("closed_on", Opt, T::Date),
    ("collected_on_spot", Bool, T::YesNo),
    ("compiled_on", Opt, T::Date),
    ("conclusion", Plain, T::Long),
    ("conduct", Plain, T::Long),
    ("contact", Plain, T::Text),
    ("content", Plain, T::Long),
    ("court", Plain, T::Text),
    ("custodian", Plain, T::Text),
    ("data_checks", List, T::Group(DATA_CHECK)),
    ("decided_at", Opt, T::Time),
    ("decided_on", Opt, T::Date),
    ("declarant", Plain, T::Text),
    ("declared_at", Opt, T::Time),
    ("defense_adoption", Plain, T::Long),
    ("defense_and_review", Plain, T::Long),
    ("defense_right_told", Bool, T::YesNo),
    ("defense_window_wd", Opt, WORKING_DAYS),
    ("demands", List, T::Text),
    ("disposal", Plain, T::Long),
    ("doc_no", Plain, T::Text),
    ("document", Opt, T::Record),
    ("document_title", Plain, T::Text),
    ("documents", List, T::Text),
    ("due_on", Opt, T::Date),
    ("electronic_address", Plain, T::Text),
    ("electronic_arrived_at", Opt, T::Time),
    ("electronic_channel", Plain, T::Text),
    ("electronic_consent", Opt, T::Record),
    ("electronic_consent", Bool, T::YesNo),
    ("end_at", Opt, T::Time),
    ("entries", List, T::Text),
    ("entrust_reason", Plain, T::Long),
    ("entrusted_to", Plain, T::Text),
    ("evidence", List, T::Group(EVIDENCE_USE)),
    ("executed_on", Opt, T::Date),
    ("facts", Plain, T::Long),
    ("facts_and_reason", Plain, T::Long),
    ("filed_on", Opt, T::Date),
    ("filed_with_bureau_on", Opt, T::Date),
    ("findings", Plain, T::Long),
    ("from_date", Opt, T::Date),
    ("handler", Plain, T::Text),
    ("handler_opinion", Plain, T::Long),
    ("handling", Plain, T::Long),
    ("handling_unit", Plain, T::Text),
    ("hearing_at", Opt, T::Time),
    ("hearing_right", Bool, T::YesNo),
    ("held_at", Opt, T::Time),
    ("host", Plain, T::Text),
    ("instructed_by", Plain, T::Text),
    ("instruction", Plain, T::Long),
    ("interviewee", Opt, T::Person(Rel::StatStaff)),
    ("interviewees", List, T::Person(Rel::LegalRep)),
    ("issued_on", Opt, T::Date),
    ("items", Plain, T::Long),
    ("items", List, T::Text),
    ("leader_approval", Opt, T::Group(APPROVAL)),
    ("legal_review", Opt, T::Group(APPROVAL)),
    ("liability_warning", Plain, T::Long),
    ("manner", Plain, T::Long),
    ("materials", List, T::Text),
    ("materials_checked", List, T::Text),
    ("matter", Plain, T::Long),
    ("matters", List, T::Text),
    ("measures", Plain, T::Long),
    ("medium", Plain, T::Text),
    ("method", Plain, T::Text),
    ("method", Opt, T::Choice(ChoiceList::ServiceMethod)),
    ("minutes", Plain, T::Long),
    ("named", Bool, T::YesNo),
    ("notice", Opt, T::Record),
    ("notice_medium", Plain, T::Text),
    ("object", Plain, T::Text),
    ("obligation", Plain, T::Long),
    ("occurred_at", Opt, T::Time),
    ("officers", List, T::Officer),
    ("opinion", Plain, T::Long),
    ("order", Opt, T::Record),
    ("organisation", Plain, T::Text),
    ("outcome", Plain, T::Long),
    ("participants", List, T::Text),
    ("party_id", Opt, T::Party),
    ("party_opinion", Plain, T::Long),
    ("party_summary", Plain, T::Long),
    ("payment_terms", Plain, T::Long),
    ("penalty", Opt, T::Group(PENALTY)),
    ("period", Plain, T::Text),
    ("persons", List, T::Person(Rel::Other)),
    ("place", Plain, T::Address),
    ("present", List, T::Person(Rel::Other)),
    ("preservation_notice", Opt, T::Record),
    ("proceedings", Plain, T::Long),
    ("proof", Plain, T::Text),
    ("proposal", Plain, T::Long),
    ("proposed_penalty", Opt, T::Group(PENALTY)),
    ("provider", Opt, T::Person(Rel::StatStaff)),
    ("published_at", Opt, T::Time),
    ("purpose", Plain, T::Long),
    ("qa", List, T::Group(QA)),
    ("read_back", Opt, T::Choice(ChoiceList::ReadBack)),
    ("reason", Plain, T::Long),
    ("received_at", Opt, T::Time),
    ("receiver", Opt, T::Person(Rel::ReceivingClerk)),
    ("receiving_body", Plain, T::Text),
    ("recipient", Plain, T::Text),
    ("recipient_party", Opt, T::Party),
    ("recorder", Plain, T::Officer),
    ("rectification", Plain, T::Long),
    ("rectified", Opt, T::YesNo),
    ("recusal_requested", Opt, T::YesNo),
    ("refusal_reason", Plain, T::Long),
    ("refused_at", Opt, T::Time),
    ("remedies", Plain, T::Long),
    ("reply", Plain, T::Long),
    ("reply_by", Opt, T::Date),
    ("reply_method", Plain, T::Text),
    ("reported_to", Plain, T::Text),
    ("reporter", Plain, T::Text),
    ("request_window_wd", Opt, WORKING_DAYS),
    ("requested_at", Opt, T::Time),
    ("requester", Plain, T::Text),
    ("requirement", Plain, T::Long),
    ("result", Plain, T::Long),
    ("result", Opt, T::Choice(ChoiceList::ApprovalResult)),
    ("return_receipt_on", Opt, T::Date),
    ("review", Plain, T::Long),
    ("reviewed_on", Opt, T::Date),
    ("reviewers", List, T::Text),
    ("rights", List, T::Choice(ChoiceList::PartyRight)),
    ("rights_told", Bool, T::YesNo),
    ("sampled_at", Opt, T::Time),
    ("scheduled_at", Opt, T::Time),
    ("scope", Plain, T::Long),
    ("sealed", Bool, T::YesNo),
    ("served_at", Opt, T::Time),
    ("source", Plain, T::Text),
    ("speaker", Opt, T::Person(Rel::LegalRep)),
    ("start_at", Opt, T::Time),
    ("started_at", Opt, T::Time),
    ("statement", Plain, T::Long),
    ("statement_record", Opt, T::Record),
    ("storage_place", Plain, T::Address),
    ("subject", Plain, T::Text),
    ("summary", Plain, T::Long),
    ("supplementary_approval", Opt, T::Group(APPROVAL)),
    ("systems_checked", List, T::Text),
    ("targets", List, T::Text),
    ("told_at", Opt, T::Time),
    ("topic", Plain, T::Text),
    ("tracking_no", Plain, T::Text),
    ("unit_review", Opt, T::Group(APPROVAL)),
    ("url", Plain, T::Text),
    ("violation", Plain, T::Long),
    ("waived", List, T::Choice(ChoiceList::PartyRight)),
    ("why_other_methods_failed", Plain, T::Long),
    ("witnesses", List, T::Person(Rel::Witness)),
];

/// Where a kind's body differs from the common shape of a name: the item lists are rows.
fn override_for(kind: RecordKind, name: &str) -> Option<T> {
    match (kind, name) {
        (
            RecordKind::EvidenceList | RecordKind::PreservationList | RecordKind::SamplingList,
            "items",
        ) => Some(T::Group(LISTED_ITEM)),
        _ => None,
    }
}

/// The fields of `kind`'s empty body in the order the struct declares them (a
/// `serde_json::Value` map would sort them by name).
fn body_fields_in_order(kind: RecordKind) -> Vec<(String, Value)> {
    struct Ordered(Vec<(String, Value)>);
    impl<'de> serde::Deserialize<'de> for Ordered {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Ordered;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a body object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Ordered, A::Error> {
                    let mut out = Vec::new();
                    while let Some(entry) = map.next_entry::<String, Value>()? {
                        out.push(entry);
                    }
                    Ok(Ordered(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    kind.empty_body()
        .to_json()
        .ok()
        .and_then(|json| serde_json::from_str::<Ordered>(&json).ok())
        .map(|o| o.0)
        .unwrap_or_default()
}

fn shape_of(v: &Value) -> Shape {
    match v {
        Value::Null => Opt,
        Value::Bool(_) => Bool,
        Value::Array(_) => List,
        _ => Plain,
    }
}

/// The default a top-level field gets from the case.
fn default_for(name: &str, ty: T) -> Option<DefaultFrom> {
    match (name, ty) {
        ("officers", _) => Some(DefaultFrom::CaseOfficers),
        ("party_id" | "recipient_party", _) => Some(DefaultFrom::CaseParty),
        ("place" | "address", _) => Some(DefaultFrom::PartyAddress),
        (
            "start_at" | "started_at" | "occurred_at" | "checked_at" | "sampled_at" | "told_at"
            | "served_at" | "received_at" | "declared_at" | "requested_at" | "decided_at",
            T::Time,
        ) => Some(DefaultFrom::Now),
        _ => None,
    }
}

fn field_type(ty: T) -> FieldType {
    match ty {
        T::Text => FieldType::Text,
        T::Long => FieldType::LongText,
        T::Int(..) => FieldType::Integer,
        T::Date => FieldType::Date,
        T::Time => FieldType::DateTime,
        T::YesNo => FieldType::YesNo,
        T::Choice(list) => FieldType::Choice {
            list,
            options: list.options(),
        },
        T::Person(relation) => FieldType::Person { relation },
        T::Party => FieldType::Party,
        T::Officer => FieldType::OfficerCertificate,
        T::Address => FieldType::Address,
        T::Evidence => FieldType::Evidence,
        T::Record => FieldType::Record,
        T::Group(_) => FieldType::Group,
    }
}

fn type_code(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::LongText => "long_text",
        FieldType::Integer => "integer",
        FieldType::Decimal => "decimal",
        FieldType::Date => "date",
        FieldType::DateTime => "date_time",
        FieldType::YesNo => "yes_no",
        FieldType::Choice { .. } => "choice",
        FieldType::Person { .. } => "person",
        FieldType::Party => "party",
        FieldType::OfficerCertificate => "officer_certificate",
        FieldType::Address => "address",
        FieldType::Evidence => "evidence",
        FieldType::Record => "record",
        FieldType::Group => "group",
    }
}

impl FieldType {
    /// Stable code of the type (`text`, `date_time`, …), as serialized.
    pub fn code(&self) -> &'static str {
        type_code(self)
    }
}

fn help_for(name: &str, ty: &FieldType) -> Words {
    let own = format!("help-{name}");
    if has_message(Lang::Zh, &own) {
        Words::of(&own)
    } else {
        Words::of(&format!("help-type-{}", type_code(ty)))
    }
}

fn make_field(parent: &str, name: &'static str, shape: Shape, ty: T) -> FormField {
    let path = if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    };
    let repeat = (shape == List).then_some(Repeat {
        min: 0,
        max: MAX_ITEMS,
    });
    let children_parent = if repeat.is_some() {
        format!("{path}[]")
    } else {
        path.clone()
    };
    let children: &[Child] = match ty {
        T::Group(c) => c,
        T::Person(_) => PERSON,
        _ => &[],
    };
    let fields = children
        .iter()
        .map(|&(n, s, t)| {
            let mut f = make_field(&children_parent, n, s, t);
            let group = if matches!(ty, T::Person(_)) {
                "person"
            } else {
                name
            };
            if REQUIRED_IN_GROUP.contains(&(group, n)) {
                f.need = Need::RequiredInGroup;
            }
            f
        })
        .collect();
    let field_ty = field_type(ty);
    FormField {
        label: Words::of(&format!("field-{name}")),
        help: help_for(name, &field_ty),
        name,
        nullable: shape == Opt,
        repeat,
        need: Need::Optional,
        required_by: Vec::new(),
        max_len: matches!(ty, T::Text | T::Long | T::Address | T::Officer).then_some(LONG_TEXT),
        range: match ty {
            T::Int(min, max) => Some(Range { min, max }),
            _ => None,
        },
        not_before: (name == "end_at").then_some("start_at"),
        default: if parent.is_empty() {
            default_for(name, ty)
        } else {
            None
        },
        relevant: Relevance::Always,
        ty: field_ty,
        path,
        fields,
    }
}

fn section_of(f: &FormField) -> &'static str {
    match (&f.ty, f.name) {
        (_, "doc_no" | "place" | "document" | "document_title") => "basic",
        (FieldType::DateTime, _) => "basic",
        (FieldType::Group, n)
            if n == "approval" || n.ends_with("_approval") || n.ends_with("_review") =>
        {
            "approval"
        }
        (FieldType::Person { .. } | FieldType::Party | FieldType::OfficerCertificate, _) => {
            "people"
        }
        (_, "certificates") => "people",
        (FieldType::Evidence, _) | (_, "av_unsuitable_reason" | "captions") => "evidence",
        _ => "content",
    }
}

const SECTIONS: [&str; 5] = ["basic", "people", "content", "evidence", "approval"];

/// Builds the schema of `kind`, with the names of body fields the shape table does not know
/// (empty when the table is complete; a test checks it).
fn build(kind: RecordKind) -> (FormSchema, Vec<String>) {
    let req = requirement(kind);
    let mut unknown = Vec::new();
    let mut fields = Vec::new();
    for (name, value) in &body_fields_in_order(kind) {
        let shape = shape_of(value);
        let found = TOP.iter().find(|(n, s, _)| n == name && *s == shape);
        let (static_name, ty) = match (found, override_for(kind, name)) {
            (Some(&(n, _, _)), Some(t)) => (n, t),
            (Some(&(n, _, t)), None) => (n, t),
            (None, _) => {
                unknown.push(name.clone());
                continue;
            }
        };
        let mut f = make_field("", static_name, shape, ty);
        if req.fields.contains(&static_name) {
            f.need = Need::Required;
            f.required_by = req.cite.to_vec();
            if let Some(r) = &mut f.repeat {
                // Two officers, and each one's certificate shown (Art. 9).
                r.min = match static_name {
                    "officers" if req.officers => MIN_OFFICERS,
                    "certificates" if req.certificates_shown => MIN_OFFICERS,
                    _ => 1,
                };
            }
        } else if req.fields_if_major.contains(&static_name) {
            f.need = Need::RequiredIfMajor;
            f.required_by = req.cite.to_vec();
            f.relevant = Relevance::MajorCase;
        }
        if kind == RecordKind::ServiceReceipt {
            let methods: Vec<&'static str> = ServiceMethod::ALL
                .iter()
                .filter(|m| service_method_fields(**m).contains(&static_name))
                .map(|m| m.as_str())
                .collect();
            if !methods.is_empty() {
                f.relevant = Relevance::Equals {
                    field: "method",
                    any_of: methods,
                };
                if f.need == Need::Optional {
                    f.need = Need::RequiredIfRelevant;
                    f.required_by = req.cite.to_vec();
                }
            }
        }
        match (kind, static_name) {
            (RecordKind::ComplaintRecord, "reporter") => {
                f.relevant = Relevance::IsTrue { field: "named" };
            }
            (RecordKind::ServiceAddressConfirmation, "electronic_address") => {
                f.relevant = Relevance::IsTrue {
                    field: "electronic_consent",
                };
            }
            _ => {}
        }
        fields.push(f);
    }
    let sections = SECTIONS
        .iter()
        .filter_map(|&id| {
            let in_section: Vec<FormField> = fields
                .iter()
                .filter(|f| section_of(f) == id)
                .cloned()
                .collect();
            (!in_section.is_empty()).then(|| Section {
                id,
                label: Words::of(&format!("form-section-{id}")),
                fields: in_section,
            })
        })
        .collect();
    let signatures = req
        .slots
        .iter()
        .map(|s| match *s {
            SlotRule::EachOfficer(role) => SignatureSlotSpec {
                rule: "each_officer",
                role: Some(role),
                affirmation: "",
                label: Words::of(&format!("rules-slot-each-{}", role.as_str())),
            },
            SlotRule::Role(role, affirmation) => SignatureSlotSpec {
                rule: "role",
                role: Some(role),
                affirmation,
                label: Words::of(&format!("role-{}", role.as_str())),
            },
            SlotRule::Service => SignatureSlotSpec {
                rule: "service",
                role: None,
                affirmation: "",
                label: Words::of("rules-slot-service"),
            },
        })
        .collect();
    (
        FormSchema {
            kind,
            label: Words::of(&format!("kind-{}", kind.as_str())),
            sections,
            signatures,
            av: req.av,
        },
        unknown,
    )
}

#[cfg(test)]
pub(crate) mod tests;

//! The schema against the bodies, the requirement table and the catalogues.

use serde_json::{Map, Value, json};

use casetrail_i18n::{Lang, has_message};
use casetrail_model::{RecordBody, RecordKind};

use super::*;
use crate::form_check::check_body_json;

/// A value of the field's declared type, with one item in every list and every group filled.
fn sample(f: &FormField) -> Value {
    let one = |f: &FormField| -> Value {
        match &f.ty {
            FieldType::Text
            | FieldType::LongText
            | FieldType::Address
            | FieldType::OfficerCertificate => json!("x"),
            FieldType::Integer => json!(1),
            FieldType::Decimal => json!(1.5),
            FieldType::Date => json!("2026-11-28"),
            FieldType::DateTime => json!("2026-11-28T01:00:00Z"),
            FieldType::YesNo => json!(true),
            FieldType::Choice { options, .. } => json!(options[0].code),
            FieldType::Party | FieldType::Evidence | FieldType::Record => {
                json!("01939a4e-7a3b-7c00-8000-000000000001")
            }
            FieldType::Group | FieldType::Person { .. } => Value::Object(
                f.fields
                    .iter()
                    .map(|c| (c.name.to_owned(), sample(c)))
                    .collect::<Map<_, _>>(),
            ),
        }
    };
    match f.repeat {
        Some(_) => json!([one(f)]),
        None => one(f),
    }
}

pub(crate) fn sample_body(s: &FormSchema) -> Value {
    Value::Object(s.fields().map(|f| (f.name.to_owned(), sample(f))).collect())
}

#[test]
fn the_shape_table_knows_every_body_field() {
    for &kind in RecordKind::ALL {
        let (_, unknown) = build(kind);
        assert!(
            unknown.is_empty(),
            "{kind}: fields without a shape: {unknown:?}"
        );
    }
}

#[test]
fn every_schema_path_is_a_body_field_and_every_body_field_is_in_the_schema() {
    // A body filled from the schema alone, one value of each declared type, read by serde and
    // written back: a schema path the body lacks would be dropped, a body field the schema
    // lacks would appear, and a wrong type would not parse.
    for s in schemas() {
        let filled = sample_body(s);
        let body = RecordBody::from_json(s.kind, &filled.to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", s.kind));
        assert_eq!(body.to_value().unwrap(), filled, "{}", s.kind);
        assert_eq!(check_body_json(s.kind, &filled), Ok(()), "{}", s.kind);
        assert_eq!(
            check_body_json(s.kind, &s.kind.empty_body().to_value().unwrap()),
            Ok(()),
            "{}",
            s.kind
        );
    }
}

#[test]
fn required_fields_are_the_requirement_table_for_every_kind() {
    for s in schemas() {
        let req = requirement(s.kind);
        let with = |need: Need| -> Vec<&str> {
            let mut v: Vec<&str> = s
                .fields()
                .filter(|f| f.need == need)
                .map(|f| f.name)
                .collect();
            v.sort_unstable();
            v
        };
        let sorted = |f: &[&'static str]| {
            let mut v = f.to_vec();
            v.sort_unstable();
            v
        };
        assert_eq!(with(Need::Required), sorted(req.fields), "{}", s.kind);
        assert_eq!(
            with(Need::RequiredIfMajor),
            sorted(req.fields_if_major),
            "{}",
            s.kind
        );
        for f in s.fields().filter(|f| f.need != Need::Optional) {
            assert_eq!(f.required_by, req.cite, "{}.{}", s.kind, f.path);
            assert!(!f.required_by.is_empty());
        }
    }
    // The service methods' own fields come from `service_method_fields`, shown by relevance.
    let service = schema(RecordKind::ServiceReceipt);
    let tracking = service.field("tracking_no").unwrap();
    assert_eq!(tracking.need, Need::RequiredIfRelevant);
    assert_eq!(
        tracking.relevant,
        Relevance::Equals {
            field: "method",
            any_of: vec!["postal"]
        }
    );
    let officers = schema(RecordKind::InquiryRecord).field("officers").unwrap();
    assert_eq!(officers.repeat.map(|r| r.min), Some(MIN_OFFICERS));
    assert_eq!(
        schema(RecordKind::CaseInitiationApproval)
            .field("legal_review")
            .unwrap()
            .relevant,
        Relevance::MajorCase
    );
}

#[test]
fn every_label_and_help_is_in_both_catalogues() {
    fn walk(kind: RecordKind, f: &FormField) {
        for lang in [Lang::Zh, Lang::En] {
            assert!(
                has_message(lang, &format!("field-{}", f.name)),
                "{kind}: label of {}",
                f.path
            );
            assert!(
                !f.help.get(lang).starts_with("help-"),
                "{kind}: help of {}",
                f.path
            );
            if let FieldType::Choice { list, options } = &f.ty {
                for o in options {
                    assert!(
                        has_message(lang, &list.label_id(o.code)),
                        "{:?} {}",
                        list,
                        o.code
                    );
                }
            }
        }
        for c in &f.fields {
            walk(kind, c);
        }
    }
    for s in schemas() {
        for sec in &s.sections {
            assert!(!sec.label.zh.starts_with("form-") && !sec.label.en.starts_with("form-"));
        }
        for sig in &s.signatures {
            for text in [&sig.label.zh, &sig.label.en] {
                assert!(
                    !text.starts_with("role-") && !text.starts_with("rules-"),
                    "{}: {text}",
                    s.kind
                );
            }
        }
        s.fields().for_each(|f| walk(s.kind, f));
    }
}

#[test]
fn built_once_and_in_body_order() {
    assert!(std::ptr::eq(schemas(), schemas()));
    assert_eq!(schemas().len(), RecordKind::ALL.len());
    let inquiry = schema(RecordKind::InquiryRecord);
    let ids: Vec<&str> = inquiry.sections.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["basic", "people", "content"]);
    let basic: Vec<&str> = inquiry.sections[0].fields.iter().map(|f| f.name).collect();
    assert_eq!(
        basic,
        ["doc_no", "start_at", "end_at", "place"],
        "struct order"
    );
    assert_eq!(inquiry.field("qa[].answer").unwrap().path, "qa[].answer");
    assert_eq!(
        inquiry.field("interviewee.id_doc.number").unwrap().ty,
        FieldType::Text
    );
    assert_eq!(
        inquiry.field("end_at").unwrap().not_before,
        Some("start_at")
    );
    assert_eq!(inquiry.signatures.len(), 2);
}

#[test]
fn defaults_come_from_the_case_and_the_clock() {
    use casetrail_model::{Case, CaseDraft, CaseStatus, Officer, Party};
    let info = CaseDraft {
        officers: vec![
            Officer {
                cert_no: "LN-1".into(),
                ..Default::default()
            },
            Officer {
                cert_no: "LN-2".into(),
                ..Default::default()
            },
        ],
        parties: vec![Party {
            address: "某路1号".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let now: chrono::DateTime<chrono::Utc> = "2026-11-28T01:00:00Z".parse().unwrap();
    let case = Case {
        id: casetrail_model::CaseId::new(),
        status: CaseStatus::PreCheck,
        opened_at: now,
        opened_by: Default::default(),
        info,
    };
    let d = schema(RecordKind::OnsiteInspectionRecord).defaults(&case, now);
    assert_eq!(d["officers"], json!(["LN-1", "LN-2"]));
    assert_eq!(d["start_at"], json!("2026-11-28T01:00:00Z"));
    assert_eq!(d["place"], json!("某路1号"));
    assert_eq!(d["party_id"], json!(case.info.parties[0].id.to_string()));
    assert!(d.get("end_at").is_none());
    assert_eq!(
        check_body_json(RecordKind::OnsiteInspectionRecord, &d),
        Ok(())
    );
}

#[test]
fn a_field_required_in_its_group_is_one_the_model_refuses_the_group_without() {
    use casetrail_model::{IdDocType, IdDocument, Person, PersonRelation};
    let person = Person {
        name: "孙丽".into(),
        id_doc: Some(IdDocument {
            doc_type: IdDocType::Passport,
            number: "E12345678".into(),
        }),
        relation: PersonRelation::Witness,
        ..Default::default()
    };
    assert_eq!(person.validate(), Ok(()));
    let interviewee = schema(RecordKind::InquiryRecord)
        .field("interviewee")
        .unwrap();
    let in_group: Vec<&str> = interviewee
        .fields
        .iter()
        .flat_map(|f| std::iter::once(f).chain(f.fields.iter()))
        .filter(|f| f.need == Need::RequiredInGroup)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        in_group,
        [
            "interviewee.name",
            "interviewee.id_doc.doc_type",
            "interviewee.id_doc.number"
        ]
    );
    // Each, left empty, makes the model refuse the person, naming that field.
    let mut no_name = person.clone();
    no_name.name.clear();
    assert_eq!(no_name.validate().unwrap_err().field, "name");
    let mut no_number = person.clone();
    no_number.id_doc.as_mut().unwrap().number.clear();
    assert!(no_number.validate().unwrap_err().field.ends_with("number"));
    // And a field not marked is one the model takes empty.
    let mut bare = person;
    bare.employer.clear();
    bare.position.clear();
    bare.phone.clear();
    assert_eq!(bare.validate(), Ok(()));
}

//! Whatever the host passes in, the surface answers with a `CaseTrailError` and writes nothing:
//! random strings for ids, codes and JSON bodies, strokes with NaN and huge pads, random bytes
//! as photos, impossible locations. (The same calls from Kotlin and Python are in
//! `bindings/tests/kotlin` and `bindings/tests/python`.)
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use casetrail_ffi::*;
use proptest::prelude::*;

#[derive(Default)]
struct MemoryVault(Mutex<HashMap<String, Vec<u8>>>);

impl KeyVault for MemoryVault {
    fn seal(&self, name: String, secret: Vec<u8>) -> Result<(), CaseTrailError> {
        self.0.lock().unwrap().insert(name, secret);
        Ok(())
    }

    fn unseal(&self, name: String) -> Result<Option<Vec<u8>>, CaseTrailError> {
        Ok(self.0.lock().unwrap().get(&name).cloned())
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    ws: Arc<CaseTrail>,
    case_id: String,
    record: RecordView,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let ws = CaseTrail::open(
        dir.path().join("home").display().to_string(),
        Arc::new(MemoryVault::default()),
        "zh".into(),
    )
    .unwrap();
    let case = ws
        .create_case(ws.sample_case_draft("望统检〔2026〕61号".into()))
        .unwrap();
    let fields = ws
        .sample_record_fields(case.id.clone(), "inquiry_record".into())
        .unwrap();
    let draft = ws
        .add_record_fields(case.id.clone(), "inquiry_record".into(), fields)
        .unwrap();
    let record = ws.finalize_record(draft.id).unwrap();
    Fixture {
        _dir: dir,
        ws,
        case_id: case.id,
        record,
    }
}

fn events(ws: &CaseTrail) -> u64 {
    ws.verify_journal().unwrap().events
}

fn capture_input(case_id: &str, kind: Option<String>, location: Option<Location>) -> CaptureInput {
    CaptureInput {
        case_id: case_id.into(),
        record_id: None,
        kind,
        activity: "onsite_inspection".into(),
        purpose: String::new(),
        captured_by: "LN210404-0012".into(),
        location,
        address: String::new(),
        original_name: "x".into(),
    }
}

fn any_float() -> impl Strategy<Value = f32> {
    prop_oneof![
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        Just(-1.0f32),
        Just(1e30f32),
        -10.0f32..600.0,
    ]
}

fn any_strokes() -> impl Strategy<Value = PadStrokes> {
    let point =
        (any_float(), any_float(), any::<u32>(), any_float()).prop_map(|(x, y, t_ms, pressure)| {
            PadPoint {
                x,
                y,
                t_ms,
                pressure,
            }
        });
    (
        prop_oneof![Just(0u32), Just(u32::MAX), 1u32..5000],
        prop_oneof![Just(0u32), Just(u32::MAX), 1u32..5000],
        prop::collection::vec(prop::collection::vec(point, 0..40), 0..4),
    )
        .prop_map(|(width, height, strokes)| PadStrokes {
            width,
            height,
            strokes,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_are_refused_cleanly(s in ".{0,64}", json in prop_oneof![
        Just("{}".to_owned()), Just("null".to_owned()), Just("[]".to_owned()), ".{0,64}"
    ]) {
        let f = fixture();
        let before = events(&f.ws);
        let mut draft = f.ws.sample_case_draft(s.clone());
        draft.cause = format!("x-{s}");
        prop_assert!(f.ws.create_case(draft.clone()).is_err());
        draft.cause = "false_data".into();
        draft.officers[1].cert_status = format!("x-{s}");
        match f.ws.create_case(draft) {
            Err(CaseTrailError::Invalid { field, .. }) => prop_assert_eq!(field, "officers[1].cert_status"),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
        prop_assert!(f.ws.case_detail(s.clone()).is_err());
        prop_assert!(f.ws.add_record(f.case_id.clone(), s.clone(), json.clone()).is_err());
        prop_assert!(f.ws.finalize_record(s.clone()).is_err());
        prop_assert!(f.ws.void_record(s.clone(), "x".into()).is_err());
        prop_assert!(f.ws.change_status(f.case_id.clone(), s.clone(), "x".into()).is_err());
        prop_assert!(f.ws.findings(s.clone()).is_err());
        prop_assert!(f.ws.sample_record_fields(f.case_id.clone(), s.clone()).is_err());
        prop_assert!(f.ws.form_schema(s.clone()).is_err());
        prop_assert_eq!(events(&f.ws), before);
        // A draft may be incomplete ("{}" is an empty form), but never malformed.
        match f.ws.add_record(f.case_id.clone(), "inquiry_record".into(), json) {
            Ok(r) => prop_assert_eq!(r.status.as_str(), "draft"),
            Err(CaseTrailError::Invalid { .. }) => prop_assert_eq!(events(&f.ws), before),
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn hostile_form_fields_are_refused_by_path_or_kept(
        entries in prop::collection::vec((
            prop_oneof![
                Just("place".to_owned()), Just("qa[0].question".to_owned()),
                Just("qa[999999999999].answer".to_owned()), Just("officers[1]".to_owned()),
                Just("interviewee".to_owned()), Just("start_at".to_owned()), ".{0,24}"
            ],
            prop_oneof![
                ".{0,16}".prop_map(|value| FieldValue::Text { value }),
                any::<i64>().prop_map(|value| FieldValue::Integer { value }),
                any::<f64>().prop_map(|value| FieldValue::Decimal { value }),
                (any::<i32>(), any::<u32>(), any::<u32>())
                    .prop_map(|(year, month, day)| FieldValue::Date { year, month, day }),
                Just(FieldValue::Empty),
            ],
        ), 0..8)
    ) {
        let f = fixture();
        let fields: Vec<FieldEntry> = entries
            .into_iter()
            .map(|(path, value)| FieldEntry { path, value })
            .collect();
        let before = events(&f.ws);
        match f.ws.add_record_fields(f.case_id.clone(), "inquiry_record".into(), fields.clone()) {
            Ok(r) => prop_assert_eq!(r.status.as_str(), "draft"),
            Err(CaseTrailError::Invalid { problems, .. }) => {
                prop_assert!(!problems.is_empty());
                prop_assert_eq!(events(&f.ws), before);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
        // A draft keeps whatever was typed, and says what does not pass.
        let draft = f.ws.save_form_draft(
            None,
            DraftFor::NewRecord { case_id: f.case_id.clone(), kind: "inquiry_record".into() },
            fields.clone(),
        ).unwrap();
        prop_assert_eq!(draft.fields.len(), fields.len());
        prop_assert_eq!(f.ws.form_drafts(f.case_id.clone()).unwrap().len(), 1);
    }

    #[test]
    fn hostile_strokes_are_refused_or_kept_whole(strokes in any_strokes()) {
        let f = fixture();
        let slot = f.record.slots.iter().find(|s| s.role == "officer").unwrap();
        let before = events(&f.ws);
        match f.ws.sign_slot(
            f.record.id.clone(),
            slot.id.clone(),
            f.record.content_hash.clone(),
            strokes,
            String::new(),
        ) {
            Ok(r) => {
                let signed = r.slots.iter().find(|s| s.id == slot.id).unwrap();
                prop_assert_eq!(signed.state.as_str(), "signed");
            }
            Err(CaseTrailError::Invalid { field, .. }) => {
                prop_assert!(field.starts_with("strokes"), "{}", field);
                prop_assert_eq!(events(&f.ws), before);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn random_bytes_as_a_photo_keep_the_original(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        lat in prop_oneof![Just(f64::NAN), Just(91.0), Just(-200.0), -90.0f64..90.0],
    ) {
        let f = fixture();
        let location = Some(Location::Fix { lat, lon: 123.87, accuracy_m: Some(f64::NAN), gcj02: true });
        match f.ws.capture_bytes(capture_input(&f.case_id, Some("photo".into()), location), bytes.clone()) {
            Ok(e) => {
                prop_assert_eq!(e.size, bytes.len() as u64);
                prop_assert_eq!(std::fs::read(&e.original_path).unwrap(), bytes);
            }
            Err(CaseTrailError::Invalid { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
        prop_assert!(f.ws.verify_journal().unwrap().sound);
    }
}

#[test]
fn a_language_that_does_not_exist_is_an_error_naming_it_and_the_supported_ones() {
    let f = fixture();
    f.ws.set_language("en".into()).unwrap();
    for bad in ["fr", "xx-\u{0}"] {
        let e = f.ws.set_language(bad.into()).unwrap_err();
        let CaseTrailError::Invalid {
            field,
            code,
            user_message,
            ..
        } = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("lang", "unsupported_language")
        );
        assert!(user_message.contains(bad), "{user_message}");
        assert!(user_message.contains("zh, en"), "{user_message}");
    }
    // The language is unchanged: still English.
    let e = f.ws.case_detail("nope".into()).unwrap_err();
    let CaseTrailError::Invalid { user_message, .. } = e else {
        panic!("{e:?}")
    };
    assert!(
        !user_message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{user_message}"
    );
}

#[test]
fn every_pick_list_is_labelled_in_both_languages_and_accepted_by_the_calls() {
    let f = fixture();
    for lang in ["zh", "en"] {
        f.ws.set_language(lang.into()).unwrap();
        for list in [
            "refusal_reason",
            "relation",
            "witness_relation",
            "activity",
            "evidence_kind",
            "case_status",
            "service_method",
            "violation_type",
            "case_source",
            "procedure",
            "party_kind",
            "id_doc_type",
            "cert_status",
        ] {
            let choices = f.ws.choices(list.into()).unwrap();
            assert!(choices.len() >= 2, "{list}");
            for c in &choices {
                // A missing label would come back as its message id, `prefix-code`.
                let missing = c.label.ends_with(&format!("-{}", c.code));
                let chinese = c
                    .label
                    .chars()
                    .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch));
                assert!(
                    !c.label.is_empty() && !missing && (lang == "en" || chinese),
                    "{lang} {list}: {c:?} has no label"
                );
            }
        }
    }
    // The codes are the ones the calls take: every activity is a valid capture activity.
    for c in f.ws.choices("activity".into()).unwrap() {
        let mut input = capture_input(&f.case_id, Some("photo".into()), None);
        input.activity = c.code;
        let e = f.ws.capture_bytes(input, vec![0xff; 16]).unwrap();
        assert_eq!(
            e.kind, "file",
            "bytes that are not a photo are kept as a file"
        );
    }
    assert!(matches!(
        f.ws.choices("colours".into()),
        Err(CaseTrailError::Invalid { field, .. }) if field == "list"
    ));
}

//! A body's JSON checked against its form schema, before serde sees it — so what an inspector
//! typed wrong is named by its field path and rule (format, range, length, unknown key), in
//! the catalogues' words, instead of serde's English ("expected struct Person at line 1").
//!
//! Guarantees: every problem is reported, not only the first (`ValidationError::all`); a key
//! the kind does not have is an `unknown_field` error naming it, never silently dropped; a
//! body this check accepts is accepted by `RecordBody::from_json` (a test feeds it every
//! kind). Whether required fields are *filled* is a finalize-time rule (`check_finalize`):
//! a draft may be saved half-filled.
//!
//! `parse_text` turns what a person types into a field (`--set place=301`) into the JSON value
//! of the field's type, so a number typed into a text field stays text and a malformed list is
//! an error naming the field.

use serde_json::{Map, Value};

use casetrail_model::{
    EvidenceId, PartyId, PersonRelation, RecordBody, RecordId, RecordKind, ValidationCode,
    ValidationError,
};

use super::form::{FieldType, FormField, FormSchema, schema};

type Errors = Vec<ValidationError>;

/// The record body of `kind` in `body` (its JSON), checked against the schema first, so every
/// problem is named by its path: the one way a body typed by a person or sent by an app
/// becomes a `RecordBody`.
pub fn parse_body(kind: RecordKind, body: &Value) -> Result<RecordBody, ValidationError> {
    check_body_json(kind, body)?;
    // The schema check accepts only what serde accepts (a test feeds it every kind); should the
    // two ever disagree, the body is refused as a whole rather than guessed at.
    RecordBody::from_json(kind, &body.to_string())
        .map_err(|_| ValidationError::new("body", ValidationCode::BadFormat))
}

/// Checks `body` (a record body's JSON) against the schema of `kind`; every problem at once.
pub fn check_body_json(kind: RecordKind, body: &Value) -> Result<(), ValidationError> {
    let mut errors = Vec::new();
    match body {
        Value::Object(map) => check_object(schema(kind).fields(), map, "", &mut errors),
        _ => errors.push(ValidationError::new("body", ValidationCode::BadFormat)),
    }
    ValidationError::all(errors).map_or(Ok(()), Err)
}

fn check_object<'a>(
    fields: impl Iterator<Item = &'a FormField> + Clone,
    map: &Map<String, Value>,
    parent: &str,
    errors: &mut Errors,
) {
    for (key, value) in map {
        let path = if parent.is_empty() {
            key.clone()
        } else {
            format!("{parent}.{key}")
        };
        match fields.clone().find(|f| f.name == key) {
            Some(f) => check_field(f, value, &path, errors),
            None => errors.push(ValidationError::new(path, ValidationCode::UnknownField)),
        }
    }
    // The end of a time range may not come before its start.
    let instant = |name: &str| {
        map.get(name)
            .and_then(|v| serde_json::from_value::<chrono::DateTime<chrono::Utc>>(v.clone()).ok())
    };
    for f in fields {
        let Some(start) = f.not_before else { continue };
        if let (Some(end), Some(begin)) = (instant(f.name), instant(start)) {
            if end < begin {
                let path = if parent.is_empty() {
                    f.name.to_owned()
                } else {
                    format!("{parent}.{}", f.name)
                };
                errors.push(ValidationError::new(path, ValidationCode::InvalidDate));
            }
        }
    }
}

fn check_field(f: &FormField, value: &Value, path: &str, errors: &mut Errors) {
    if value.is_null() {
        if !f.nullable {
            errors.push(ValidationError::new(path, ValidationCode::BadFormat));
        }
        return;
    }
    let Some(repeat) = f.repeat else {
        return check_item(f, value, path, errors);
    };
    let Value::Array(items) = value else {
        return errors.push(ValidationError::new(path, ValidationCode::BadFormat));
    };
    if items.len() > repeat.max {
        errors.push(ValidationError::new(
            path,
            ValidationCode::TooMany { max: repeat.max },
        ));
        return;
    }
    for (i, item) in items.iter().enumerate() {
        check_item(f, item, &format!("{path}[{i}]"), errors);
    }
}

fn check_item(f: &FormField, value: &Value, path: &str, errors: &mut Errors) {
    let bad = |code| ValidationError::new(path, code);
    let parses = |ok: bool, code| if ok { None } else { Some(bad(code)) };
    let problem = match (&f.ty, value) {
        (
            FieldType::Text
            | FieldType::LongText
            | FieldType::Address
            | FieldType::OfficerCertificate,
            Value::String(s),
        ) => f
            .max_len
            .filter(|max| s.chars().count() > *max)
            .map(|max| bad(ValidationCode::TooLong { max })),
        (FieldType::Integer, Value::Number(n)) => match (n.as_i64(), f.range) {
            (None, _) => Some(bad(ValidationCode::BadFormat)),
            (Some(i), Some(r)) if i < r.min || i > r.max => Some(bad(ValidationCode::OutOfRange)),
            _ => None,
        },
        (FieldType::Decimal, Value::Number(_)) => None,
        (FieldType::Date, Value::String(s)) => parses(
            s.parse::<chrono::NaiveDate>().is_ok(),
            ValidationCode::InvalidDate,
        ),
        (FieldType::DateTime, Value::String(_)) => parses(
            serde_json::from_value::<chrono::DateTime<chrono::Utc>>(value.clone()).is_ok(),
            ValidationCode::InvalidDate,
        ),
        (FieldType::YesNo, Value::Bool(_)) => None,
        (FieldType::Choice { options, .. }, Value::String(s)) => parses(
            options.iter().any(|o| o.code == s),
            ValidationCode::NotAllowed,
        ),
        (FieldType::Party, Value::String(_)) => parses(
            serde_json::from_value::<PartyId>(value.clone()).is_ok(),
            ValidationCode::BadFormat,
        ),
        (FieldType::Record, Value::String(_)) => parses(
            serde_json::from_value::<RecordId>(value.clone()).is_ok(),
            ValidationCode::BadFormat,
        ),
        (FieldType::Evidence, Value::String(_)) => parses(
            serde_json::from_value::<EvidenceId>(value.clone()).is_ok(),
            ValidationCode::BadFormat,
        ),
        (FieldType::Group | FieldType::Person { .. }, Value::Object(map)) => {
            check_object(f.fields.iter(), map, path, errors);
            // A witness's relation is never assumed (`witness`): given, or an error naming it.
            let witness = matches!(
                f.ty,
                FieldType::Person {
                    relation: PersonRelation::Witness
                }
            );
            let given = map.get("relation").is_some_and(|r| !r.is_null());
            (witness && !given)
                .then(|| ValidationError::new(format!("{path}.relation"), ValidationCode::Required))
        }
        _ => Some(bad(ValidationCode::BadFormat)),
    };
    errors.extend(problem);
}

impl FormField {
    /// The JSON value of what a person typed into this field: text stays text (`301` in a
    /// place is the text "301"; a quoted `"…"` is unquoted), numbers and yes/no are parsed,
    /// lists, groups and persons are JSON. An empty entry clears an optional field. The error
    /// is the rule broken; the caller names the field.
    pub fn parse_text(&self, raw: &str) -> Result<Value, ValidationCode> {
        let raw_trimmed = raw.trim();
        if raw_trimmed.is_empty() && self.nullable {
            return Ok(Value::Null);
        }
        let composite = matches!(self.ty, FieldType::Group | FieldType::Person { .. });
        if self.repeat.is_some() || composite {
            return serde_json::from_str(raw_trimmed).map_err(|_| ValidationCode::BadFormat);
        }
        match self.ty {
            FieldType::Integer => raw_trimmed
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| ValidationCode::BadFormat),
            FieldType::Decimal => match serde_json::from_str::<Value>(raw_trimmed) {
                Ok(v @ Value::Number(_)) => Ok(v),
                _ => Err(ValidationCode::BadFormat),
            },
            FieldType::YesNo => match raw_trimmed.to_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "是" => Ok(Value::Bool(true)),
                "false" | "no" | "n" | "0" | "否" => Ok(Value::Bool(false)),
                _ => Err(ValidationCode::BadFormat),
            },
            _ => Ok(Value::String(unquote(raw).into_owned())),
        }
    }
}

/// `"text"` → `text` (a JSON string literal, as scripts write it); anything else as typed.
fn unquote(raw: &str) -> std::borrow::Cow<'_, str> {
    let t = raw.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        if let Ok(s) = serde_json::from_str::<String>(t) {
            return s.into();
        }
    }
    raw.into()
}

impl FormSchema {
    /// Sets `path` (`place`, or `interviewee.name` inside a group) in `body` from what a
    /// person typed, parsed by the field's type.
    pub fn set_text(
        &self,
        body: &mut Map<String, Value>,
        path: &str,
        raw: &str,
    ) -> Result<(), ValidationError> {
        let unknown = || ValidationError::new(path, ValidationCode::UnknownField);
        let field = self
            .field(path)
            .filter(|_| !path.contains('['))
            .ok_or_else(unknown)?;
        // A path may reach into a group or person, not into the items of a list (those are
        // given as the list's JSON).
        let mut prefix = String::new();
        for seg in path.split('.').take(path.split('.').count() - 1) {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(seg);
            if self.field(&prefix).is_none_or(|f| f.repeat.is_some()) {
                return Err(unknown());
            }
        }
        let value = field
            .parse_text(raw)
            .map_err(|code| ValidationError::new(path, code))?;
        let mut segments: Vec<&str> = path.split('.').collect();
        let last = segments.pop().unwrap_or(path);
        let mut cur = body;
        for seg in segments {
            let slot = cur
                .entry(seg.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(next) = slot else {
                return Err(ValidationError::new(path, ValidationCode::BadFormat));
            };
            cur = next;
        }
        cur.insert(last.to_owned(), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_end_before_its_start_is_named() {
        let body =
            json!({"start_at": "2026-11-28T09:00:00+08:00", "end_at": "2026-11-28T08:59:00+08:00"});
        let e = check_body_json(RecordKind::InquiryRecord, &body).unwrap_err();
        assert_eq!((e.field.as_str(), e.rule()), ("end_at", "invalid_date"));
        let fine =
            json!({"start_at": "2026-11-28T09:00:00+08:00", "end_at": "2026-11-28T09:00:00+08:00"});
        assert_eq!(check_body_json(RecordKind::InquiryRecord, &fine), Ok(()));
    }

    #[test]
    fn a_witness_without_a_relation_is_an_error_naming_it() {
        let body = json!({"witnesses": [{"name": "刘物业"}], "receiver": {"name": "王五"}});
        let e = check_body_json(RecordKind::ServiceReceipt, &body).unwrap_err();
        let got: Vec<(String, &str)> = e
            .each()
            .iter()
            .map(|e| (e.field.clone(), e.rule()))
            .collect();
        assert_eq!(got, [("witnesses[0].relation".to_owned(), "required")]);
        let mended = json!({"witnesses": [{"name": "刘物业", "relation": "grassroots_rep"}]});
        assert_eq!(check_body_json(RecordKind::ServiceReceipt, &mended), Ok(()));
    }

    #[test]
    fn every_problem_is_named_by_its_path() {
        let body = json!({
            "plcae": "x",
            "start_at": "2026-11-28 09:00",
            "qa": [{"question": "q", "answr": "a"}],
            "interviewee": {"name": 3, "relation": "boss"},
            "read_back": "read_by_them",
            "officers": "LN-1",
        });
        let e = check_body_json(RecordKind::InquiryRecord, &body).unwrap_err();
        let got: Vec<(String, &str)> = e
            .each()
            .iter()
            .map(|e| (e.field.clone(), e.rule()))
            .collect();
        for want in [
            ("plcae", "unknown_field"),
            ("start_at", "invalid_date"),
            ("qa[0].answr", "unknown_field"),
            ("interviewee.name", "bad_format"),
            ("interviewee.relation", "not_allowed"),
            ("officers", "bad_format"),
        ] {
            assert!(
                got.contains(&(want.0.to_owned(), want.1)),
                "{want:?} not in {got:?}"
            );
        }
        assert_eq!(got.len(), 6, "{got:?}");
    }

    #[test]
    fn ranges_and_nulls() {
        let e = check_body_json(
            RecordKind::PenaltyDecision,
            &json!({"penalty": {"fine_fen": -5}, "doc_no": null}),
        )
        .unwrap_err();
        let got: Vec<_> = e
            .each()
            .iter()
            .map(|e| (e.field.clone(), e.rule()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("doc_no".to_owned(), "bad_format"),
                ("penalty.fine_fen".to_owned(), "out_of_range")
            ]
        );
        assert_eq!(
            check_body_json(RecordKind::PenaltyDecision, &json!({"party_id": null})),
            Ok(())
        );
    }

    #[test]
    fn typed_text_is_parsed_by_the_field_type() {
        let s = schema(RecordKind::InquiryRecord);
        let mut body = Map::new();
        s.set_text(&mut body, "place", "301").unwrap();
        assert_eq!(
            body["place"],
            json!("301"),
            "a number in a text field is text"
        );
        s.set_text(&mut body, "start_at", "\"2026-11-28T01:00:00Z\"")
            .unwrap();
        assert_eq!(body["start_at"], json!("2026-11-28T01:00:00Z"));
        s.set_text(&mut body, "rights_told", "是").unwrap();
        assert_eq!(body["rights_told"], json!(true));
        s.set_text(&mut body, "interviewee.name", "王五").unwrap();
        assert_eq!(body["interviewee"], json!({"name": "王五"}));
        let e = s.set_text(&mut body, "officers", "[\"LN-1\",").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("officers", ValidationCode::BadFormat)
        );
        let e = s.set_text(&mut body, "rights_told", "maybe").unwrap_err();
        assert_eq!(e.field, "rights_told");
        let e = s.set_text(&mut body, "qa.question", "q").unwrap_err();
        assert_eq!(
            e.code,
            ValidationCode::UnknownField,
            "not into a list's items"
        );
        let e = s.set_text(&mut body, "plcae", "x").unwrap_err();
        assert_eq!(e.code, ValidationCode::UnknownField);
        let p = schema(RecordKind::PenaltyPriorNotice);
        let e = p
            .set_text(&mut body, "defense_window_wd", "三")
            .unwrap_err();
        assert_eq!(e.field, "defense_window_wd");
    }
}

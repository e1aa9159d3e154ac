//! A form's values as flat entries, and back: `(path, value)` pairs where the path names one
//! leaf field of the schema with the index of each repeated item in it (`place`,
//! `interviewee.name`, `qa[0].question`, `officers[1]`). A screen that renders from the schema
//! edits leaves, so this is the shape it hands the core — no JSON on its side.
//!
//! Guarantees:
//! - **Round trip.** `body_from_entries(kind, &entries(kind, body))` is `body` for every body
//!   the schema accepts (a test feeds it every kind's sample).
//! - **Nothing guessed, nothing dropped.** A path the schema does not have is `unknown_field`
//!   naming it; a group or person is filled through its fields, not given whole; the items of
//!   a list are numbered from 0 without gaps (`qa[2]` with no `qa[1]` is `bad_format` on
//!   `qa[1]`); every problem is reported at once. The values themselves are then checked by
//!   `check_body_json`, so a wrong type or range is named by its path as well.

use serde_json::{Map, Value};

use casetrail_model::{RecordKind, ValidationCode, ValidationError};

use super::form::{FieldType, FormField, schema};
use super::form_check::check_body_json;

/// One leaf of a form: its path with indices, and its JSON value.
pub type Entry = (String, Value);

/// The leaves of `body` (a body's JSON of `kind`), in schema order. Nulls are left out: an
/// entry that is not there is a field not filled.
pub fn entries(kind: RecordKind, body: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Value::Object(map) = body {
        collect(schema(kind).fields(), map, "", &mut out);
    }
    out
}

fn collect<'a>(
    fields: impl Iterator<Item = &'a FormField>,
    map: &Map<String, Value>,
    parent: &str,
    out: &mut Vec<Entry>,
) {
    for f in fields {
        let Some(value) = map.get(f.name).filter(|v| !v.is_null()) else {
            continue;
        };
        let path = join(parent, f.name);
        match (f.repeat, value) {
            (Some(_), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    leaf_or_group(f, item, &format!("{path}[{i}]"), out);
                }
            }
            _ => leaf_or_group(f, value, &path, out),
        }
    }
}

fn leaf_or_group(f: &FormField, value: &Value, path: &str, out: &mut Vec<Entry>) {
    match value {
        Value::Object(map) if is_composite(f) => collect(f.fields.iter(), map, path, out),
        Value::Null => {}
        v => out.push((path.to_owned(), v.clone())),
    }
}

fn is_composite(f: &FormField) -> bool {
    matches!(f.ty, FieldType::Group | FieldType::Person { .. })
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// One segment of an entry's path: a field name and, for an item of a list, its index.
struct Segment<'p> {
    name: &'p str,
    index: Option<usize>,
}

fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    path.split('.')
        .map(|seg| match seg.find('[') {
            None => (!seg.is_empty()).then_some(Segment {
                name: seg,
                index: None,
            }),
            Some(open) => {
                let index = seg[open + 1..].strip_suffix(']')?.parse().ok()?;
                Some(Segment {
                    name: &seg[..open],
                    index: Some(index),
                })
            }
        })
        .collect()
}

/// The body of `kind` that `entries` describe, checked against the schema: every problem of
/// every entry at once, each named by its path.
pub fn body_from_entries(kind: RecordKind, entries: &[Entry]) -> Result<Value, ValidationError> {
    let mut body = Map::new();
    let mut errors = Vec::new();
    for (path, value) in entries {
        if let Err(code) = place(kind, &mut body, path, value) {
            errors.push(ValidationError::new(path.as_str(), code));
        }
    }
    find_gaps(&body, "", &mut errors);
    let body = Value::Object(body);
    if let Err(e) = check_body_json(kind, &body) {
        errors.extend(e.flattened());
    }
    ValidationError::all(errors).map_or(Ok(body), Err)
}

/// Puts one entry into `body`, creating the groups and items on its way.
fn place(
    kind: RecordKind,
    body: &mut Map<String, Value>,
    path: &str,
    value: &Value,
) -> Result<(), ValidationCode> {
    let segs = segments(path).ok_or(ValidationCode::UnknownField)?;
    let mut fields: Vec<&FormField> = schema(kind).fields().collect();
    let mut cur = body;
    for (n, seg) in segs.iter().enumerate() {
        let last = n + 1 == segs.len();
        let f = *fields
            .iter()
            .find(|f| f.name == seg.name)
            .ok_or(ValidationCode::UnknownField)?;
        // A list's items are indexed, nothing else is; a group is filled through its fields
        // (or cleared with null).
        if f.repeat.is_some() != seg.index.is_some() {
            return Err(ValidationCode::UnknownField);
        }
        if last && is_composite(f) && !value.is_null() {
            return Err(ValidationCode::UnknownField);
        }
        if !last && !is_composite(f) {
            return Err(ValidationCode::UnknownField);
        }
        let slot = match seg.index {
            None => {
                if last {
                    cur.insert(seg.name.to_owned(), value.clone());
                    return Ok(());
                }
                let slot = cur
                    .entry(seg.name.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot
            }
            Some(i) => {
                if i >= f.repeat.map_or(0, |r| r.max) {
                    return Err(ValidationCode::TooMany {
                        max: f.repeat.map_or(0, |r| r.max),
                    });
                }
                let list = cur
                    .entry(seg.name.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !list.is_array() {
                    *list = Value::Array(Vec::new());
                }
                let Value::Array(items) = list else {
                    return Err(ValidationCode::BadFormat);
                };
                if items.len() <= i {
                    items.resize(i + 1, Value::Null);
                }
                let slot = &mut items[i];
                if last {
                    if !slot.is_null() && !value.is_null() && slot != value {
                        return Err(ValidationCode::Duplicate);
                    }
                    *slot = value.clone();
                    return Ok(());
                }
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot
            }
        };
        let Value::Object(next) = slot else {
            return Err(ValidationCode::BadFormat);
        };
        cur = next;
        fields = f.fields.iter().collect();
    }
    Err(ValidationCode::UnknownField)
}

/// Items never given (a list filled at `[2]` but not at `[1]`) are errors on their path.
fn find_gaps(map: &Map<String, Value>, parent: &str, errors: &mut Vec<ValidationError>) {
    for (key, value) in map {
        let path = join(parent, key);
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    match item {
                        Value::Null => {
                            errors.push(ValidationError::new(item_path, ValidationCode::BadFormat))
                        }
                        Value::Object(m) => find_gaps(m, &item_path, errors),
                        _ => {}
                    }
                }
            }
            Value::Object(m) => find_gaps(m, &path, errors),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(e: &ValidationError) -> Vec<(String, &'static str)> {
        e.each()
            .iter()
            .map(|e| (e.field.clone(), e.rule()))
            .collect()
    }

    #[test]
    fn entries_build_nested_groups_and_lists() {
        let entries: Vec<Entry> = vec![
            ("place".into(), json!("301 会议室")),
            ("interviewee.name".into(), json!("李四")),
            ("interviewee.relation".into(), json!("legal_rep")),
            ("qa[1].question".into(), json!("第二问")),
            ("qa[0].question".into(), json!("第一问")),
            ("qa[0].answer".into(), json!("答一")),
            ("officers[0]".into(), json!("11010001")),
        ];
        let body = body_from_entries(RecordKind::InquiryRecord, &entries).unwrap();
        assert_eq!(body["interviewee"]["name"], "李四");
        assert_eq!(body["qa"][0]["question"], "第一问");
        assert_eq!(body["qa"][1]["question"], "第二问");
        assert_eq!(body["officers"], json!(["11010001"]));
        // And back, in schema order.
        let again = body_from_entries(
            RecordKind::InquiryRecord,
            &super::entries(RecordKind::InquiryRecord, &body),
        )
        .unwrap();
        assert_eq!(again, body);
    }

    #[test]
    fn every_bad_entry_is_named_by_its_path() {
        let entries: Vec<Entry> = vec![
            ("plcae".into(), json!("x")),
            ("interviewee".into(), json!({"name": "李四"})),
            ("qa[0]".into(), json!("q")),
            ("qa[2].question".into(), json!("q")),
            ("place[0]".into(), json!("x")),
            ("officers".into(), json!(["a"])),
            ("start_at".into(), json!("2026-11-28 09:00")),
            ("qa[".into(), json!("x")),
        ];
        let e = body_from_entries(RecordKind::InquiryRecord, &entries).unwrap_err();
        let got = rules(&e);
        for want in [
            ("plcae", "unknown_field"),
            ("interviewee", "unknown_field"),
            ("qa[0]", "unknown_field"),
            ("place[0]", "unknown_field"),
            ("officers", "unknown_field"),
            ("qa[", "unknown_field"),
            ("qa[0]", "bad_format"),
            ("qa[1]", "bad_format"),
            ("start_at", "invalid_date"),
        ] {
            assert!(
                got.contains(&(want.0.to_owned(), want.1)),
                "{want:?} missing from {got:?}"
            );
        }
    }

    #[test]
    fn a_list_is_held_to_its_maximum() {
        let entries: Vec<Entry> = vec![("qa[100000].question".into(), json!("q"))];
        let e = body_from_entries(RecordKind::InquiryRecord, &entries).unwrap_err();
        assert_eq!(rules(&e)[0], ("qa[100000].question".to_owned(), "too_many"));
    }

    #[test]
    fn every_kinds_sample_survives_the_round_trip() {
        for kind in RecordKind::ALL {
            let sample = crate::form::tests::sample_body(schema(*kind));
            let flat = entries(*kind, &sample);
            let back = body_from_entries(*kind, &flat)
                .unwrap_or_else(|e| panic!("{kind:?}: {:?}", rules(&e)));
            assert_eq!(strip_empty(&back), strip_empty(&sample), "{kind:?}");
        }
    }

    /// Nulls and empty lists/groups carry nothing an entry could say.
    fn strip_empty(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), strip_empty(v)))
                    .filter(|(_, v)| {
                        !(v.is_null()
                            || v.as_array().is_some_and(|a| a.is_empty())
                            || v.as_object().is_some_and(|o| o.is_empty()))
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip_empty).collect()),
            other => other.clone(),
        }
    }
}

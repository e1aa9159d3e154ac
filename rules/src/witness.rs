//! Who may witness (见证人): a refusal to sign (Art. 9) and a leave-at-premises service
//! (留置送达, Art. 17; 民事诉讼法 §89) are only proven if someone outside the party saw them.
//!
//! This is the one witness rule. `check_finalize` applies it to every witness a record body
//! names (so `finalize` and `serve` refuse the same bodies), the refusal call applies it to the
//! refusal's witness, and the form check (`form_check`) refuses a witness whose relation to the
//! case was not given — a relation is never assumed: the type's default (`legal_rep`) is
//! exactly someone who may not witness.
//!
//! Replay is untouched: old journals whose persons carry a defaulted relation are read as they
//! were written; the rule judges new input only.

use casetrail_model::{Person, RecordBody, ValidationCode, ValidationError};

/// The witnesses a record body names, with the path of each (`witnesses[0]`). Every kind
/// that has witnesses is listed here, so a new one cannot escape the rule.
pub fn witnesses_of(body: &RecordBody) -> Vec<(String, &Person)> {
    match body {
        RecordBody::ServiceReceipt(s) => s
            .witnesses
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("witnesses[{i}]"), w))
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks one witness given at `path`: a valid person whose relation lets them witness (not
/// the party, its legal representative or its agent). The error names `<path>.relation`.
pub fn check_witness(path: &str, person: &Person) -> Result<(), ValidationError> {
    person.validate().map_err(|e| e.within(path))?;
    if !person.relation.can_witness() {
        return Err(ValidationError::new(
            format!("{path}.relation"),
            ValidationCode::NotAllowed,
        ));
    }
    Ok(())
}

/// Checks every witness `body` names (see `witnesses_of`).
pub fn check_witnesses(body: &RecordBody) -> Result<(), ValidationError> {
    for (path, person) in witnesses_of(body) {
        check_witness(&path, person)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use casetrail_model::PersonRelation;
    use casetrail_model::bodies::ServiceRecord;

    #[test]
    fn a_defaulted_or_partisan_witness_is_refused_naming_the_field() {
        let mut s = ServiceRecord {
            witnesses: vec![Person {
                name: "刘物业".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let e = check_witnesses(&RecordBody::ServiceReceipt(s.clone())).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("witnesses[0].relation", ValidationCode::NotAllowed)
        );
        s.witnesses[0].relation = PersonRelation::GrassrootsRep;
        assert_eq!(check_witnesses(&RecordBody::ServiceReceipt(s)), Ok(()));
    }
}

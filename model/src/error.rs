//! Why input was refused: the validation error every entry point of the model returns.
//!
//! It names *what* is wrong — the field path and the rule — never the value, because values are
//! personal data (names, ID numbers, GPS) that must not leak into logs or crash reports. Each
//! rule has a zh/en message in the catalogues (`validation-*`).
//!
//! One check may find several problems (finalizing a record reports *every* missing required
//! field at once): the first is the error itself, the others travel in `also`, so code that
//! looks only at `field`/`code` keeps working and nothing found is dropped.

use std::fmt;

/// Why a piece of input was refused. The field is a dotted path (`parties[0].uscc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Dotted path of the offending field, e.g. `officers[1].cert_no`.
    pub field: String,
    /// Which rule it broke.
    pub code: ValidationCode,
    /// The record kind whose requirement was broken, when the rule comes from the requirement
    /// table (so the message can cite the article that requires the field).
    pub record_kind: Option<crate::RecordKind>,
    /// Further problems found by the same check, in the order found.
    pub also: Vec<ValidationError>,
}

/// The rules input can break. Each has a zh/en message in the catalogues (`validation-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationCode {
    /// A required value is missing or blank.
    Required,
    /// Longer than allowed.
    TooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// Contains control characters (tabs and newlines are allowed only in free text).
    ControlCharacters,
    /// Does not have the expected shape (length, alphabet, structure).
    BadFormat,
    /// The check character (GB 32100 / ISO 7064) does not match.
    BadCheckCharacter,
    /// Not a real calendar date or an impossible time range.
    InvalidDate,
    /// Fewer items than the rule requires (e.g. two officers).
    TooFew {
        /// Minimum count.
        min: usize,
    },
    /// More items than allowed.
    TooMany {
        /// Maximum count.
        max: usize,
    },
    /// The same item appears twice (e.g. one officer listed twice).
    Duplicate,
    /// An officer's enforcement certificate is not valid on the date that matters.
    CertificateNotValid,
    /// A number outside its allowed range.
    OutOfRange,
    /// Refers to something that does not exist in this case.
    UnknownReference,
    /// The value contradicts another field of the same input.
    Inconsistent,
    /// The record kind does not allow this operation or value.
    NotAllowed,
    /// A key the record kind does not have (a misspelt field is never silently dropped).
    UnknownField,
    /// An act dated after now: it has not happened yet.
    InFuture,
    /// An act dated before what it depends on (a service before the document it serves).
    TooEarly,
}

impl ValidationError {
    /// Builds an error for `field` breaking `code`.
    pub fn new(field: impl Into<String>, code: ValidationCode) -> Self {
        Self {
            field: field.into(),
            code,
            record_kind: None,
            also: Vec::new(),
        }
    }

    /// Marks the error (and those in `also`) as breaking a requirement of `kind`.
    pub fn of_kind(mut self, kind: crate::RecordKind) -> Self {
        self.record_kind = Some(kind);
        for e in &mut self.also {
            e.record_kind = Some(kind);
        }
        self
    }

    /// One error carrying all of `errors` (the first, with the rest in `also`), or `None` when
    /// there are none.
    pub fn all(errors: Vec<ValidationError>) -> Option<Self> {
        let mut iter = errors.into_iter();
        let mut first = iter.next()?;
        first.also.extend(iter);
        Some(first)
    }

    /// This error and those in `also`, flattened, in order.
    pub fn each(&self) -> Vec<&ValidationError> {
        let mut out = vec![self];
        for e in &self.also {
            out.extend(e.each());
        }
        out
    }

    /// Each problem on its own (no `also`), in order: what a screen lists one by one.
    pub fn flattened(&self) -> Vec<ValidationError> {
        self.each()
            .into_iter()
            .map(|e| ValidationError {
                also: Vec::new(),
                ..e.clone()
            })
            .collect()
    }

    /// Prefixes the field path, so nested validators can report full paths.
    pub fn within(mut self, parent: &str) -> Self {
        self.also = std::mem::take(&mut self.also)
            .into_iter()
            .map(|e| e.within(parent))
            .collect();
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }

    /// Stable code of the rule, e.g. `required`.
    pub fn rule(&self) -> &'static str {
        self.code.rule()
    }
}

impl ValidationCode {
    /// Every rule name `rule` can return, in the order `index` gives (the catalogues hold
    /// `validation-<rule>` for each).
    pub const RULES: [&'static str; 17] = [
        "required",
        "too_long",
        "control_characters",
        "bad_format",
        "bad_check_character",
        "invalid_date",
        "too_few",
        "too_many",
        "duplicate",
        "certificate_not_valid",
        "out_of_range",
        "unknown_reference",
        "inconsistent",
        "not_allowed",
        "unknown_field",
        "in_future",
        "too_early",
    ];

    /// Its place in `RULES`. No wildcard: a new code does not compile until it is placed there.
    pub fn index(&self) -> usize {
        match self {
            ValidationCode::Required => 0,
            ValidationCode::TooLong { .. } => 1,
            ValidationCode::ControlCharacters => 2,
            ValidationCode::BadFormat => 3,
            ValidationCode::BadCheckCharacter => 4,
            ValidationCode::InvalidDate => 5,
            ValidationCode::TooFew { .. } => 6,
            ValidationCode::TooMany { .. } => 7,
            ValidationCode::Duplicate => 8,
            ValidationCode::CertificateNotValid => 9,
            ValidationCode::OutOfRange => 10,
            ValidationCode::UnknownReference => 11,
            ValidationCode::Inconsistent => 12,
            ValidationCode::NotAllowed => 13,
            ValidationCode::UnknownField => 14,
            ValidationCode::InFuture => 15,
            ValidationCode::TooEarly => 16,
        }
    }

    /// The rule's stable name (`required`, `too_long` …).
    pub fn rule(&self) -> &'static str {
        Self::RULES[self.index()]
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.each().into_iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            e.fmt_one(f)?;
        }
        Ok(())
    }
}

impl ValidationError {
    fn fmt_one(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            ValidationCode::TooLong { max } => {
                write!(f, "{}: longer than {max} characters", self.field)
            }
            ValidationCode::TooFew { min } => write!(f, "{}: at least {min} needed", self.field),
            ValidationCode::TooMany { max } => write!(f, "{}: at most {max} allowed", self.field),
            _ => write!(f, "{}: {}", self.field, self.rule().replace('_', " ")),
        }
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_error_carries_every_problem_and_prefixes_them_all() {
        assert_eq!(ValidationError::all(Vec::new()), None);
        let e = ValidationError::all(vec![
            ValidationError::new("name", ValidationCode::Required),
            ValidationError::new("[1].cert_no", ValidationCode::BadFormat),
        ])
        .unwrap()
        .within("officers")
        .of_kind(crate::RecordKind::InquiryRecord);
        let each: Vec<(&str, &str)> = e
            .each()
            .iter()
            .map(|e| (e.field.as_str(), e.rule()))
            .collect();
        assert_eq!(
            each,
            [
                ("officers.name", "required"),
                ("officers[1].cert_no", "bad_format")
            ]
        );
        assert!(
            e.each()
                .iter()
                .all(|e| e.record_kind == Some(crate::RecordKind::InquiryRecord))
        );
        assert_eq!(
            e.to_string(),
            "officers.name: required; officers[1].cert_no: bad format"
        );
    }
}

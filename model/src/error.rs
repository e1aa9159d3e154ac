//! Why input was refused: the validation error every entry point of the model returns.
//!
//! It names *what* is wrong — the field path and the rule — never the value, because values are
//! personal data (names, ID numbers, GPS) that must not leak into logs or crash reports. Each
//! rule has a zh/en message in the catalogues (`validation-*`).

use std::fmt;

/// Why a piece of input was refused. The field is a dotted path (`parties[0].uscc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Dotted path of the offending field, e.g. `officers[1].cert_no`.
    pub field: String,
    /// Which rule it broke.
    pub code: ValidationCode,
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
}

impl ValidationError {
    /// Builds an error for `field` breaking `code`.
    pub fn new(field: impl Into<String>, code: ValidationCode) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }

    /// Prefixes the field path, so nested validators can report full paths.
    pub fn within(mut self, parent: &str) -> Self {
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
        match self.code {
            ValidationCode::Required => "required",
            ValidationCode::TooLong { .. } => "too_long",
            ValidationCode::ControlCharacters => "control_characters",
            ValidationCode::BadFormat => "bad_format",
            ValidationCode::BadCheckCharacter => "bad_check_character",
            ValidationCode::InvalidDate => "invalid_date",
            ValidationCode::TooFew { .. } => "too_few",
            ValidationCode::TooMany { .. } => "too_many",
            ValidationCode::Duplicate => "duplicate",
            ValidationCode::CertificateNotValid => "certificate_not_valid",
            ValidationCode::OutOfRange => "out_of_range",
            ValidationCode::UnknownReference => "unknown_reference",
            ValidationCode::Inconsistent => "inconsistent",
            ValidationCode::NotAllowed => "not_allowed",
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

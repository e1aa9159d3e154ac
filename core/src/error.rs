//! The one error type of the core, and the validation error every entry point returns.
//!
//! Errors name *what* went wrong with stable codes (`Error::code`) so the phone screens and the
//! CLI can show a localised message (see `i18n`). They never carry user content: a validation
//! error names the field and the rule it broke, not the value, because values are personal data
//! (names, ID numbers, GPS) that must not leak into logs or crash reports.

use std::fmt;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input broke a rule; nothing was written.
    #[error("invalid input: {0}")]
    Validation(#[from] ValidationError),

    /// No such case, record, evidence item or slot.
    #[error("{what} not found: {id}")]
    NotFound {
        /// Kind of thing looked for (`case`, `record`, …).
        what: &'static str,
        /// The id or prefix asked for.
        id: String,
    },

    /// An id prefix matched more than one item.
    #[error("{what} id prefix {prefix} is ambiguous ({count} matches)")]
    Ambiguous {
        /// Kind of thing looked for.
        what: &'static str,
        /// The prefix given.
        prefix: String,
        /// How many items matched.
        count: usize,
    },

    /// The operation is not allowed in the item's current state (e.g. amending a void record).
    #[error("not allowed now: {reason}")]
    InvalidState {
        /// Stable reason code, e.g. `record_not_draft`.
        reason: &'static str,
    },

    /// The case cannot be closed or archived: blocking findings stand (see `check_case`).
    #[error("{} blocking finding(s) stand", findings.len())]
    Blocked {
        /// The findings that block, as `check_case` reports them.
        findings: Vec<crate::rules::Finding>,
    },

    /// The device key is missing, does not match the workspace, or a signature failed.
    #[error("key or signature problem: {0}")]
    Crypto(String),

    /// The journal or a stored event could not be read as written.
    #[error("journal: {0}")]
    Journal(String),

    /// The host's key vault failed.
    #[error("key vault: {0}")]
    Vault(String),

    /// The device storage is full; nothing was written.
    #[error("storage is full")]
    StorageFull,

    /// SQLite failed.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),

    /// A file operation failed.
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),

    /// Stored JSON could not be read back.
    #[error("encoding: {0}")]
    Encoding(#[from] serde_json::Error),

    /// Events offered by another chain were refused; nothing was stored.
    #[error("refused: {0}")]
    Refused(#[from] crate::store::ImportRefusal),

    /// Sync with the back office did not complete; what was acknowledged is kept.
    #[error("sync: {0}")]
    Sync(#[from] crate::sync::SyncError),
}

impl Error {
    /// A stable, machine-readable code for the error class (`validation`, `not_found`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Ambiguous { .. } => "ambiguous",
            Error::InvalidState { .. } => "invalid_state",
            Error::Blocked { .. } => "blocked",
            Error::Crypto(_) => "crypto",
            Error::Journal(_) => "journal",
            Error::Vault(_) => "vault",
            Error::StorageFull => "storage_full",
            Error::Database(e) if is_disk_full(e) => "storage_full",
            Error::Database(_) => "storage",
            Error::Io(_) => "io",
            Error::Encoding(_) => "encoding",
            Error::Refused(_) => "refused",
            Error::Sync(e) => e.code(),
        }
    }

    /// Shorthand for a validation error.
    pub fn invalid(field: impl Into<String>, code: ValidationCode) -> Self {
        Error::Validation(ValidationError::new(field, code))
    }

    /// Turns SQLite's "disk full" into `StorageFull`, leaves other errors alone.
    pub fn normalise(self) -> Self {
        match self {
            Error::Database(ref e) if is_disk_full(e) => Error::StorageFull,
            Error::Io(ref e) if e.raw_os_error() == Some(28) => Error::StorageFull,
            other => other,
        }
    }
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DiskFull))
}

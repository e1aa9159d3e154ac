//! The error of the phone core: what the store and the model refuse, a case that cannot close
//! because findings block it, and a sync that did not complete.
//!
//! Every variant has a stable code (`Error::code`) for the screens and the command line, which
//! turn it into words with `present::describe_error`. Errors never carry user content beyond
//! what `Blocked` names (a record's kind, who has still to sign).

use std::path::PathBuf;
use std::time::Duration;

use casetrail_model::{ValidationCode, ValidationError};
use casetrail_rules::Finding;
use casetrail_store::ImportRefusal;

/// Result alias of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused by the model or the store (validation, not found, not allowed now, storage).
    #[error(transparent)]
    Store(#[from] casetrail_store::Error),

    /// The case cannot be closed or archived: blocking findings stand (see `check_case`).
    #[error("{} blocking finding(s) stand", findings.len())]
    Blocked {
        /// The findings that block, as `check_case` reports them.
        findings: Vec<Finding>,
    },

    /// Sync with the back office did not complete; what was acknowledged is kept.
    #[error("sync: {0}")]
    Sync(#[from] SyncError),

    /// A file the user named could not be read or written; the message names the file.
    #[error("{}: {source}", path.display())]
    File {
        /// The file, as the user gave it.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// JSON the user gave (a file, an option) could not be read; the message names what it
    /// was for and where in the text it broke.
    #[error("{what}: {source}")]
    Json {
        /// What the JSON was for, as the user knows it: the file or the option (`--strokes`).
        what: String,
        /// The parser's error (line, column, class).
        source: serde_json::Error,
    },

    /// A language with no catalogue was asked for; nothing changed.
    #[error("unsupported language {given:?}")]
    UnsupportedLanguage {
        /// What was asked for.
        given: String,
    },
}

impl Error {
    /// A stable, machine-readable code for the error class (`validation`, `not_found`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => e.code(),
            Error::Blocked { .. } => "blocked",
            Error::Sync(e) => e.code(),
            Error::File { source, .. } if source.raw_os_error() == Some(28) => "storage_full",
            Error::File { .. } => "io",
            Error::Json { .. } => "bad_json",
            Error::UnsupportedLanguage { .. } => "unsupported_language",
        }
    }

    /// Every code `code` can return (the catalogues hold `error-<code>` for each): the store's,
    /// the sync's, and the core's own. A test keeps it in step with the variants.
    pub fn codes() -> Vec<&'static str> {
        let mut all: Vec<&'static str> = casetrail_store::Error::CODES.to_vec();
        all.extend_from_slice(SyncError::CODES);
        all.extend_from_slice(&["blocked", "bad_json", "unsupported_language"]);
        all
    }

    /// A file the user named failed: the error names it.
    pub fn file(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::File {
            path: path.into(),
            source,
        }
    }

    /// JSON the user gave for `what` could not be read.
    pub fn json(what: impl Into<String>, source: serde_json::Error) -> Self {
        Error::Json {
            what: what.into(),
            source,
        }
    }

    /// Shorthand for a validation error.
    pub fn invalid(field: impl Into<String>, code: ValidationCode) -> Self {
        casetrail_store::Error::invalid(field, code).into()
    }

    /// Shorthand for "not allowed now", with a stable reason code.
    pub fn state(reason: &'static str) -> Self {
        casetrail_store::Error::state(reason).into()
    }

    /// Shorthand for "no such item".
    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        casetrail_store::Error::NotFound {
            what,
            id: id.into(),
        }
        .into()
    }

    /// The validation error, if this is one.
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Store(casetrail_store::Error::Validation(v)) => Some(v),
            _ => None,
        }
    }

    /// Turns "disk full" into `StorageFull`, leaves other errors alone.
    pub fn normalise(self) -> Self {
        match self {
            Error::Store(e) => Error::Store(e.normalise()),
            other => other,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        casetrail_store::Error::Validation(e).into()
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        casetrail_store::Error::Io(e).normalise().into()
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        casetrail_store::Error::Encoding(e).into()
    }
}

impl From<ImportRefusal> for Error {
    fn from(e: ImportRefusal) -> Self {
        casetrail_store::Error::Refused(e).into()
    }
}

/// Why a sync did not complete. What was acknowledged before the error is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The device is not enrolled with a back office.
    #[error("not enrolled with a back office")]
    NotEnrolled,
    /// The address is not usable (bad URL; plain HTTP to a host other than loopback).
    #[error("unusable server address: {0}")]
    BadAddress(String),
    /// The network failed (connect, reset, timeout): retried, then left for the next run.
    #[error("network: {0}")]
    Network(String),
    /// The back office is busy or failing (429, 5xx).
    #[error("back office unavailable (HTTP {status})")]
    Unavailable {
        /// HTTP status.
        status: u16,
        /// What `Retry-After` asked for.
        retry_after: Option<Duration>,
    },
    /// The back office refused this device (unknown, revoked, bad enrolment code, expired token).
    #[error("refused by the back office: {code}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The server's error code.
        code: String,
    },
    /// The back office's answer broke the protocol or failed verification (forged or missing
    /// receipt, checkpoint going backwards, garbage): kept as an incident, nothing stored.
    #[error("untrustworthy answer from the back office: {0}")]
    Untrusted(String),
    /// TLS failed (certificate not from the pinned CA, wrong host name): a security failure.
    #[error("TLS: {0}")]
    Tls(String),
    /// The host cancelled the run.
    #[error("cancelled")]
    Cancelled,
}

impl SyncError {
    /// Every code `code` can return.
    pub const CODES: &'static [&'static str] = &[
        "sync_not_enrolled",
        "sync_bad_address",
        "sync_network",
        "sync_unavailable",
        "sync_rejected",
        "sync_untrusted",
        "sync_tls",
        "sync_cancelled",
    ];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotEnrolled => "sync_not_enrolled",
            SyncError::BadAddress(_) => "sync_bad_address",
            SyncError::Network(_) => "sync_network",
            SyncError::Unavailable { .. } => "sync_unavailable",
            SyncError::Rejected { .. } => "sync_rejected",
            SyncError::Untrusted(_) => "sync_untrusted",
            SyncError::Tls(_) => "sync_tls",
            SyncError::Cancelled => "sync_cancelled",
        }
    }

    /// Whether trying again later may help (network, overload). Rejections, untrustworthy
    /// answers and TLS failures need a person.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Network(_) | SyncError::Unavailable { .. })
    }
}

/// The language `code` names (`zh`, `zh-CN`, `en` …), or an error naming it and the supported
/// ones: an app or a user asking for a language without a catalogue is told so, never silently
/// shown Chinese.
pub fn parse_language(code: &str) -> Result<casetrail_i18n::Lang> {
    casetrail_i18n::Lang::parse(code.trim()).ok_or_else(|| Error::UnsupportedLanguage {
        given: code.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant of the core's own and of the sync's; the store checks its own.
    /// The `match`es have no wildcard: a new variant does not compile until it is listed here.
    fn one_of_each() -> Vec<Error> {
        let sync = vec![
            SyncError::NotEnrolled,
            SyncError::BadAddress("x".into()),
            SyncError::Network("x".into()),
            SyncError::Unavailable {
                status: 503,
                retry_after: None,
            },
            SyncError::Rejected {
                status: 403,
                code: "revoked".into(),
            },
            SyncError::Untrusted("x".into()),
            SyncError::Tls("x".into()),
            SyncError::Cancelled,
        ];
        for e in &sync {
            match e {
                SyncError::NotEnrolled
                | SyncError::BadAddress(_)
                | SyncError::Network(_)
                | SyncError::Unavailable { .. }
                | SyncError::Rejected { .. }
                | SyncError::Untrusted(_)
                | SyncError::Tls(_)
                | SyncError::Cancelled => {}
            }
        }
        let mut all: Vec<Error> = sync.into_iter().map(Error::Sync).collect();
        all.extend([
            Error::state("record_void"),
            Error::Blocked { findings: vec![] },
            Error::file("a.json", std::io::Error::other("x")),
            Error::json("witness", serde_json::from_str::<u8>("x").unwrap_err()),
            Error::UnsupportedLanguage { given: "fr".into() },
        ]);
        for e in &all {
            match e {
                Error::Store(_)
                | Error::Blocked { .. }
                | Error::Sync(_)
                | Error::File { .. }
                | Error::Json { .. }
                | Error::UnsupportedLanguage { .. } => {}
            }
        }
        all
    }

    #[test]
    fn codes_lists_the_code_of_every_variant() {
        let codes = Error::codes();
        for e in one_of_each() {
            assert!(
                codes.contains(&e.code()),
                "{} is not in Error::codes()",
                e.code()
            );
        }
    }

    #[test]
    fn an_unsupported_language_is_an_error_naming_it() {
        assert_eq!(parse_language("en-GB").unwrap(), casetrail_i18n::Lang::En);
        let e = parse_language("fr").unwrap_err();
        assert_eq!(e.code(), "unsupported_language");
        assert!(matches!(e, Error::UnsupportedLanguage { given } if given == "fr"));
    }
}

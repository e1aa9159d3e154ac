//! The error of the phone core: what the store and the model refuse, a case that cannot close
//! because findings block it, and a sync that did not complete.
//!
//! Every variant has a stable code (`Error::code`) for the screens and the command line, which
//! turn it into words with `present::describe_error`. Errors never carry user content beyond
//! what `Blocked` names (a record's kind, who has still to sign).

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
}

impl Error {
    /// A stable, machine-readable code for the error class (`validation`, `not_found`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => e.code(),
            Error::Blocked { .. } => "blocked",
            Error::Sync(e) => e.code(),
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

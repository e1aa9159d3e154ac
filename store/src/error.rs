//! What can go wrong below the workspace: input refused by the model, things not found or not
//! allowed in their current state, and storage failures (SQLite, files, the key vault).
//!
//! Errors name *what* went wrong with stable codes (`Error::code`) so the phone screens and the
//! CLI can show a localised message. They never carry user content: a validation error names
//! the field and the rule it broke, not the value, because values are personal data.

use casetrail_model::{ValidationCode, ValidationError};

use casetrail_protocol::journal::DefectKind;
use casetrail_protocol::{DeviceId, Hash};

/// Result alias of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the store and the model beneath it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input broke a rule; nothing was written.
    #[error("invalid input: {0}")]
    Validation(#[from] ValidationError),

    /// No such case, record, evidence item, slot or device.
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
        /// The first ids that matched (at most `view::MAX_CANDIDATES`), in id order.
        candidates: Vec<String>,
    },

    /// The operation is not allowed in the item's current state (e.g. amending a void record).
    #[error("not allowed now: {reason}")]
    InvalidState {
        /// Stable reason code, e.g. `record_not_draft`.
        reason: &'static str,
    },

    /// The device key is missing, does not match the workspace, or a key on record is bad.
    #[error("key or signature problem: {0}")]
    Crypto(String),

    /// The journal or a stored row could not be read as written.
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

    /// JSON could not be written or read back.
    #[error("encoding: {0}")]
    Encoding(#[from] serde_json::Error),

    /// Events offered by another chain were refused; nothing was stored.
    #[error("refused: {0}")]
    Refused(#[from] ImportRefusal),
}

impl Error {
    /// A stable, machine-readable code for the error class (`validation`, `not_found`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Ambiguous { .. } => "ambiguous",
            Error::InvalidState { .. } => "invalid_state",
            Error::Crypto(_) => "crypto",
            Error::Journal(_) => "journal",
            Error::Vault(_) => "vault",
            Error::StorageFull => "storage_full",
            Error::Database(e) if is_disk_full(e) => "storage_full",
            Error::Database(_) => "storage",
            Error::Io(e) if e.raw_os_error() == Some(28) => "storage_full",
            Error::Io(_) => "io",
            Error::Encoding(_) => "encoding",
            Error::Refused(_) => "refused",
        }
    }

    /// Every code `code` can return: the catalogues hold `error-<code>` for each (the core's
    /// catalogue test reads this list; the test below keeps it in step with the variants).
    pub const CODES: &'static [&'static str] = &[
        "validation",
        "not_found",
        "ambiguous",
        "invalid_state",
        "crypto",
        "journal",
        "vault",
        "storage_full",
        "storage",
        "io",
        "encoding",
        "refused",
    ];

    /// Shorthand for a validation error.
    pub fn invalid(field: impl Into<String>, code: ValidationCode) -> Self {
        Error::Validation(ValidationError::new(field, code))
    }

    /// Shorthand for "not allowed now".
    pub fn state(reason: &'static str) -> Self {
        Error::InvalidState { reason }
    }

    /// Turns "disk full" (SQLite's or the file system's) into `StorageFull`.
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

/// A stored row that cannot be read back: only tampering or a bug produces one.
pub(crate) fn corrupt(what: &str) -> Error {
    Error::Journal(format!("stored {what} cannot be read back"))
}

/// Why a batch was refused. Nothing of the batch was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportRefusal {
    /// The chain's key is not trusted here (never enrolled, or our own chain).
    #[error("unknown device {0}")]
    UnknownDevice(DeviceId),
    /// The batch mixes chains or is not in seq order.
    #[error("batch is not one chain in seq order")]
    NotOneChain,
    /// An event does not verify.
    #[error("event {seq}: {kind:?}")]
    Defect {
        /// Its seq.
        seq: u64,
        /// What is wrong.
        kind: DefectKind,
    },
    /// The event verifies but its writer may not write it (`casetrail_rules::authorize`).
    #[error("event {seq} ({kind}) is not allowed: {}", denial.code())]
    Denied {
        /// Its seq.
        seq: u64,
        /// Its kind.
        kind: String,
        /// Why.
        denial: casetrail_rules::Denial,
    },
    /// A seq already held with different bytes: an attempt to rewrite history.
    #[error("event {seq} conflicts with the one held")]
    Conflict {
        /// The seq.
        seq: u64,
        /// Hash of the event held.
        held: Hash,
        /// Hash of the event offered.
        offered: Hash,
    },
    /// Events are missing before this one.
    #[error("event {got} arrives before {expected}")]
    Gap {
        /// The seq that must come next.
        expected: u64,
        /// The seq offered.
        got: u64,
    },
    /// The event verifies but may not be applied (e.g. a phone signing a back-office decision,
    /// or a record that does not exist).
    #[error("event {seq} cannot be applied: {reason}")]
    NotApplicable {
        /// Its seq.
        seq: u64,
        /// Why.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant. The `match` has no wildcard: a new variant does not compile
    /// until it is listed here, and then the test checks its code is in `Error::CODES`.
    fn one_of_each() -> Vec<Error> {
        let all = vec![
            Error::invalid("x", ValidationCode::Required),
            Error::NotFound {
                what: "case",
                id: "1".into(),
            },
            Error::Ambiguous {
                what: "case",
                prefix: "1".into(),
                count: 2,
                candidates: vec!["1a".into(), "1b".into()],
            },
            Error::state("record_void"),
            Error::Crypto("x".into()),
            Error::Journal("x".into()),
            Error::Vault("x".into()),
            Error::StorageFull,
            Error::Database(rusqlite::Error::InvalidQuery),
            Error::Io(std::io::Error::other("x")),
            Error::Encoding(serde_json::from_str::<u8>("x").unwrap_err()),
            Error::Refused(ImportRefusal::NotOneChain),
        ];
        for e in &all {
            match e {
                Error::Validation(_)
                | Error::NotFound { .. }
                | Error::Ambiguous { .. }
                | Error::InvalidState { .. }
                | Error::Crypto(_)
                | Error::Journal(_)
                | Error::Vault(_)
                | Error::StorageFull
                | Error::Database(_)
                | Error::Io(_)
                | Error::Encoding(_)
                | Error::Refused(_) => {}
            }
        }
        all
    }

    #[test]
    fn codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        for c in &codes {
            assert!(Error::CODES.contains(c), "{c} is not in Error::CODES");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            codes.len(),
            Error::CODES.len(),
            "CODES lists a code no variant has"
        );
    }
}

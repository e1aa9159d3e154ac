//! The one error type the apps see. Each variant is something a screen reacts to differently
//! (show the field, say it is gone, retry later, raise an alarm); every variant carries the
//! stable code of the core error and a message in the workspace's language (Chinese by
//! default). No user content, except that `Blocked` names what blocks, as the findings do.
//! The words are in `user_message`: Kotlin's `Throwable` already owns `message`, and a field of
//! that name would not compile there.

use casetrail_core::i18n::{Lang, tr};
use casetrail_core::present::describe_error;
use casetrail_core::store::Error as StoreError;
use casetrail_core::{Error, SyncError, ValidationCode};

use crate::form::FieldProblem;

/// Why a call failed. Nothing was written when a call fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CaseTrailError {
    /// Input broke a rule (a field, a JSON body, an address): show it next to the field.
    #[error("{user_message}")]
    Invalid {
        /// The field concerned (dotted path), if any.
        field: String,
        /// Stable code of the rule (`required`, `bad_json`, `sync_bad_address` …).
        code: String,
        /// Words for the user.
        user_message: String,
        /// Every problem found, each with its field path and words (a form shows each next to
        /// its field); the first is `field`/`code`.
        problems: Vec<FieldProblem>,
    },
    /// No such case, record, evidence item or slot.
    #[error("{user_message}")]
    NotFound {
        /// What was looked for.
        what: String,
        /// The id asked for.
        id: String,
        /// Words for the user.
        user_message: String,
    },
    /// Not allowed in the current state (amending a void record, signing an old version …).
    #[error("{user_message}")]
    NotAllowed {
        /// Stable reason code.
        reason: String,
        /// Words for the user.
        user_message: String,
    },
    /// The case cannot close or be archived: these findings still block.
    #[error("{user_message}")]
    Blocked {
        /// Finding codes.
        findings: Vec<String>,
        /// Words for the user.
        user_message: String,
    },
    /// The host's key vault failed, or the key does not match this workspace.
    #[error("{user_message}")]
    KeyVault {
        /// Words for the user.
        user_message: String,
    },
    /// The phone's storage failed or is full; nothing was written.
    #[error("{user_message}")]
    Storage {
        /// `storage_full`, `storage`, `io`, `journal`, `encoding`.
        code: String,
        /// Words for the user.
        user_message: String,
    },
    /// Sync needs an enrolment first.
    #[error("{user_message}")]
    NotEnrolled {
        /// Words for the user.
        user_message: String,
    },
    /// The network or the back office is unavailable: everything acknowledged is kept; try later.
    #[error("{user_message}")]
    Offline {
        /// Words for the user.
        user_message: String,
    },
    /// The back office refused this device (revoked, bad enrolment code, unknown device).
    #[error("{user_message}")]
    Rejected {
        /// The back office's code.
        code: String,
        /// Words for the user.
        user_message: String,
    },
    /// The back office's answer did not verify, or TLS failed: a security alarm, kept as an
    /// incident.
    #[error("{user_message}")]
    Untrusted {
        /// Words for the user.
        user_message: String,
    },
    /// The host cancelled the operation.
    #[error("{user_message}")]
    Cancelled {
        /// Words for the user.
        user_message: String,
    },
}

impl CaseTrailError {
    /// Translates a core error for the host, in `lang`.
    pub fn from_core(e: Error, lang: Lang) -> Self {
        let user_message = user_message(lang, &e);
        match e {
            Error::Store(StoreError::Validation(v)) => CaseTrailError::Invalid {
                field: v.field.clone(),
                code: v.rule().to_owned(),
                user_message,
                problems: FieldProblem::all(&v, lang),
            },
            Error::Store(StoreError::NotFound { what, id }) => CaseTrailError::NotFound {
                what: what.to_owned(),
                id,
                user_message,
            },
            Error::Store(StoreError::Ambiguous { what, prefix, .. }) => CaseTrailError::NotFound {
                what: what.to_owned(),
                id: prefix,
                user_message,
            },
            Error::Store(StoreError::InvalidState { reason }) => CaseTrailError::NotAllowed {
                reason: reason.to_owned(),
                user_message,
            },
            Error::Blocked { findings } => CaseTrailError::Blocked {
                findings: findings
                    .into_iter()
                    .map(|f| f.code.as_str().to_owned())
                    .collect(),
                user_message,
            },
            Error::Store(StoreError::Vault(_) | StoreError::Crypto(_)) => {
                CaseTrailError::KeyVault { user_message }
            }
            Error::Sync(s) => match s {
                SyncError::NotEnrolled => CaseTrailError::NotEnrolled { user_message },
                SyncError::BadAddress(_) => CaseTrailError::Invalid {
                    field: "url".into(),
                    code: "sync_bad_address".into(),
                    user_message,
                    problems: Vec::new(),
                },
                SyncError::Network(_) | SyncError::Unavailable { .. } => {
                    CaseTrailError::Offline { user_message }
                }
                SyncError::Rejected { code, .. } => CaseTrailError::Rejected { code, user_message },
                SyncError::Untrusted(_) | SyncError::Tls(_) => {
                    CaseTrailError::Untrusted { user_message }
                }
                SyncError::Cancelled => CaseTrailError::Cancelled { user_message },
            },
            Error::Store(StoreError::Refused(_)) => CaseTrailError::Untrusted { user_message },
            Error::UnsupportedLanguage { .. } => CaseTrailError::Invalid {
                field: "lang".into(),
                code: "unsupported_language".into(),
                user_message,
                problems: Vec::new(),
            },
            Error::Json { what, .. } => CaseTrailError::Invalid {
                field: what,
                code: "bad_json".into(),
                user_message,
                problems: Vec::new(),
            },
            other => CaseTrailError::Storage {
                code: other.code().to_owned(),
                user_message,
            },
        }
    }

    /// Input from the host that is not what the API says (bad JSON, an unknown code, a bad id).
    pub fn bad_input(field: &str, lang: Lang) -> Self {
        Self::from_core(Error::invalid(field, ValidationCode::BadFormat), lang)
    }
}

/// The words for the user. Network and security failures get their class only ("网络中断，已确认
/// 的内容均已保存，稍后会自动重试"): the technical detail (an URL, a TLS alert, in English) goes to
/// the log sink, where support can read it, not onto the inspector's screen.
fn user_message(lang: Lang, e: &Error) -> String {
    let technical = matches!(e, Error::Store(StoreError::Refused(_)))
        || matches!(
            e,
            Error::Sync(
                SyncError::Network(_)
                    | SyncError::Unavailable { .. }
                    | SyncError::Untrusted(_)
                    | SyncError::Tls(_)
                    | SyncError::Cancelled
                    | SyncError::NotEnrolled
            )
        );
    if technical {
        tracing::warn!(code = e.code(), detail = %e, "sync failed");
        tr(lang, &format!("error-{}", e.code()))
    } else {
        describe_error(lang, e)
    }
}

/// A foreign callback failed in a way its own error type cannot say (an exception the host did
/// not declare): the vault is the only foreign call that returns errors.
impl From<uniffi::UnexpectedUniFFICallbackError> for CaseTrailError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CaseTrailError::KeyVault {
            user_message: e.reason,
        }
    }
}

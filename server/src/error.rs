//! What the back office answers when it says no: a stable code for machines (the device decides
//! on it whether to retry, park or raise an alarm) and the HTTP status that carries it.

/// A refusal or failure of the back office.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// No valid token, bad signature, used or expired challenge.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// A revoked device, a bad enrolment code, events of another device.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// An event of the batch its device may not write (another officer's case or record, a
    /// closed case, a back-office kind, an unknown kind); nothing of the batch was stored.
    #[error("forbidden: {detail}")]
    ForbiddenEvent {
        /// Which event and why: `event <seq> (<kind>): <code>`.
        detail: String,
    },
    /// Unknown device or upload.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The same seq with other bytes, or an upload offset that is not the server's.
    #[error("conflict: {code}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// The server's offset, for an upload.
        offset: Option<u64>,
    },
    /// A quota of the device is used up (events or bytes of the day, open uploads).
    #[error("quota exceeded: {code}")]
    QuotaExceeded {
        /// Stable code.
        code: &'static str,
        /// Seconds until it makes sense to try again.
        retry_after: u64,
    },
    /// Larger than the server takes.
    #[error("too large")]
    TooLarge,
    /// Well-formed but refused for good (events that do not verify, a file whose hash is not
    /// the one announced).
    #[error("{code}: {detail}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// What exactly.
        detail: String,
    },
    /// A chunk whose checksum does not match its bytes; discarded.
    #[error("checksum mismatch")]
    ChecksumMismatch,
    /// The server's disk is full; nothing was stored.
    #[error("storage full")]
    StorageFull,
    /// Anything else.
    #[error("internal: {0}")]
    Internal(String),
}

impl ServerError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ServerError::BadRequest(_) => 400,
            ServerError::Unauthorized(_) => 401,
            ServerError::Forbidden(_) | ServerError::ForbiddenEvent { .. } => 403,
            ServerError::NotFound(_) => 404,
            ServerError::Conflict { .. } => 409,
            ServerError::QuotaExceeded { .. } => 429,
            ServerError::TooLarge => 413,
            ServerError::Unprocessable { .. } => 422,
            ServerError::ChecksumMismatch => casetrail_protocol::wire::CHECKSUM_MISMATCH,
            ServerError::StorageFull => 507,
            ServerError::Internal(_) => 500,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::BadRequest(c)
            | ServerError::Unauthorized(c)
            | ServerError::Forbidden(c)
            | ServerError::NotFound(c) => c,
            ServerError::Conflict { code, .. }
            | ServerError::Unprocessable { code, .. }
            | ServerError::QuotaExceeded { code, .. } => code,
            ServerError::ForbiddenEvent { .. } => "forbidden_event",
            ServerError::TooLarge => "too_large",
            ServerError::ChecksumMismatch => "checksum_mismatch",
            ServerError::StorageFull => "storage_full",
            ServerError::Internal(_) => "internal",
        }
    }
}

impl From<casetrail_store::Error> for ServerError {
    fn from(e: casetrail_store::Error) -> Self {
        match e.normalise() {
            casetrail_store::Error::StorageFull => ServerError::StorageFull,
            other => ServerError::Internal(other.to_string()),
        }
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        casetrail_store::Error::from(e).into()
    }
}

impl From<std::io::Error> for ServerError {
    fn from(e: std::io::Error) -> Self {
        casetrail_store::Error::from(e).into()
    }
}

/// Results of the back office.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;

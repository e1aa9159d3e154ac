//! The sync engine's view of the back office: one method per call of docs/protocol.md, each
//! answering with the decoded answer or a classified failure.
//!
//! The engine is generic over `Transport`, so its retry, wedge, resume and cancellation logic
//! runs against HTTP in production (`http::HttpTransport`, reqwest + rustls) and against an
//! in-memory back office with injected faults in unit tests. A failure says what the engine
//! may do with it: retry (network, 408, 429, 5xx), park the item (other refusals) or raise an
//! alarm (TLS, garbage — `SyncError::Untrusted`).

use std::future::Future;
use std::time::Duration;

use crate::SyncError;
use crate::protocol::Hash;
use crate::protocol::wire::{
    BackofficeEvents, ChallengeRequest, ChallengeResponse, EnrolRequest, EnrolResponse,
    MediaCreate, MediaStatus, PushRequest, PushResponse, TokenRequest, TokenResponse,
};

/// A non-2xx answer, with what the server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// HTTP status (0 for a local problem with a file).
    pub status: u16,
    /// The back office's stable code.
    pub code: String,
    /// What `Retry-After` asked for.
    pub retry_after: Option<Duration>,
}

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with an error status.
    Status(Refusal),
    /// Anything else (network, TLS, garbage, cancelled).
    Sync(SyncError),
}

impl Failure {
    /// A local problem with a file (missing, damaged): permanent, parks the file.
    pub fn local(code: &str) -> Self {
        Failure::Status(Refusal {
            status: 0,
            code: code.to_owned(),
            retry_after: None,
        })
    }

    /// The error to report if this failure ends the run.
    pub fn into_sync(self) -> SyncError {
        match self {
            Failure::Sync(e) => e,
            Failure::Status(r) if transient_status(r.status) => SyncError::Unavailable {
                status: r.status,
                retry_after: r.retry_after,
            },
            Failure::Status(r) => SyncError::Rejected {
                status: r.status,
                code: r.code,
            },
        }
    }

    /// Whether retrying later may help.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Sync(e) => e.is_transient(),
            Failure::Status(r) => transient_status(r.status),
        }
    }

    /// What the server asked us to wait, if anything.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status(r) => r.retry_after,
            Failure::Sync(SyncError::Unavailable { retry_after, .. }) => *retry_after,
            Failure::Sync(_) => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status(r) => Some(r.status),
            Failure::Sync(_) => None,
        }
    }

    /// A short code for logs and progress.
    pub fn code(&self) -> String {
        match self {
            Failure::Status(r) => format!("http_{}_{}", r.status, r.code),
            Failure::Sync(e) => e.code().to_owned(),
        }
    }
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        Failure::Sync(e)
    }
}

/// Statuses worth retrying: a timeout, overload, a server fault.
pub(crate) fn transient_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// What appending a chunk achieved.
#[derive(Debug)]
pub(crate) enum ChunkOutcome {
    /// Stored; the server's new offset.
    Stored(u64),
    /// Stored and the file is complete: the server's status with its receipt.
    Complete(MediaStatus),
}

/// A call's answer.
pub(crate) type Answer<T> = Result<T, Failure>;

/// The calls of the protocol. Implementations are shared between the tasks of one run.
pub(crate) trait Transport: Send + Sync {
    /// Enrols with a one-time code.
    fn enrol(&self, req: &EnrolRequest) -> impl Future<Output = Answer<EnrolResponse>> + Send;
    /// Asks for a single-use challenge.
    fn challenge(
        &self,
        req: &ChallengeRequest,
    ) -> impl Future<Output = Answer<ChallengeResponse>> + Send;
    /// Answers a challenge for a short-lived token.
    fn token(&self, req: &TokenRequest) -> impl Future<Output = Answer<TokenResponse>> + Send;
    /// Uses this bearer token from now on (or none).
    fn set_token(&self, token: Option<String>);
    /// Pushes a batch of journal events.
    fn push(&self, req: &PushRequest) -> impl Future<Output = Answer<PushResponse>> + Send;
    /// The back office's events after `after` (a page).
    fn pull(&self, after: u64) -> impl Future<Output = Answer<BackofficeEvents>> + Send;
    /// Starts (or finds) an upload.
    fn media_create(&self, req: &MediaCreate) -> impl Future<Output = Answer<MediaStatus>> + Send;
    /// Appends `chunk` at `offset` to the upload of `sha256`.
    fn media_append(
        &self,
        sha256: &Hash,
        offset: u64,
        chunk: Vec<u8>,
    ) -> impl Future<Output = Answer<ChunkOutcome>> + Send;
}

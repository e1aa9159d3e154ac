//! Sync with the back office: the wire format (shared with the server, so the two cannot drift
//! apart), the Merkle proofs and signed checkpoints that make receipts verifiable, the outbox on
//! the device, and the client that delivers everything exactly once.
//!
//! Guarantees, whatever the network or the server does:
//! - nothing local is deleted or changed by sync: it only adds receipts, checkpoints, attempt
//!   counters, incidents and the back office's own signed events;
//! - an item counts as delivered only once the back office's signed receipt for it verifies
//!   (inclusion proof against a signed checkpoint for events, a signed media receipt for files);
//! - a checkpoint that goes backwards or contradicts one held is refused and kept as an incident,
//!   and nothing of that answer is stored;
//! - transient failures are retried with capped exponential backoff and jitter; permanent ones
//!   park the item as `wedged` with the reason, visible and never dropped.

mod backoff;
pub mod checkpoint;
mod client;
pub(crate) mod engine;
pub mod merkle;
pub(crate) mod outbox;
pub mod wire;

use std::time::Duration;

use serde::Serialize;

pub use backoff::Backoff;
pub use client::Timeouts;
pub use engine::{EnrolOptions, SyncOptions, verify_media_receipt};
pub use outbox::{Enrolment, MediaState, OutboxItem, SyncStatus};

/// How the phone is connected, as the host reports it. Big media wait for an unmetered network
/// until their deadline comes close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Wi-Fi or wired: send everything.
    #[default]
    Unmetered,
    /// Mobile data: hold big media unless their deadline is close.
    Metered,
}

/// What a sync run is doing, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "phase")]
pub enum Progress {
    /// Authenticating with the back office.
    Connecting,
    /// Journal events acknowledged so far, of the total queued.
    Events {
        /// Acknowledged.
        done: u64,
        /// Queued at the start.
        total: u64,
    },
    /// Back-office events received.
    Pulled {
        /// How many.
        count: u64,
    },
    /// Bytes of media acknowledged so far, of the total queued.
    Media {
        /// Bytes durable at the server.
        done: u64,
        /// Bytes queued.
        total: u64,
        /// Files fully received.
        files_done: u64,
        /// Files queued.
        files_total: u64,
    },
    /// Waiting before retrying.
    Waiting {
        /// For how long.
        millis: u64,
        /// Why (error code).
        reason: String,
    },
}

/// The host's progress callback (`SyncListener` in the bindings).
pub trait SyncListener: Send + Sync {
    /// Called as the run progresses; must return quickly.
    fn on_progress(&self, progress: Progress);
}

/// A listener that ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl SyncListener for Silent {
    fn on_progress(&self, _: Progress) {}
}

/// What one sync run achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Journal events sent in this run.
    pub events_sent: u64,
    /// Journal events whose receipt verified in this run.
    pub events_acked: u64,
    /// Back-office events pulled and applied.
    pub pulled: u64,
    /// Files whose signed media receipt verified in this run.
    pub media_acked: u64,
    /// Bytes of media sent in this run.
    pub media_bytes_sent: u64,
    /// The checkpoint held at the end (size of the back office's log), if any.
    pub checkpoint_size: Option<u64>,
    /// What is still queued and wedged.
    pub status: SyncStatus,
}

impl SyncReport {
    /// Whether everything queued was acknowledged (nothing pending, nothing wedged).
    pub fn complete(&self) -> bool {
        self.status.complete()
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

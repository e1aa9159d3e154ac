//! Sync with the back office: the outbox on the device and the client that delivers everything
//! exactly once, over a `Transport` (HTTP in production). The wire format, the Merkle proofs and
//! the signed checkpoints that make receipts verifiable are the protocol crate's, shared with the
//! server so the two cannot drift apart.
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
mod enrol;
mod http;
#[cfg(test)]
mod memory;
mod outbox;
mod retry;
mod run;
#[cfg(test)]
mod tests;
mod transport;
mod upload;

use serde::Serialize;

use crate::protocol::DeviceKey;
use crate::store::clock::Clock;
use crate::store::{Ledger, Store};

pub use backoff::Backoff;
pub(crate) use enrol::enrol;
pub use http::Timeouts;
pub(crate) use outbox::status;
pub use outbox::{
    AV_CRITICAL_AGE, AV_STATES, AV_WARNING_AGE, BIG_FILE, HOLD_MARGIN, MediaState, OutboxItem,
    SyncStatus,
};
pub(crate) use run::sync;

/// How to enrol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolOptions {
    /// The back office's address.
    pub url: String,
    /// The one-time code it issued for this officer.
    pub code: String,
    /// PEM of the bureau's CA, pinned for TLS (not needed for loopback HTTP).
    pub ca_pem: Option<String>,
}

/// How to run a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// The network the host reports.
    pub network: Network,
    /// Retry policy for transient failures.
    pub backoff: Backoff,
    /// Attempts per request before the run gives up for now.
    pub attempts: u32,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Events per push.
    pub batch: usize,
    /// Bytes per media chunk (reliability F7: ≤ 4 MiB, so a cut re-sends at most that).
    pub chunk: usize,
    /// Override the enrolled address (the same back office reached another way).
    pub url: Option<String>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            network: Network::Unmetered,
            backoff: Backoff::default(),
            attempts: 6,
            timeouts: Timeouts::default(),
            batch: 500,
            chunk: 4 * 1024 * 1024,
            url: None,
        }
    }
}

/// What a run works with: the device's ledger (store, key, clock) and its files.
pub(crate) struct Device<'a> {
    pub ledger: &'a Ledger,
    pub media: &'a crate::media::MediaStore,
}

impl Device<'_> {
    fn store(&self) -> &Store {
        self.ledger.store()
    }

    fn key(&self) -> &DeviceKey {
        self.ledger.key()
    }

    fn clock(&self) -> &dyn Clock {
        self.ledger.clock().as_ref()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.ledger.now().utc
    }

    fn incident(&self, kind: &str, detail: &str) -> crate::Result<()> {
        Ok(self.store().record_incident(self.now(), kind, detail)?)
    }
}

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

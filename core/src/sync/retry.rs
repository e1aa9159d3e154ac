//! The one retry policy of a sync run: how many attempts, how long to wait between them (the
//! run's `Backoff`, honouring `Retry-After`), what the host is told while waiting, and that a
//! cancel interrupts the wait at once. Single requests and whole uploads (which resume from the
//! server's offset between attempts) both go through `Attempts`.

use tokio_util::sync::CancellationToken;

use super::transport::Failure;
use super::{Backoff, Progress, SyncListener};
use crate::SyncError;

/// The attempts left for one piece of work.
pub(crate) struct Attempts<'a> {
    backoff: Backoff,
    limit: u32,
    failed: u32,
    listener: &'a dyn SyncListener,
    cancel: &'a CancellationToken,
}

impl<'a> Attempts<'a> {
    /// `limit` attempts in all, waiting by `backoff` between them.
    pub fn new(
        backoff: Backoff,
        limit: u32,
        listener: &'a dyn SyncListener,
        cancel: &'a CancellationToken,
    ) -> Self {
        Self {
            backoff,
            limit: limit.max(1),
            failed: 0,
            listener,
            cancel,
        }
    }

    /// Counts `failure` against the attempts; waits before the next one and returns `true`, or
    /// returns `false` when none are left. A cancel during the wait is `Err(Cancelled)`.
    pub async fn wait_after(&mut self, what: &str, failure: &Failure) -> Result<bool, Failure> {
        self.failed += 1;
        if self.failed >= self.limit {
            return Ok(false);
        }
        let wait = self
            .backoff
            .next_delay(self.failed - 1, failure.retry_after());
        tracing::info!(what, error = %failure.code(), ?wait, "transient failure; retrying");
        self.listener.on_progress(Progress::Waiting {
            millis: wait.as_millis() as u64,
            reason: failure.code(),
        });
        tokio::select! {
            _ = self.cancel.cancelled() => Err(SyncError::Cancelled.into()),
            _ = tokio::time::sleep(wait) => Ok(true),
        }
    }
}

/// Runs `call` unless the run is cancelled first.
pub(crate) async fn cancellable<T>(
    cancel: &CancellationToken,
    call: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    tokio::select! {
        _ = cancel.cancelled() => Err(SyncError::Cancelled.into()),
        r = call => r,
    }
}

//! Sync as the screens use it: enrol once, run a sync (async, cancellable, with progress), see
//! what is still owed, re-enable what was parked.

use tokio_util::sync::CancellationToken;

use super::Workspace;
use crate::error::Result;
use crate::sync::engine::{self, Device};
use crate::sync::{
    EnrolOptions, Enrolment, Network, SyncListener, SyncOptions, SyncReport, SyncStatus, outbox,
};

/// An incident: something the device refused from a back office, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncIncident {
    /// When (device time, RFC 3339).
    pub at: String,
    /// Kind (`checkpoint_rollback`, `bad_inclusion_proof`, `journal_refused`, …).
    pub kind: String,
    /// What exactly, with the signed notes concerned.
    pub detail: String,
}

impl Workspace {
    fn device(&self) -> Device<'_> {
        Device {
            store: &self.store,
            media: &self.media,
            key: &self.key,
            clock: self.clock.as_ref(),
        }
    }

    /// Enrols this device with a back office using the one-time code it issued.
    pub async fn enrol(&self, opts: &EnrolOptions) -> Result<Enrolment> {
        engine::enrol(&self.device(), opts).await
    }

    /// The back office this device is enrolled with.
    pub fn enrolment(&self) -> Result<Option<Enrolment>> {
        self.store.read(outbox::enrolment)
    }

    /// Runs a sync: push the journal, pull the back office's events, upload the files.
    pub async fn sync(
        &self,
        opts: &SyncOptions,
        listener: &dyn SyncListener,
        cancel: &CancellationToken,
    ) -> Result<SyncReport> {
        engine::sync(&self.device(), opts, listener, cancel).await
    }

    /// The back office's last checkpoint held: its log size, root and signed note.
    pub fn held_checkpoint(&self) -> Result<Option<(u64, crate::journal::Hash, String)>> {
        self.store.read(outbox::held_checkpoint)
    }

    /// What is still owed to the back office.
    pub fn sync_status(&self, network: Network) -> Result<SyncStatus> {
        let now = self.clock.now().utc;
        self.store
            .read(|c| outbox::status(c, self.key.device_id(), now, network))
    }

    /// Clears the wedged state of everything parked, so the next sync tries again.
    pub fn reenable_wedged(&self) -> Result<usize> {
        self.store.write(outbox::reenable)
    }

    /// The incidents recorded, oldest first.
    pub fn sync_incidents(&self) -> Result<Vec<SyncIncident>> {
        self.store.read(|c| {
            let mut stmt = c.prepare("SELECT at, kind, detail FROM sync_incidents ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(SyncIncident {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    detail: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

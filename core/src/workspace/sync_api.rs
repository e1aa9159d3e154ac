//! Sync as the screens use it: enrol once, run a sync (async, cancellable, with progress), see
//! what is still owed, re-enable what was parked.

use tokio_util::sync::CancellationToken;

use super::Workspace;
use crate::error::Result;
use crate::protocol::receipts::HeldCheckpoint;
use crate::store::{Enrolment, StoredIncident};
use crate::sync::{
    self, Device, EnrolOptions, Network, SyncListener, SyncOptions, SyncReport, SyncStatus,
};

/// An incident: something the device refused from a back office, kept as evidence.
pub type SyncIncident = StoredIncident;

impl Workspace {
    pub(crate) fn device(&self) -> Device<'_> {
        Device {
            ledger: &self.ledger,
            media: &self.media,
        }
    }

    /// Enrols this device with a back office using the one-time code it issued.
    pub async fn enrol(&self, opts: &EnrolOptions) -> Result<Enrolment> {
        sync::enrol(&self.device(), opts).await
    }

    /// The back office this device is enrolled with.
    pub fn enrolment(&self) -> Result<Option<Enrolment>> {
        self.store().read(|v| Ok(v.enrolment()?))
    }

    /// Runs a sync: push the journal, pull the back office's events, upload the files.
    pub async fn sync(
        &self,
        opts: &SyncOptions,
        listener: &dyn SyncListener,
        cancel: &CancellationToken,
    ) -> Result<SyncReport> {
        sync::sync(&self.device(), opts, listener, cancel).await
    }

    /// The back office's last checkpoint held: its log size, root and signed note.
    pub fn held_checkpoint(&self) -> Result<Option<HeldCheckpoint>> {
        self.store().read(|v| Ok(v.held_checkpoint()?))
    }

    /// What is still owed to the back office.
    pub fn sync_status(&self, network: Network) -> Result<SyncStatus> {
        let now = self.ledger.now().utc;
        let device = self.device_id();
        self.store()
            .read(|v| sync::status(&v, device, now, network))
    }

    /// Clears the wedged state of everything parked, so the next sync tries again.
    pub fn reenable_wedged(&self) -> Result<usize> {
        Ok(self.store().reenable_wedged()?)
    }

    /// The incidents recorded, oldest first.
    pub fn sync_incidents(&self) -> Result<Vec<SyncIncident>> {
        self.store().read(|v| Ok(v.incidents()?))
    }
}

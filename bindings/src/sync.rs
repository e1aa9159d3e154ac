//! Sync from the apps: enrol once, then run syncs (async, on tokio) with a progress observer
//! the host implements and a token it can cancel; see what is still owed.

use std::sync::Arc;

use casetrail_core::i18n::Lang;
use casetrail_core::sync::{EnrolOptions, Network, Progress, SyncOptions};
use tokio_util::sync::CancellationToken;

use crate::api::{CaseTrail, Result};
use crate::types::{EnrolmentView, SyncProgress, SyncReportView, SyncStatusView};

/// The host's progress observer (a progress bar, a notification). Must return quickly.
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    /// Called as the sync progresses.
    fn on_progress(&self, progress: SyncProgress);
}

struct ListenerBridge(Option<Arc<dyn SyncListener>>, Lang);

impl casetrail_core::sync::SyncListener for ListenerBridge {
    fn on_progress(&self, progress: Progress) {
        if let Some(l) = &self.0 {
            l.on_progress(SyncProgress::new(progress, self.1));
        }
    }
}

/// Cancels a running sync from any thread (the user leaves the screen, the OS ends the job).
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken(CancellationToken);

#[uniffi::export]
impl CancelToken {
    /// A fresh token.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Cancels: the sync stops at the next step, keeping everything acknowledged.
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

fn network(metered: bool) -> Network {
    if metered {
        Network::Metered
    } else {
        Network::Unmetered
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl CaseTrail {
    /// Enrols this device with a back office using the one-time code it issued. `ca_pem` pins
    /// the bureau's CA for HTTPS (not needed for a loopback HTTP address).
    pub async fn enrol(
        &self,
        url: String,
        code: String,
        ca_pem: Option<String>,
    ) -> Result<EnrolmentView> {
        let e = self
            .ws
            .enrol(&EnrolOptions { url, code, ca_pem })
            .await
            .map_err(|e| self.err(e))?;
        Ok(EnrolmentView::from(&e))
    }

    /// Delivers everything queued: journal first, then the back office's events, then files
    /// (audio/video first). `metered`: the host is on mobile data, big files wait for Wi-Fi
    /// unless due soon.
    pub async fn sync(
        &self,
        metered: bool,
        listener: Option<Arc<dyn SyncListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<SyncReportView> {
        let opts = SyncOptions {
            network: network(metered),
            ..SyncOptions::default()
        };
        let token = cancel.map(|c| c.0.clone()).unwrap_or_default();
        let report = self
            .ws
            .sync(&opts, &ListenerBridge(listener, self.lang()), &token)
            .await
            .map_err(|e| self.err(e))?;
        Ok(SyncReportView::new(&report, self.lang()))
    }
}

#[uniffi::export]
impl CaseTrail {
    /// The back office this device is enrolled with, if any.
    pub fn enrolment(&self) -> Result<Option<EnrolmentView>> {
        Ok(self
            .ws
            .enrolment()
            .map_err(|e| self.err(e))?
            .as_ref()
            .map(EnrolmentView::from))
    }

    /// What is still owed to the back office (and whether audio/video is running late).
    pub fn sync_status(&self, metered: bool) -> Result<SyncStatusView> {
        let s = self
            .ws
            .sync_status(network(metered))
            .map_err(|e| self.err(e))?;
        Ok(SyncStatusView::new(&s, self.lang()))
    }

    /// Re-enables everything parked as wedged (after an app update fixed the cause).
    pub fn retry_wedged(&self) -> Result<u32> {
        Ok(self.ws.reenable_wedged().map_err(|e| self.err(e))? as u32)
    }
}

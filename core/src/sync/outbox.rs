//! The outbox: what this device still owes the back office, in delivery order.
//!
//! It is not a copy of the data. Pending journal events are this device's events without a
//! receipt; pending files are the originals and derivatives of this device's evidence items
//! without a media receipt. So nothing can be "forgotten" by the queue: a crash between capture
//! and enqueue cannot happen, because capturing *is* enqueuing. The store keeps only receipts,
//! checkpoints, attempt counters, wedged reasons and incidents; this module is the policy over
//! them.
//!
//! Order: journal events first (small, and the back office shows a record as `media pending`
//! until its files arrive), then files: audio/video by their 24-hour deadline, then the rest
//! oldest first, smaller first. On a metered network, files above `BIG_FILE` wait for Wi-Fi
//! unless they are audio/video whose deadline is less than `HOLD_MARGIN` away.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::Network;
use crate::error::Result;
use crate::model::{DeviceId, EvidenceId};
use crate::protocol::Hash;
use crate::store::View;

/// Files larger than this wait for an unmetered network (unless their deadline is close).
pub const BIG_FILE: u64 = 16 * 1024 * 1024;
/// How close an audio/video deadline must be for a big file to go over mobile data.
pub const HOLD_MARGIN: TimeDelta = TimeDelta::hours(6);
/// Age of the oldest undelivered audio/video that turns the status to warning (reliability S40).
pub const AV_WARNING_AGE: TimeDelta = TimeDelta::hours(12);
/// Age of the oldest undelivered audio/video that turns the status to critical.
pub const AV_CRITICAL_AGE: TimeDelta = TimeDelta::hours(20);

/// One file waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxItem {
    /// The evidence item it belongs to.
    pub evidence_id: EvidenceId,
    /// Original or derivative.
    pub derivative: bool,
    /// Content hash.
    pub sha256: Hash,
    /// Size.
    pub size: u64,
    /// Audio or video (24-hour rule).
    pub av: bool,
    /// When it was captured.
    pub captured_at: DateTime<Utc>,
    /// When it must have reached the back office (audio/video).
    pub deadline: Option<DateTime<Utc>>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Where it stands.
    pub state: MediaState,
}

/// Where a queued file stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum MediaState {
    /// Will be sent in the next run.
    Ready,
    /// Waiting for an unmetered network.
    HeldForWifi,
    /// Parked after a permanent failure, with the reason; kept, visible, retried only when
    /// re-enabled.
    Wedged(String),
}

/// Every `SyncStatus::av_state`: `ok`, `warning` (≥ 12 h), `critical` (≥ 20 h). The catalogues
/// hold `sync-av-<state>` for each.
pub const AV_STATES: [&str; 3] = ["ok", "warning", "critical"];

/// What is still owed, for the status screen and `casetrail sync --json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// Enrolled with a back office.
    pub enrolled: bool,
    /// Journal events without a receipt.
    pub events_pending: u64,
    /// Why the journal is parked, if it is.
    pub journal_wedged: Option<String>,
    /// Files without a receipt (ready or held).
    pub media_pending: u64,
    /// Their bytes.
    pub media_pending_bytes: u64,
    /// Files parked with a reason.
    pub media_wedged: Vec<OutboxItem>,
    /// Capture time of the oldest undelivered audio/video file.
    pub oldest_av_pending: Option<DateTime<Utc>>,
    /// `ok`, `warning` (≥ 12 h) or `critical` (≥ 20 h) for that file.
    pub av_state: String,
    /// Size of the back office's log at the last checkpoint held.
    pub checkpoint_size: Option<u64>,
    /// Incidents recorded (refused answers from the back office).
    pub incidents: u64,
}

impl SyncStatus {
    /// Nothing pending, nothing wedged.
    pub fn complete(&self) -> bool {
        self.events_pending == 0
            && self.journal_wedged.is_none()
            && self.media_pending == 0
            && self.media_wedged.is_empty()
    }
}

/// Every file of this device's evidence without a receipt, in delivery order, with its state.
pub(crate) fn media_queue(
    view: &View<'_>,
    device: DeviceId,
    now: DateTime<Utc>,
    network: Network,
) -> Result<Vec<OutboxItem>> {
    let states = view.media_sync()?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for item in view.all_evidence()? {
        if item.device_id != device {
            continue;
        }
        let av = item.kind.counts_as_av_record();
        let files = std::iter::once((false, &item.original))
            .chain(item.derivative.as_ref().map(|d| (true, d)));
        for (derivative, file) in files {
            if !seen.insert(file.sha256) {
                continue;
            }
            let state = states.get(&file.sha256).cloned().unwrap_or_default();
            if state.receipt.is_some() {
                continue;
            }
            let deadline = av.then(|| item.captured_at + TimeDelta::hours(24));
            let attempts = state.attempts;
            let state = match state.wedged_reason {
                Some(reason) => MediaState::Wedged(reason),
                None if network == Network::Metered
                    && file.size > BIG_FILE
                    && deadline.is_none_or(|d| d - now > HOLD_MARGIN) =>
                {
                    MediaState::HeldForWifi
                }
                None => MediaState::Ready,
            };
            out.push(OutboxItem {
                evidence_id: item.id,
                derivative,
                sha256: file.sha256,
                size: file.size,
                av,
                captured_at: item.captured_at,
                deadline,
                attempts,
                state,
            });
        }
    }
    // Audio/video by deadline first; then originals before derivatives, oldest first, smaller
    // first.
    out.sort_by_key(|i| {
        (
            !i.av,
            i.deadline,
            i.derivative,
            i.captured_at,
            i.size,
            i.sha256,
        )
    });
    Ok(out)
}

/// What is still owed.
pub(crate) fn status(
    view: &View<'_>,
    device: DeviceId,
    now: DateTime<Utc>,
    network: Network,
) -> Result<SyncStatus> {
    let queue = media_queue(view, device, now, network)?;
    let journal_wedged = view.journal_sync()?.wedged_reason;
    let oldest_av_pending = queue.iter().filter(|i| i.av).map(|i| i.captured_at).min();
    let [ok, warning, critical] = AV_STATES;
    let av_state = match oldest_av_pending.map(|t| now - t) {
        Some(age) if age >= AV_CRITICAL_AGE => critical,
        Some(age) if age >= AV_WARNING_AGE => warning,
        _ => ok,
    };
    let (pending, wedged): (Vec<_>, Vec<_>) = queue
        .into_iter()
        .partition(|i| !matches!(i.state, MediaState::Wedged(_)));
    Ok(SyncStatus {
        enrolled: view.enrolment()?.is_some(),
        events_pending: view.unreceipted_event_count(device)?,
        journal_wedged,
        media_pending: pending.len() as u64,
        media_pending_bytes: pending.iter().map(|i| i.size).sum(),
        media_wedged: wedged,
        oldest_av_pending,
        av_state: av_state.to_owned(),
        checkpoint_size: view.held_checkpoint()?.map(|c| c.size),
        incidents: view.incident_count()?,
    })
}

//! One sync run, start to finish: authenticate, push the journal, pull the back office's
//! events, upload the files (`upload`) — and believe nothing the server says until it verifies.
//!
//! Per pushed batch the server's answer must carry a checkpoint signed by the key learnt at
//! enrolment, consistent with the checkpoint held, and a receipt per event whose inclusion proof
//! verifies against it (`protocol::receipts::verify_push`). Only then are the checkpoint and
//! receipts stored, in one transaction. Anything else is an incident: recorded with both signed
//! notes, nothing else stored, the run stopped. Back-office events pulled go through the store's
//! verifying importer, all or nothing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::http::HttpTransport;
use super::retry::{Attempts, cancellable};
use super::transport::{Answer, Failure, Transport};
use super::{Device, Progress, SyncListener, SyncOptions, SyncReport, outbox};
use crate::SyncError;
use crate::error::{Error, Result};
use crate::protocol::checkpoint::Checkpoint;
use crate::protocol::events::v1::{ClockSkewObserved, Event};
use crate::protocol::receipts::{self, HeldCheckpoint, LogKey};
use crate::protocol::wire::{
    self, ChallengeRequest, PushRequest, PushResponse, TokenRequest, WireEvent,
};
use crate::store::Enrolment;

/// A push answer whose checkpoint and receipts verified, not yet stored.
struct Verified {
    checkpoint: Checkpoint,
    resp: PushResponse,
    events: u64,
}

/// One run over a transport.
pub(crate) struct Run<'a, T> {
    pub dev: &'a Device<'a>,
    pub opts: &'a SyncOptions,
    pub listener: &'a dyn SyncListener,
    pub cancel: &'a CancellationToken,
    pub enrolment: Enrolment,
    pub server_key: ed25519_dalek::VerifyingKey,
    pub transport: &'a T,
    pub report: SyncReport,
}

/// Runs a sync over HTTP to the enrolled back office: push, pull, upload. Returns what it
/// achieved; an error means the run stopped early (what was acknowledged before is kept).
pub(crate) async fn sync(
    dev: &Device<'_>,
    opts: &SyncOptions,
    listener: &dyn SyncListener,
    cancel: &CancellationToken,
) -> Result<SyncReport> {
    if cancel.is_cancelled() {
        return Err(SyncError::Cancelled.into());
    }
    let enrolment = dev
        .store()
        .read(|v| v.enrolment())?
        .ok_or(SyncError::NotEnrolled)?;
    let url = opts.url.as_deref().unwrap_or(&enrolment.url);
    let transport = HttpTransport::new(url, enrolment.ca_pem.as_deref(), opts.timeouts)?;
    sync_with(dev, opts, listener, cancel, enrolment, &transport).await
}

/// Runs a sync over `transport`.
pub(crate) async fn sync_with<T: Transport>(
    dev: &Device<'_>,
    opts: &SyncOptions,
    listener: &dyn SyncListener,
    cancel: &CancellationToken,
    enrolment: Enrolment,
    transport: &T,
) -> Result<SyncReport> {
    if cancel.is_cancelled() {
        return Err(SyncError::Cancelled.into());
    }
    let mut run = Run {
        dev,
        opts,
        listener,
        cancel,
        server_key: enrolment.server_key()?,
        enrolment,
        transport,
        report: SyncReport::default(),
    };
    run.listener.on_progress(Progress::Connecting);
    run.authenticate().await?;
    run.push_journal().await?;
    run.pull().await?;
    run.upload_media().await?;
    let device = dev.key().device_id();
    let now = dev.now();
    run.report.status = dev
        .store()
        .read(|v| outbox::status(&v, device, now, opts.network))?;
    run.report.checkpoint_size = run.report.status.checkpoint_size;
    let r = &run.report;
    tracing::info!(
        events = r.events_acked,
        pulled = r.pulled,
        media = r.media_acked,
        complete = r.status.complete(),
        "sync finished"
    );
    Ok(run.report)
}

impl<'a, T: Transport> Run<'a, T> {
    /// A fresh allowance of attempts for one piece of work.
    pub(super) fn attempts(&self) -> Attempts<'a> {
        Attempts::new(
            self.opts.backoff,
            self.opts.attempts,
            self.listener,
            self.cancel,
        )
    }

    /// Calls `f` until it succeeds, retrying transient failures within the run's attempts (and
    /// re-authenticating once on 401). Cancellation interrupts waits and requests.
    pub(super) async fn retrying<R, F, Fut>(&self, what: &str, mut f: F) -> Answer<R>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Answer<R>>,
    {
        let mut attempts = self.attempts();
        let mut reauthed = false;
        loop {
            match cancellable(self.cancel, f()).await {
                Ok(v) => return Ok(v),
                Err(e) if e.status() == Some(401) && !reauthed => {
                    reauthed = true;
                    self.transport.set_token(None);
                    self.fetch_token().await?;
                }
                Err(e) if e.is_transient() => {
                    if !attempts.wait_after(what, &e).await? {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn authenticate(&mut self) -> Result<()> {
        let server_time = self
            .retrying("auth", || self.fetch_token())
            .await
            .map_err(Failure::into_sync)?;
        self.record_skew(server_time)
    }

    /// Challenge–response for a short-lived token; returns the server's clock.
    async fn fetch_token(&self) -> Answer<Option<DateTime<Utc>>> {
        let device_id = self.dev.key().device_id();
        let challenge = self
            .transport
            .challenge(&ChallengeRequest { device_id })
            .await?;
        if challenge.nonce.len() != 64 || !challenge.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyncError::Untrusted("malformed challenge".into()).into());
        }
        let signature = self
            .dev
            .key()
            .sign(&wire::auth_message(&challenge.nonce, &device_id));
        let token = self
            .transport
            .token(&TokenRequest {
                device_id,
                nonce: challenge.nonce,
                signature: B64.encode(signature),
            })
            .await?;
        if token.token.is_empty() || token.token.len() > 256 {
            return Err(SyncError::Untrusted("malformed token".into()).into());
        }
        self.transport.set_token(Some(token.token));
        Ok(DateTime::parse_from_rfc3339(&challenge.server_time)
            .ok()
            .map(|t| t.with_timezone(&Utc)))
    }

    /// Records the device clock's skew against the back office's (DESIGN "Time").
    fn record_skew(&self, server_time: Option<DateTime<Utc>>) -> Result<()> {
        let Some(server_time) = server_time else {
            return Ok(());
        };
        let at = self.dev.clock().now();
        let skew_ms = (at.utc - server_time).num_milliseconds();
        self.dev.ledger.append_at(at, |_| {
            Ok::<_, Error>(Event::ClockSkewObserved(ClockSkewObserved {
                server_time,
                skew_ms,
            }))
        })?;
        Ok(())
    }

    fn log_key(&self) -> LogKey<'_> {
        LogKey {
            origin: &self.enrolment.log_origin,
            name: &self.enrolment.server_key_name,
            key: &self.server_key,
        }
    }

    /// Pushes the journal in batches. The receipts of one batch are stored while the next batch
    /// is on the wire (each is one fsync, on the phone and on the back office): the next request
    /// builds on the checkpoint just verified in memory, and its answer is only believed once the
    /// receipts before it are stored. If storing fails the run stops; the back office then holds
    /// events the phone has no receipt for, which the next run pushes again and the back office
    /// acknowledges as already held.
    async fn push_journal(&mut self) -> Result<()> {
        let device = self.dev.key().device_id();
        if self
            .dev
            .store()
            .read(|v| v.journal_sync())?
            .wedged_reason
            .is_some()
        {
            return Ok(());
        }
        let total = self
            .dev
            .store()
            .read(|v| v.unreceipted_event_count(device))?;
        let mut done = 0;
        self.listener.on_progress(Progress::Events { done, total });
        let batch_size = self.opts.batch.clamp(1, wire::MAX_BATCH);
        let mut held = self.dev.store().read(|v| v.held_checkpoint())?;
        let mut after = 0;
        let mut verified: Option<Verified> = None;
        loop {
            let batch = self
                .dev
                .store()
                .read(|v| v.unreceipted_events(device, after, batch_size))?;
            if batch.is_empty() {
                let n = self.store_receipts(verified.as_ref())?;
                self.note_acked(n, &mut done, total);
                return Ok(());
            }
            let req = PushRequest {
                events: batch.iter().map(WireEvent::from_stored).collect(),
                known_size: held.as_ref().map_or(0, |c| c.size),
            };
            self.report.events_sent += batch.len() as u64;
            let last = verified.take();
            let (answer, stored) = {
                let this = &*self;
                let storing = async {
                    // Let the request go out first: the store's fsync then overlaps it.
                    tokio::task::yield_now().await;
                    this.store_receipts(last.as_ref())
                };
                tokio::join!(this.retrying("push", || this.transport.push(&req)), storing)
            };
            self.note_acked(stored?, &mut done, total);
            let resp = match answer {
                Ok(resp) => resp,
                Err(Failure::Status(r)) if !(r.status == 401 || r.status == 403) => {
                    if super::transport::transient_status(r.status) {
                        return Err(SyncError::Unavailable {
                            status: r.status,
                            retry_after: r.retry_after,
                        }
                        .into());
                    }
                    // The back office refuses these events for good (409: a seq it holds with
                    // other bytes; 422: they do not verify there). Park the journal, alert,
                    // and carry on with the files.
                    let reason = format!("http_{}: {}", r.status, r.code);
                    self.dev.store().park_journal(self.dev.now(), &reason)?;
                    return Ok(());
                }
                Err(e) => return Err(e.into_sync().into()),
            };
            let checkpoint =
                match receipts::verify_push(self.log_key(), held.as_ref(), &batch, &resp) {
                    Ok(c) => c,
                    Err(refusal) => {
                        self.dev.incident(refusal.kind, &refusal.detail)?;
                        return Err(SyncError::Untrusted(format!(
                            "{}: {}",
                            refusal.kind, refusal.detail
                        ))
                        .into());
                    }
                };
            after = batch.last().map_or(after, |e| e.seq);
            held = Some(HeldCheckpoint {
                size: checkpoint.size,
                root: checkpoint.root,
                note: resp.checkpoint.clone(),
            });
            verified = Some(Verified {
                checkpoint,
                resp,
                events: batch.len() as u64,
            });
        }
    }

    /// Stores one verified answer's checkpoint and receipts in one transaction; returns how many
    /// events they acknowledge.
    fn store_receipts(&self, verified: Option<&Verified>) -> Result<u64> {
        let Some(v) = verified else { return Ok(0) };
        self.dev.store().store_receipts(
            &v.checkpoint,
            &v.resp.checkpoint,
            &v.resp.receipts,
            self.dev.now(),
        )?;
        Ok(v.events)
    }

    /// Counts `n` more events acknowledged and stored, and says so.
    fn note_acked(&mut self, n: u64, done: &mut u64, total: u64) {
        if n == 0 {
            return;
        }
        *done += n;
        self.report.events_acked += n;
        self.listener.on_progress(Progress::Events {
            done: *done,
            total: total.max(*done),
        });
    }

    async fn pull(&mut self) -> Result<()> {
        let server = self.enrolment.server_device_id;
        loop {
            let after = self.dev.store().read(|v| v.chain_seq(server))?;
            let page = self
                .retrying("pull", || self.transport.pull(after))
                .await
                .map_err(Failure::into_sync)?;
            if page.events.is_empty() {
                return Ok(());
            }
            let mut events = Vec::with_capacity(page.events.len());
            for w in &page.events {
                match w.to_stored() {
                    Some(e) if e.device_id == server && e.seq > after => events.push(e),
                    _ => {
                        let detail = "back-office event that is not the back office's next event";
                        self.dev.incident("pull_refused", detail)?;
                        return Err(SyncError::Untrusted(detail.into()).into());
                    }
                }
            }
            match self.dev.store().import(&events, |_, _, _, _| Ok(())) {
                Ok(imported) => {
                    self.report.pulled += imported.len() as u64;
                    self.listener.on_progress(Progress::Pulled {
                        count: self.report.pulled,
                    });
                }
                Err(crate::store::Error::Refused(why)) => {
                    self.dev.incident("pull_refused", &why.to_string())?;
                    return Err(SyncError::Untrusted(why.to_string()).into());
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

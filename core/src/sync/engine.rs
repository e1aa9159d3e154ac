//! One sync run, start to finish: authenticate, push the journal, pull the back office's
//! events, upload the files — and believe nothing the server says until it verifies.
//!
//! Per pushed batch the server's answer must carry a checkpoint signed by the key learnt at
//! enrolment, consistent with the checkpoint held (never smaller; same size, same root; larger,
//! with a valid consistency proof) and a receipt per event whose inclusion proof verifies
//! against it. Only then are the checkpoint and receipts stored, in one transaction. Anything
//! else is an incident: recorded with both signed notes, nothing else stored, the run stopped.
//!
//! Files go up in the tus manner: ask the server for its offset, send chunks of at most
//! `SyncOptions::chunk` bytes with their SHA-256, and take the file as delivered only when a
//! signed media receipt for its hash and size verifies. Memory use is one chunk.

use std::io::{Read, Seek, SeekFrom};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::backoff::Backoff;
use super::checkpoint::Checkpoint;
use super::client::{ChunkOutcome, Failure, Timeouts, Transport};
use super::outbox::{self, Enrolment, MediaState, OutboxItem};
use super::wire::{
    self, BackofficeEvents, ChallengeRequest, ChallengeResponse, EnrolRequest, EnrolResponse,
    MediaCreate, MediaReceipt, MediaStatus, PushRequest, PushResponse, TokenRequest, TokenResponse,
    WireEvent,
};
use super::{Network, Progress, SyncError, SyncListener, SyncReport, merkle};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::events::{ClockSkewObserved, Event};
use crate::identity::DeviceKey;
use crate::journal::{Hash, StoredEvent};
use crate::media::{Area, MediaStore};
use crate::store::Store;

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

/// What a run works with: the device's store, files, key and clock.
pub(crate) struct Device<'a> {
    pub store: &'a Store,
    pub media: &'a MediaStore,
    pub key: &'a DeviceKey,
    pub clock: &'a dyn Clock,
}

impl Device<'_> {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().utc
    }

    fn incident(&self, kind: &str, detail: &str) -> Result<()> {
        let now = self.now();
        self.store
            .write(|tx| outbox::record_incident(tx, now, kind, detail))
    }
}

/// Enrols the device with a back office using a one-time code.
pub(crate) async fn enrol(dev: &Device<'_>, opts: &EnrolOptions) -> Result<Enrolment> {
    if let Some(e) = dev.store.read(outbox::enrolment)? {
        return Err(Error::InvalidState {
            reason: if e.url == opts.url {
                "already_enrolled"
            } else {
                "enrolled_elsewhere"
            },
        });
    }
    let transport = Transport::new(&opts.url, opts.ca_pem.as_deref(), Timeouts::default())?;
    let public_key = hex::encode(dev.key.verifying_key().as_bytes());
    let code = wire::normalise_code(&opts.code);
    let proof = dev.key.sign(&wire::enrol_message(&code, &public_key));
    let req = EnrolRequest {
        code,
        public_key,
        proof: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, proof),
    };
    let resp: EnrolResponse = transport
        .post("/enrol", &req)
        .await
        .map_err(Failure::into_sync)?;
    if resp.device_id != dev.key.device_id() {
        return Err(SyncError::Untrusted("enrolment answer names another device".into()).into());
    }
    let enrolment = Enrolment {
        url: opts.url.clone(),
        officer: resp.officer,
        server_device_id: resp.server_device_id,
        server_public_key: resp.server_public_key,
        server_key_name: resp.server_key_name,
        log_origin: resp.log_origin,
        ca_pem: opts.ca_pem.clone(),
        enrolled_at: dev.now(),
    };
    dev.store
        .write(|tx| outbox::save_enrolment(tx, &enrolment))
        .map_err(|e| match e {
            Error::Crypto(m) => Error::Sync(SyncError::Untrusted(m)),
            other => other,
        })?;
    Ok(enrolment)
}

/// One run.
struct Run<'a> {
    dev: &'a Device<'a>,
    opts: &'a SyncOptions,
    listener: &'a dyn SyncListener,
    cancel: &'a CancellationToken,
    enrolment: Enrolment,
    server_key: ed25519_dalek::VerifyingKey,
    transport: Transport,
    report: SyncReport,
}

/// Runs a sync: push, pull, upload. Returns what it achieved; an error means the run stopped
/// early (what was acknowledged before is kept either way).
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
        .store
        .read(outbox::enrolment)?
        .ok_or(SyncError::NotEnrolled)?;
    let url = opts.url.as_deref().unwrap_or(&enrolment.url);
    let transport = Transport::new(url, enrolment.ca_pem.as_deref(), opts.timeouts)?;
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
    run.report.status = dev
        .store
        .read(|c| outbox::status(c, dev.key.device_id(), dev.now(), opts.network))?;
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

impl Run<'_> {
    /// Calls `f` until it succeeds, retrying transient failures with backoff (and re-authenticating
    /// once on 401). Cancellation interrupts waits and requests.
    async fn retrying<T, F, Fut>(&self, what: &str, mut f: F) -> std::result::Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        let mut attempt = 0u32;
        let mut reauthed = false;
        loop {
            let outcome = tokio::select! {
                _ = self.cancel.cancelled() => return Err(SyncError::Cancelled.into()),
                r = f() => r,
            };
            match outcome {
                Ok(v) => return Ok(v),
                Err(e) if e.status() == Some(401) && !reauthed => {
                    reauthed = true;
                    self.transport.set_token(None);
                    self.fetch_token().await?;
                }
                Err(e) if e.is_transient() && attempt + 1 < self.opts.attempts => {
                    let wait = self.opts.backoff.next_delay(attempt, e.retry_after());
                    tracing::info!(what, error = %e.code(), ?wait, "transient failure; retrying");
                    self.listener.on_progress(Progress::Waiting {
                        millis: wait.as_millis() as u64,
                        reason: e.code(),
                    });
                    attempt += 1;
                    tokio::select! {
                        _ = self.cancel.cancelled() => return Err(SyncError::Cancelled.into()),
                        _ = tokio::time::sleep(wait) => {}
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
    async fn fetch_token(&self) -> std::result::Result<Option<DateTime<Utc>>, Failure> {
        let device_id = self.dev.key.device_id();
        let challenge: ChallengeResponse = self
            .transport
            .post("/auth/challenge", &ChallengeRequest { device_id })
            .await?;
        if challenge.nonce.len() != 64 || !challenge.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyncError::Untrusted("malformed challenge".into()).into());
        }
        let signature = self
            .dev
            .key
            .sign(&wire::auth_message(&challenge.nonce, &device_id));
        let token: TokenResponse = self
            .transport
            .post(
                "/auth/token",
                &TokenRequest {
                    device_id,
                    nonce: challenge.nonce,
                    signature: base64::Engine::encode(
                        &base64::engine::general_purpose::STANDARD,
                        signature,
                    ),
                },
            )
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
        let at = self.dev.clock.now();
        let skew_ms = (at.utc - server_time).num_milliseconds();
        self.dev.store.append(self.dev.key, at, |_| {
            Ok(Event::ClockSkewObserved(ClockSkewObserved {
                server_time,
                skew_ms,
            }))
        })?;
        Ok(())
    }

    async fn push_journal(&mut self) -> Result<()> {
        let device = self.dev.key.device_id();
        let wedged: Option<String> = self.dev.store.read(|c| {
            Ok(outbox::status(c, device, self.dev.now(), self.opts.network)?.journal_wedged)
        })?;
        if wedged.is_some() {
            return Ok(());
        }
        let total = self
            .dev
            .store
            .read(|c| outbox::pending_event_count(c, device))?;
        let mut done = 0;
        self.listener.on_progress(Progress::Events { done, total });
        loop {
            let batch = self.dev.store.read(|c| {
                outbox::pending_events(c, device, self.opts.batch.clamp(1, wire::MAX_BATCH))
            })?;
            if batch.is_empty() {
                return Ok(());
            }
            let held = self.dev.store.read(outbox::held_checkpoint)?;
            let req = PushRequest {
                events: batch.iter().map(WireEvent::from_stored).collect(),
                known_size: held.as_ref().map_or(0, |(s, _, _)| *s),
            };
            self.report.events_sent += batch.len() as u64;
            let answer: std::result::Result<PushResponse, Failure> = self
                .retrying("push", || self.transport.post("/journal", &req))
                .await;
            let resp = match answer {
                Ok(resp) => resp,
                Err(Failure::Status(r)) if !(r.status == 401 || r.status == 403) => {
                    if r.status >= 500 || r.status == 429 || r.status == 408 {
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
                    let now = self.dev.now();
                    self.dev.store.write(|tx| {
                        outbox::record_incident(tx, now, "journal_refused", &reason)?;
                        outbox::journal_failed(tx, Some(&reason), None)
                    })?;
                    return Ok(());
                }
                Err(e) => return Err(e.into_sync().into()),
            };
            let checkpoint =
                match verify_push(&self.enrolment, &self.server_key, held, &batch, &resp) {
                    Ok(c) => c,
                    Err((kind, detail)) => {
                        self.dev.incident(kind, &detail)?;
                        return Err(SyncError::Untrusted(format!("{kind}: {detail}")).into());
                    }
                };
            let now = self.dev.now();
            self.dev.store.write(|tx| {
                outbox::store_receipts(tx, &checkpoint, &resp.checkpoint, &resp.receipts, now)
            })?;
            done += batch.len() as u64;
            self.report.events_acked += batch.len() as u64;
            self.listener.on_progress(Progress::Events {
                done,
                total: total.max(done),
            });
        }
    }

    async fn pull(&mut self) -> Result<()> {
        let server = self.enrolment.server_device_id;
        loop {
            let after = self
                .dev
                .store
                .read(|c| outbox::server_chain_seq(c, server))?;
            let path = format!("/backoffice/events?after={after}");
            let page: BackofficeEvents = self
                .retrying("pull", || self.transport.get(&path))
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
            match self.dev.store.import(&events, |_, _, _, _| Ok(())) {
                Ok(imported) => {
                    self.report.pulled += imported.len() as u64;
                    self.listener.on_progress(Progress::Pulled {
                        count: self.report.pulled,
                    });
                }
                Err(Error::Refused(why)) => {
                    self.dev.incident("pull_refused", &why.to_string())?;
                    return Err(SyncError::Untrusted(why.to_string()).into());
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn upload_media(&mut self) -> Result<()> {
        let device = self.dev.key.device_id();
        let queue: Vec<OutboxItem> = self
            .dev
            .store
            .read(|c| outbox::media_queue(c, device, self.dev.now(), self.opts.network))?
            .into_iter()
            .filter(|i| i.state == MediaState::Ready)
            .collect();
        let total: u64 = queue.iter().map(|i| i.size).sum();
        let files_total = queue.len() as u64;
        let mut done_bytes = 0;
        for (index, item) in queue.into_iter().enumerate() {
            let progress = MediaProgress {
                done_bytes,
                total,
                files_done: index as u64,
                files_total,
            };
            match self.upload_one(&item, progress).await {
                Ok(receipt) => {
                    self.dev
                        .store
                        .write(|tx| outbox::media_delivered(tx, &receipt))?;
                    self.report.media_acked += 1;
                }
                Err(Failure::Sync(SyncError::Cancelled)) => return Err(SyncError::Cancelled.into()),
                Err(f @ Failure::Sync(SyncError::Untrusted(_) | SyncError::Tls(_))) => {
                    let e = f.into_sync();
                    self.dev.incident("media_refused", &e.to_string())?;
                    return Err(e.into());
                }
                Err(f) if f.is_transient() => {
                    let next = self.dev.now()
                        + chrono::TimeDelta::from_std(self.opts.backoff.cap).unwrap_or_default();
                    self.dev
                        .store
                        .write(|tx| outbox::media_failed(tx, &item.sha256, None, Some(next)))?;
                    // The back office or the network is down: the other files would fail the same.
                    return Err(f.into_sync().into());
                }
                Err(f) => {
                    let reason = f.code();
                    tracing::warn!(file = %item.sha256, %reason, "file parked as wedged");
                    self.dev
                        .store
                        .write(|tx| outbox::media_failed(tx, &item.sha256, Some(&reason), None))?;
                }
            }
            done_bytes += item.size;
            self.listener.on_progress(Progress::Media {
                done: done_bytes,
                total,
                files_done: index as u64 + 1,
                files_total,
            });
        }
        Ok(())
    }

    /// Delivers one file; returns its verified receipt.
    async fn upload_one(
        &mut self,
        item: &OutboxItem,
        progress: MediaProgress,
    ) -> std::result::Result<MediaReceipt, Failure> {
        let area = if item.derivative {
            Area::Derivatives
        } else {
            Area::Originals
        };
        let path = self.dev.media.path_of(area, &item.sha256);
        let mut file = std::fs::File::open(&path).map_err(|_| local("local_file_missing"))?;
        let create = MediaCreate {
            sha256: item.sha256,
            size: item.size,
        };
        let mut failures = 0u32;
        loop {
            let status: MediaStatus = self
                .retrying("media", || self.transport.post("/media", &create))
                .await?;
            if status.sha256 != item.sha256 || status.size != item.size || status.offset > item.size
            {
                return Err(SyncError::Untrusted("upload status for another file".into()).into());
            }
            if let Some(receipt) = status.receipt {
                return self.check_receipt(item, receipt);
            }
            let mut offset = status.offset;
            let outcome = loop {
                if self.cancel.is_cancelled() {
                    return Err(SyncError::Cancelled.into());
                }
                let len = (item.size - offset).min(self.opts.chunk.max(1) as u64) as usize;
                let mut chunk = vec![0u8; len];
                file.seek(SeekFrom::Start(offset))
                    .and_then(|_| file.read_exact(&mut chunk))
                    .map_err(|_| local("local_file_damaged"))?;
                let sent = tokio::select! {
                    _ = self.cancel.cancelled() => return Err(SyncError::Cancelled.into()),
                    r = self.transport.patch_chunk(&item.sha256, offset, chunk) => r,
                };
                self.report.media_bytes_sent += len as u64;
                match sent {
                    Ok(ChunkOutcome::Stored(new))
                        if new == offset + len as u64 && new < item.size =>
                    {
                        offset = new;
                        self.listener.on_progress(progress.at(offset));
                    }
                    Ok(ChunkOutcome::Stored(_)) => {
                        break Err(Failure::from(SyncError::Untrusted(
                            "server offset does not follow the chunk sent".into(),
                        )));
                    }
                    Ok(ChunkOutcome::Complete(done)) => break Ok(done),
                    Err(e) => break Err(e),
                }
            };
            match outcome {
                Ok(done) => match done.receipt {
                    Some(receipt) if done.sha256 == item.sha256 => {
                        return self.check_receipt(item, receipt);
                    }
                    _ => {
                        return Err(SyncError::Untrusted(
                            "completed upload without a receipt".into(),
                        )
                        .into());
                    }
                },
                // 409 (offset moved), 460 (chunk damaged on the way), 404/410 (upload gone):
                // ask the server where it stands and go on from there.
                Err(e) if matches!(e.status(), Some(409 | 404 | 410 | wire::CHECKSUM_MISMATCH)) => {
                }
                Err(e) if e.is_transient() => {}
                Err(e) => return Err(e),
            }
            failures += 1;
            if failures >= self.opts.attempts {
                return Err(SyncError::Network("upload keeps failing".into()).into());
            }
            let wait = self.opts.backoff.next_delay(failures - 1, None);
            self.listener.on_progress(Progress::Waiting {
                millis: wait.as_millis() as u64,
                reason: "media_retry".into(),
            });
            tokio::select! {
                _ = self.cancel.cancelled() => return Err(SyncError::Cancelled.into()),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    fn check_receipt(
        &self,
        item: &OutboxItem,
        receipt: MediaReceipt,
    ) -> std::result::Result<MediaReceipt, Failure> {
        verify_media_receipt(&self.server_key, item.sha256, item.size, &receipt)
            .map_err(|what| Failure::from(SyncError::Untrusted(what.into())))?;
        Ok(receipt)
    }
}

/// Where the media pass stands, for progress reports.
#[derive(Debug, Clone, Copy)]
struct MediaProgress {
    done_bytes: u64,
    total: u64,
    files_done: u64,
    files_total: u64,
}

impl MediaProgress {
    /// With `sent` bytes of the current file durable at the server.
    fn at(self, sent: u64) -> Progress {
        Progress::Media {
            done: self.done_bytes + sent,
            total: self.total,
            files_done: self.files_done,
            files_total: self.files_total,
        }
    }
}

/// A local problem with a file (missing, damaged): permanent, parks the file.
fn local(reason: &str) -> Failure {
    Failure::Status(super::client::Refusal {
        status: 0,
        code: reason.to_owned(),
        retry_after: None,
    })
}

/// Checks a media receipt: signed by the back office, for this hash and size.
pub fn verify_media_receipt(
    key: &ed25519_dalek::VerifyingKey,
    sha256: Hash,
    size: u64,
    receipt: &MediaReceipt,
) -> std::result::Result<(), &'static str> {
    if receipt.sha256 != sha256 || receipt.size != size {
        return Err("media receipt for another file");
    }
    let sig = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        &receipt.signature,
    )
    .ok()
    .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
    .ok_or("media receipt signature malformed")?;
    if DateTime::parse_from_rfc3339(&receipt.received_at).is_err() {
        return Err("media receipt time malformed");
    }
    let text = wire::media_receipt_text(&sha256, size, &receipt.received_at);
    key.verify_strict(text.as_bytes(), &sig)
        .map_err(|_| "media receipt signature does not verify")
}

/// Checks a push answer against what was sent and the checkpoint held. On refusal, returns the
/// incident kind and the detail to keep (with both signed notes where there are two).
pub fn verify_push(
    enrolment: &Enrolment,
    key: &ed25519_dalek::VerifyingKey,
    held: Option<(u64, Hash, String)>,
    sent: &[StoredEvent],
    resp: &PushResponse,
) -> std::result::Result<Checkpoint, (&'static str, String)> {
    let cp = Checkpoint::verify(
        &resp.checkpoint,
        &enrolment.log_origin,
        &enrolment.server_key_name,
        key,
    )
    .map_err(|e| ("bad_checkpoint", e.to_string()))?;
    let proof = decode_proof(&resp.consistency)
        .ok_or(("bad_consistency_proof", "not base64 hashes".to_owned()))?;
    if let Some((size, root, note)) = &held {
        let both = || format!("held:\n{note}\nreceived:\n{}", resp.checkpoint);
        if cp.size < *size {
            return Err(("checkpoint_rollback", both()));
        }
        if cp.size == *size && cp.root != *root {
            return Err(("checkpoint_fork", both()));
        }
        if cp.size > *size
            && merkle::verify_consistency(
                *size,
                cp.size,
                &proof,
                root.as_bytes(),
                cp.root.as_bytes(),
            )
            .is_err()
        {
            return Err(("bad_consistency_proof", both()));
        }
    }
    if resp.receipts.len() != sent.len() {
        return Err((
            "receipt_mismatch",
            format!(
                "{} events sent, {} receipts",
                sent.len(),
                resp.receipts.len()
            ),
        ));
    }
    for (event, r) in sent.iter().zip(&resp.receipts) {
        if r.device_id != event.device_id || r.seq != event.seq || r.event_hash != event.event_hash
        {
            return Err((
                "receipt_mismatch",
                format!("receipt for seq {} names another event", event.seq),
            ));
        }
        let path = decode_proof(&r.inclusion).ok_or((
            "bad_inclusion_proof",
            format!("seq {}: not base64 hashes", event.seq),
        ))?;
        let leaf = merkle::leaf_hash(event.event_hash.as_bytes());
        if r.leaf_index >= cp.size
            || merkle::verify_inclusion(
                r.leaf_index,
                cp.size,
                leaf.as_bytes(),
                &path,
                cp.root.as_bytes(),
            )
            .is_err()
        {
            return Err(("bad_inclusion_proof", format!("seq {}", event.seq)));
        }
    }
    Ok(cp)
}

fn decode_proof(hashes: &[String]) -> Option<Vec<Vec<u8>>> {
    if hashes.len() > 128 {
        return None;
    }
    hashes
        .iter()
        .map(|h| {
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, h)
                .ok()
                .filter(|b| b.len() == 32)
        })
        .collect()
}

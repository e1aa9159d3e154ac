//! Files go up in the tus manner: ask the server for its offset, send chunks of at most
//! `SyncOptions::chunk` bytes with their SHA-256, and take a file as delivered only when a
//! signed media receipt for its hash and size verifies. A cut, a damaged chunk or a moved offset
//! resumes from what the server says it holds. Memory use is one chunk; the bytes come from the
//! media store's one door (`MediaStore::open`).

use std::io::{Read, Seek, SeekFrom};

use super::Progress;
use super::outbox::{self, MediaState, OutboxItem};
use super::retry::cancellable;
use super::run::Run;
use super::transport::{Answer, ChunkOutcome, Failure, Transport};
use crate::SyncError;
use crate::error::Result;
use crate::media::Area;
use crate::protocol::receipts;
use crate::protocol::wire::{self, MediaCreate, MediaReceipt};

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

impl<T: Transport> Run<'_, T> {
    pub(super) async fn upload_media(&mut self) -> Result<()> {
        let device = self.dev.key().device_id();
        let now = self.dev.now();
        let network = self.opts.network;
        let queue: Vec<OutboxItem> = self
            .dev
            .store()
            .read(|v| outbox::media_queue(&v, device, now, network))?
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
                    self.dev.store().media_delivered(&receipt)?;
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
                        .store()
                        .media_failed(&item.sha256, None, Some(next))?;
                    // The back office or the network is down: the other files would fail the same.
                    return Err(f.into_sync().into());
                }
                Err(f) => {
                    let reason = f.code();
                    tracing::warn!(file = %item.sha256, %reason, "file parked as wedged");
                    self.dev
                        .store()
                        .media_failed(&item.sha256, Some(&reason), None)?;
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
    ) -> Answer<MediaReceipt> {
        let area = if item.derivative {
            Area::Derivatives
        } else {
            Area::Originals
        };
        let mut file = self
            .dev
            .media
            .open(area, &item.sha256)
            .map_err(|_| Failure::local("local_file_missing"))?;
        let create = MediaCreate {
            sha256: item.sha256,
            size: item.size,
        };
        let mut attempts = self.attempts();
        loop {
            let status = self
                .retrying("media", || self.transport.media_create(&create))
                .await?;
            if status.sha256 != item.sha256 || status.size != item.size || status.offset > item.size
            {
                return Err(SyncError::Untrusted("upload status for another file".into()).into());
            }
            if let Some(receipt) = status.receipt {
                return self.check_receipt(item, receipt);
            }
            let failure = match self
                .send_from(&mut file, item, status.offset, progress)
                .await
            {
                Ok(receipt) => return self.check_receipt(item, receipt),
                Err(e) => e,
            };
            // 409 (offset moved), 460 (chunk damaged on the way), 404/410 (upload gone), or a
            // transient failure: ask the server where it stands and go on from there.
            let resumable = matches!(
                failure.status(),
                Some(409 | 404 | 410 | wire::CHECKSUM_MISMATCH)
            );
            if !(resumable || failure.is_transient()) {
                return Err(failure);
            }
            if !attempts.wait_after("media", &failure).await? {
                return Err(SyncError::Network("upload keeps failing".into()).into());
            }
        }
    }

    /// Sends the file from `offset` to its end; returns the receipt of the completed upload.
    async fn send_from(
        &mut self,
        file: &mut (impl Read + Seek),
        item: &OutboxItem,
        mut offset: u64,
        progress: MediaProgress,
    ) -> Answer<MediaReceipt> {
        loop {
            let len = (item.size - offset).min(self.opts.chunk.max(1) as u64) as usize;
            let mut chunk = vec![0u8; len];
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut chunk))
                .map_err(|_| Failure::local("local_file_damaged"))?;
            let sent = cancellable(
                self.cancel,
                self.transport.media_append(&item.sha256, offset, chunk),
            )
            .await;
            self.report.media_bytes_sent += len as u64;
            match sent? {
                ChunkOutcome::Stored(new) if new == offset + len as u64 && new < item.size => {
                    offset = new;
                    self.listener.on_progress(progress.at(offset));
                }
                ChunkOutcome::Stored(_) => {
                    return Err(SyncError::Untrusted(
                        "server offset does not follow the chunk sent".into(),
                    )
                    .into());
                }
                ChunkOutcome::Complete(done) => {
                    return match done.receipt {
                        Some(receipt) if done.sha256 == item.sha256 => Ok(receipt),
                        _ => Err(
                            SyncError::Untrusted("completed upload without a receipt".into())
                                .into(),
                        ),
                    };
                }
            }
        }
    }

    fn check_receipt(&self, item: &OutboxItem, receipt: MediaReceipt) -> Answer<MediaReceipt> {
        receipts::verify_media_receipt(&self.server_key, item.sha256, item.size, &receipt)
            .map_err(|what| Failure::from(SyncError::Untrusted(what.into())))?;
        Ok(receipt)
    }
}

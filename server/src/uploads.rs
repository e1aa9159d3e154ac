//! Files in: each upload belongs to the device that announced it, keyed by (device, content
//! hash), grown chunk by chunk in the tus manner and moved into place only when its whole
//! content hashes to the name it was announced under. No device can append to, reset or squat
//! another's upload; the size of a file is the size its device's signed capture event names,
//! never whatever was announced first. Each complete file gets a signed receipt, kept so the
//! rules see when it arrived (Art. 21: audio and video within 24 hours).
//!
//! Durable before recorded: a chunk is fsynced before its offset is, and after a crash partial
//! files are cut back to their recorded offsets. Each upload has a lock of its own, so hashing
//! a finished 2 GB file stalls nobody else's uploads. Untouched uploads expire.

use std::collections::HashSet;

use casetrail_model::DeviceId;
use casetrail_protocol::Hash;
use casetrail_protocol::receipts::sign_media_receipt;
use casetrail_protocol::wire::{MediaCreate, MediaReceipt, MediaStatus};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::error::{Result, ServerError};
use crate::sqlite::{SqliteStorage, ts};
use crate::storage::Appended;

/// One row of an upload.
struct Upload {
    size: u64,
    offset: u64,
}

impl SqliteStorage {
    /// After a crash: every unfinished upload's file is cut back to its recorded offset; one
    /// killed between moving its file into place and recording that is finished now; partial
    /// files no upload names are removed.
    pub(crate) fn recover_uploads(&self) -> Result<()> {
        let rows: Vec<(String, Vec<u8>, i64, i64)> = self.read(|x| {
            Ok(x.sql()
                .prepare(
                    "SELECT device_id, sha256, offset, size FROM srv_device_uploads
                     WHERE completed_at IS NULL",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        let mut known = HashSet::new();
        for (device, sha, offset, size) in rows {
            let bad = || ServerError::Internal("bad upload row".into());
            let device: DeviceId = device.parse().map_err(|_| bad())?;
            let sha = Hash::from_slice(&sha).ok_or_else(bad)?;
            let partial = self.blobs.partial_path(device, &sha);
            if !partial.exists() && self.blobs.has(&sha) {
                // Moved into place (verified first), killed before it was recorded.
                let _ = self.finish_upload(device, &sha, size as u64);
                continue;
            }
            known.insert(partial);
            let durable = self.blobs.recover(device, &sha, offset as u64)?;
            if durable == size as u64 && size > 0 {
                // Whole on disk, not yet recorded as complete (or moved into place already).
                let _ = self.finish_upload(device, &sha, size as u64);
                continue;
            }
            if durable != offset as u64 {
                self.set_offset(device, &sha, durable)?;
            }
        }
        let swept = self.blobs.sweep_partials(&known)?;
        if swept > 0 {
            tracing::info!(files = swept, "removed partial files no upload names");
        }
        Ok(())
    }

    /// Drops uploads untouched for longer than the limits allow; returns how many.
    pub(crate) fn expire_stale_uploads(&self, now: DateTime<Utc>) -> Result<usize> {
        let before = ts(now - self.limits.partial_ttl);
        let stale: Vec<(String, Vec<u8>)> = self.read(|x| {
            Ok(x.sql()
                .prepare(
                    "SELECT device_id, sha256 FROM srv_device_uploads
                     WHERE completed_at IS NULL AND touched_at < ?1",
                )?
                .query_map(params![before], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        let mut dropped = 0;
        for (device, sha) in stale {
            let (Ok(device), Some(sha)) = (device.parse::<DeviceId>(), Hash::from_slice(&sha))
            else {
                continue;
            };
            let lock = self.upload_locks.of(device, sha);
            let _held = lock.lock();
            self.write(|x| {
                x.sql().execute(
                    "DELETE FROM srv_device_uploads WHERE device_id = ?1 AND sha256 = ?2
                     AND completed_at IS NULL",
                    params![device.to_string(), sha.as_bytes().as_slice()],
                )?;
                Ok(())
            })?;
            self.blobs.discard(device, &sha)?;
            dropped += 1;
        }
        Ok(dropped)
    }

    fn stored_receipt(&self, sha256: &Hash) -> Result<Option<MediaReceipt>> {
        Ok(self.store().read(|v| v.media_receipt(sha256))?)
    }

    /// The size this device's own signed capture event gives the file, if one names it.
    fn signed_size(&self, device: DeviceId, sha256: &Hash) -> Result<Option<u64>> {
        Ok(self.store().read(|v| v.signed_file_size(device, sha256))?)
    }

    fn upload(&self, device: DeviceId, sha256: &Hash) -> Result<Option<Upload>> {
        self.read(|x| {
            Ok(x.sql()
                .query_row(
                    "SELECT size, offset FROM srv_device_uploads WHERE device_id = ?1 AND sha256 = ?2",
                    params![device.to_string(), sha256.as_bytes().as_slice()],
                    |r| {
                        Ok(Upload {
                            size: r.get::<_, i64>(0)? as u64,
                            offset: r.get::<_, i64>(1)? as u64,
                        })
                    },
                )
                .optional()?)
        })
    }

    fn set_offset(&self, device: DeviceId, sha256: &Hash, offset: u64) -> Result<()> {
        let now = ts(self.now());
        self.write(|x| {
            x.sql().execute(
                "UPDATE srv_device_uploads SET offset = ?3, touched_at = ?4
                 WHERE device_id = ?1 AND sha256 = ?2",
                params![
                    device.to_string(),
                    sha256.as_bytes().as_slice(),
                    offset as i64,
                    now
                ],
            )?;
            Ok(())
        })
    }

    /// Verifies a complete upload, moves it into place, signs and keeps its receipt.
    fn finish_upload(&self, device: DeviceId, sha256: &Hash, size: u64) -> Result<MediaStatus> {
        if !self.blobs.finish(device, sha256)? {
            self.blobs.reset(device, sha256)?;
            self.set_offset(device, sha256, 0)?;
            self.incident(
                Some(device),
                "digest_mismatch",
                &format!("upload of {sha256} does not hash to its name"),
            );
            return Err(ServerError::Unprocessable {
                code: "digest_mismatch",
                detail: "the file's content does not hash to the name it was announced under"
                    .into(),
            });
        }
        let now = ts(self.now());
        let receipt = sign_media_receipt(self.key(), *sha256, size, &now);
        self.write(|x| {
            x.sql().execute(
                "UPDATE srv_device_uploads SET offset = size, completed_at = coalesce(completed_at, ?3)
                 WHERE device_id = ?1 AND sha256 = ?2",
                params![device.to_string(), sha256.as_bytes().as_slice(), now],
            )?;
            x.keep_media_receipt(&receipt)?;
            Ok(())
        })?;
        // Another device may have finished the same content first: answer with the receipt kept.
        let kept = self.stored_receipt(sha256)?.unwrap_or(receipt);
        Ok(MediaStatus {
            sha256: *sha256,
            size,
            offset: size,
            receipt: Some(kept),
        })
    }

    /// Starts or finds this device's upload of a file. The size is the one its signed capture
    /// event names when the back office holds that event; otherwise the announcement's, bound
    /// to this device alone. A file the back office already holds whole is receipted at once
    /// for a device whose signed event names it.
    pub(crate) fn create_upload(&self, device: DeviceId, req: &MediaCreate) -> Result<MediaStatus> {
        if req.size > self.limits.max_file_bytes {
            self.incident(
                Some(device),
                "too_large",
                &format!("{} bytes announced", req.size),
            );
            return Err(ServerError::TooLarge);
        }
        let signed = self.signed_size(device, &req.sha256)?;
        if signed.is_some_and(|s| s != req.size) {
            self.incident(
                Some(device),
                "size_not_signed",
                &format!(
                    "{} announced with another size than its signed event",
                    req.sha256
                ),
            );
            return Err(ServerError::Unprocessable {
                code: "size_not_signed",
                detail: "the size differs from the one the signed capture event names".into(),
            });
        }
        if signed.is_some() && self.blobs.has(&req.sha256) {
            if let Some(receipt) = self.stored_receipt(&req.sha256)? {
                return Ok(MediaStatus {
                    sha256: req.sha256,
                    size: req.size,
                    offset: req.size,
                    receipt: Some(receipt),
                });
            }
        }
        let lock = self.upload_locks.of(device, req.sha256);
        let _held = lock.lock();
        match self.upload(device, &req.sha256)? {
            Some(u) if u.size == req.size => {
                if u.offset == u.size {
                    return self.finish_upload(device, &req.sha256, u.size);
                }
                return Ok(MediaStatus {
                    sha256: req.sha256,
                    size: u.size,
                    offset: u.offset,
                    receipt: None,
                });
            }
            Some(_) => {
                // This device announced another size before: its own, so start again at this one.
                self.blobs.reset(device, &req.sha256)?;
                self.write(|x| {
                    x.sql().execute(
                        "UPDATE srv_device_uploads SET size = ?3, offset = 0 WHERE device_id = ?1 AND sha256 = ?2",
                        params![device.to_string(), req.sha256.as_bytes().as_slice(), req.size as i64],
                    )?;
                    Ok(())
                })?;
            }
            None => {
                let open: i64 = self.read(|x| {
                    Ok(x.sql().query_row(
                        "SELECT count(*) FROM srv_device_uploads WHERE device_id = ?1 AND completed_at IS NULL",
                        params![device.to_string()],
                        |r| r.get(0),
                    )?)
                })?;
                if open >= i64::from(self.limits.open_uploads) {
                    self.incident(Some(device), "too_many_uploads", &format!("{open} open"));
                    return Err(ServerError::QuotaExceeded {
                        code: "too_many_uploads",
                        retry_after: 60,
                    });
                }
                self.blobs.create_partial(device, &req.sha256)?;
                let now = ts(self.now());
                self.write(|x| {
                    x.sql().execute(
                        "INSERT INTO srv_device_uploads (device_id, sha256, size, offset, created_at, touched_at)
                         VALUES (?1, ?2, ?3, 0, ?4, ?4)",
                        params![device.to_string(), req.sha256.as_bytes().as_slice(), req.size as i64, now],
                    )?;
                    Ok(())
                })?;
            }
        }
        if req.size == 0 {
            return self.finish_upload(device, &req.sha256, 0);
        }
        Ok(MediaStatus {
            sha256: req.sha256,
            size: req.size,
            offset: 0,
            receipt: None,
        })
    }

    /// Appends a chunk at `offset` with its SHA-256 to this device's upload.
    pub(crate) fn append_chunk(
        &self,
        device: DeviceId,
        sha256: &Hash,
        offset: u64,
        checksum: &Hash,
        chunk: &[u8],
    ) -> Result<Appended> {
        let lock = self.upload_locks.of(device, *sha256);
        let _held = lock.lock();
        let upload = self
            .upload(device, sha256)?
            .ok_or(ServerError::NotFound("unknown_upload"))?;
        if upload.offset == upload.size {
            if let Some(receipt) = self.stored_receipt(sha256)? {
                return Ok(Appended::Complete(MediaStatus {
                    sha256: *sha256,
                    size: upload.size,
                    offset: upload.size,
                    receipt: Some(receipt),
                }));
            }
        }
        if offset != upload.offset {
            return Err(ServerError::Conflict {
                code: "offset_mismatch",
                offset: Some(upload.offset),
            });
        }
        let end = offset
            .checked_add(chunk.len() as u64)
            .filter(|end| *end <= upload.size)
            .ok_or(ServerError::BadRequest("beyond_size"))?;
        if Hash::digest(chunk) != *checksum {
            return Err(ServerError::ChecksumMismatch);
        }
        self.check_quota(device, 0, chunk.len() as u64)?;
        // Durable first, recorded second: the recorded offset never exceeds what is on disk.
        self.blobs.write_chunk(device, sha256, offset, chunk)?;
        self.set_offset(device, sha256, end)?;
        self.add_usage(device, 0, chunk.len() as u64)?;
        if end == upload.size {
            return Ok(Appended::Complete(self.finish_upload(
                device,
                sha256,
                upload.size,
            )?));
        }
        Ok(Appended::Offset(end))
    }

    /// Where this device's upload of a file stands.
    pub(crate) fn upload_status(
        &self,
        device: DeviceId,
        sha256: &Hash,
    ) -> Result<Option<MediaStatus>> {
        let Some(u) = self.upload(device, sha256)? else {
            return Ok(None);
        };
        let receipt = if u.offset == u.size {
            self.stored_receipt(sha256)?
        } else {
            None
        };
        Ok(Some(MediaStatus {
            sha256: *sha256,
            size: u.size,
            offset: u.offset,
            receipt,
        }))
    }

    /// Refuses (429, with the seconds until the next UTC day) what would take the device over
    /// its quotas of the day; counts nothing.
    pub(crate) fn check_quota(&self, device: DeviceId, events: u64, bytes: u64) -> Result<()> {
        let now = self.now();
        let day = now.format("%Y-%m-%d").to_string();
        let (used_events, used_bytes): (i64, i64) = self.read(|x| {
            Ok(x.sql()
                .query_row(
                    "SELECT events, bytes FROM srv_usage WHERE device_id = ?1 AND day = ?2",
                    params![device.to_string(), day],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((0, 0)))
        })?;
        let over = if used_events as u64 + events > self.limits.events_per_day {
            Some("events_quota")
        } else if used_bytes as u64 + bytes > self.limits.bytes_per_day {
            Some("bytes_quota")
        } else {
            None
        };
        if let Some(code) = over {
            self.incident(Some(device), code, &format!("day {day}"));
            let tomorrow = (now + chrono::TimeDelta::days(1))
                .date_naive()
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc());
            let wait = tomorrow.map_or(3600, |t| (t - now).num_seconds().max(1) as u64);
            return Err(ServerError::QuotaExceeded {
                code,
                retry_after: wait,
            });
        }
        Ok(())
    }

    /// Adds what the device sent to its usage of the day.
    pub(crate) fn add_usage(&self, device: DeviceId, events: u64, bytes: u64) -> Result<()> {
        let day = self.now().format("%Y-%m-%d").to_string();
        self.write(|x| {
            x.sql().execute(
                "INSERT INTO srv_usage (device_id, day, events, bytes) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device_id, day) DO UPDATE SET events = events + ?3, bytes = bytes + ?4",
                params![device.to_string(), day, events as i64, bytes as i64],
            )?;
            Ok(())
        })
    }
}

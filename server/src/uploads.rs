//! Files in: uploads keyed by content hash, grown chunk by chunk in the tus manner and moved
//! into place only when their whole content hashes to the name they were announced under; each
//! complete file gets a signed receipt, kept so the rules see when it arrived (Art. 21: audio and
//! video within 24 hours). Durable before recorded: a chunk is fsynced before its offset is, and
//! after a crash partial files are cut back to their recorded offsets.

use casetrail_model::DeviceId;
use casetrail_protocol::Hash;
use casetrail_protocol::receipts::sign_media_receipt;
use casetrail_protocol::wire::{MediaCreate, MediaReceipt, MediaStatus};
use rusqlite::{OptionalExtension, params};

use crate::error::{Result, ServerError};
use crate::sqlite::{SqliteStorage, ts};
use crate::storage::Appended;

/// The largest file the back office accepts (a long body-camera video).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024 * 1024;

impl SqliteStorage {
    /// After a crash: every unfinished upload's file is cut back to its recorded offset. An
    /// upload killed between moving its file into place and recording that is finished now
    /// (the file is whole and verified, only the record was missing).
    pub(crate) fn recover_uploads(&self) -> Result<()> {
        let _guard = self.uploads.lock();
        let rows: Vec<(Vec<u8>, i64, i64)> = self.read(|x| {
            Ok(x.sql()
                .prepare("SELECT sha256, offset, size FROM srv_uploads WHERE completed_at IS NULL")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        for (sha, offset, size) in rows {
            let sha = Hash::from_slice(&sha).ok_or(ServerError::Internal("bad upload".into()))?;
            if self.blobs.has(&sha) {
                self.finish_upload(&sha, size as u64)?;
                continue;
            }
            let durable = self.blobs.recover(&sha, offset as u64)?;
            if durable != offset as u64 {
                self.write(|x| {
                    x.sql().execute(
                        "UPDATE srv_uploads SET offset = ?2 WHERE sha256 = ?1",
                        params![sha.as_bytes().as_slice(), durable as i64],
                    )?;
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    fn stored_receipt(&self, sha256: &Hash) -> Result<Option<MediaReceipt>> {
        Ok(self.store().read(|v| v.media_receipt(sha256))?)
    }

    /// Verifies a complete upload, moves it into place, signs and keeps its receipt.
    pub(crate) fn finish_upload(&self, sha256: &Hash, size: u64) -> Result<MediaStatus> {
        if !self.blobs.finish(sha256)? {
            self.blobs.reset(sha256)?;
            self.write(|x| {
                x.sql().execute(
                    "UPDATE srv_uploads SET offset = 0 WHERE sha256 = ?1",
                    [sha256.as_bytes().as_slice()],
                )?;
                Ok(())
            })?;
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
                "UPDATE srv_uploads SET offset = size, completed_at = coalesce(completed_at, ?2) WHERE sha256 = ?1",
                params![sha256.as_bytes().as_slice(), now],
            )?;
            x.keep_media_receipt(&receipt)?;
            Ok(())
        })?;
        // Another thread may have finished it first: answer with the receipt kept.
        let kept = self.stored_receipt(sha256)?.unwrap_or(receipt);
        Ok(MediaStatus {
            sha256: *sha256,
            size,
            offset: size,
            receipt: Some(kept),
        })
    }

    /// Starts or finds an upload.
    pub(crate) fn create_upload(&self, device: DeviceId, req: &MediaCreate) -> Result<MediaStatus> {
        if req.size > MAX_FILE_BYTES {
            return Err(ServerError::TooLarge);
        }
        let _guard = self.uploads.lock();
        if let Some(status) = self.upload_status(&req.sha256)? {
            if status.size != req.size {
                return Err(ServerError::Conflict {
                    code: "size_mismatch",
                    offset: Some(status.offset),
                });
            }
            if status.receipt.is_none() && status.offset == status.size {
                return self.finish_upload(&req.sha256, req.size);
            }
            return Ok(status);
        }
        self.blobs.create_partial(&req.sha256)?;
        let now = ts(self.now());
        self.write(|x| {
            x.sql().execute(
                "INSERT INTO srv_uploads (sha256, size, offset, device_id, created_at) VALUES (?1, ?2, 0, ?3, ?4)",
                params![req.sha256.as_bytes().as_slice(), req.size as i64, device.to_string(), now],
            )?;
            Ok(())
        })?;
        if req.size == 0 {
            return self.finish_upload(&req.sha256, 0);
        }
        Ok(MediaStatus {
            sha256: req.sha256,
            size: req.size,
            offset: 0,
            receipt: None,
        })
    }

    /// Appends a chunk at `offset` with its SHA-256.
    pub(crate) fn append_chunk(
        &self,
        _device: DeviceId,
        sha256: &Hash,
        offset: u64,
        checksum: &Hash,
        chunk: &[u8],
    ) -> Result<Appended> {
        let _guard = self.uploads.lock();
        let status = self
            .upload_status(sha256)?
            .ok_or(ServerError::NotFound("unknown_upload"))?;
        if status.receipt.is_some() {
            return Ok(Appended::Complete(status));
        }
        if offset != status.offset {
            return Err(ServerError::Conflict {
                code: "offset_mismatch",
                offset: Some(status.offset),
            });
        }
        let end = offset
            .checked_add(chunk.len() as u64)
            .filter(|end| *end <= status.size)
            .ok_or(ServerError::BadRequest("beyond_size"))?;
        if Hash::digest(chunk) != *checksum {
            return Err(ServerError::ChecksumMismatch);
        }
        // Durable first, recorded second: the recorded offset never exceeds what is on disk.
        self.blobs.write_chunk(sha256, offset, chunk)?;
        self.write(|x| {
            x.sql().execute(
                "UPDATE srv_uploads SET offset = ?2 WHERE sha256 = ?1",
                params![sha256.as_bytes().as_slice(), end as i64],
            )?;
            Ok(())
        })?;
        if end == status.size {
            return Ok(Appended::Complete(self.finish_upload(sha256, status.size)?));
        }
        Ok(Appended::Offset(end))
    }

    /// Where an upload stands (the caller holds the uploads lock).
    pub(crate) fn upload_status(&self, sha256: &Hash) -> Result<Option<MediaStatus>> {
        let row: Option<(i64, i64)> = self.read(|x| {
            Ok(x.sql()
                .query_row(
                    "SELECT size, offset FROM srv_uploads WHERE sha256 = ?1",
                    [sha256.as_bytes().as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        })?;
        let Some((size, offset)) = row else {
            return Ok(None);
        };
        Ok(Some(MediaStatus {
            sha256: *sha256,
            size: size as u64,
            offset: offset as u64,
            receipt: self.stored_receipt(sha256)?,
        }))
    }
}

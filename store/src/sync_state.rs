//! The sync books of a device: the back office it is enrolled with, the signed checkpoints and
//! receipts it accepted, the attempts and wedged reasons of its journal and files, and the
//! incidents it recorded. Not projections: bookkeeping of what the back office acknowledged.
//!
//! Receipts and checkpoints are append-only evidence (triggers refuse deleting them); attempt
//! counters and wedged reasons change. What is *pending* is derived, never stored: an event
//! without a receipt, a file of this device's evidence without a media receipt — so no crash can
//! lose a queue entry. The delivery policy over these rows (order, holding for Wi-Fi, AV ages)
//! is the sync client's.

use std::collections::HashMap;

use casetrail_protocol::checkpoint::Checkpoint;
use casetrail_protocol::receipts::HeldCheckpoint;
use casetrail_protocol::wire::{EventReceipt, MediaReceipt};
use casetrail_protocol::{DeviceId, Hash, device_id_of};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::error::{Error, Result, corrupt};
use crate::projection::ts;
use crate::{Store, View, insert_device};

/// The back office this device is enrolled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    /// Its address.
    pub url: String,
    /// The officer this device is bound to (certificate number).
    pub officer: String,
    /// The back office's signing chain.
    pub server_device_id: DeviceId,
    /// Its key, hex.
    pub server_public_key: String,
    /// The name its checkpoints are signed under.
    pub server_key_name: String,
    /// Its log's origin line.
    pub log_origin: String,
    /// PEM of the CA pinned for this back office, if it is reached over TLS.
    pub ca_pem: Option<String>,
    /// When.
    pub enrolled_at: DateTime<Utc>,
}

impl Enrolment {
    /// The server's verifying key.
    pub fn server_key(&self) -> Result<VerifyingKey> {
        let bytes: [u8; 32] = hex::decode(&self.server_public_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::Crypto("bad server key on record".into()))?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| Error::Crypto("bad server key".into()))
    }
}

/// The sync state of one stored file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaSync {
    /// Failed attempts.
    pub attempts: u32,
    /// Why it is parked, if it is.
    pub wedged_reason: Option<String>,
    /// The back office's receipt, once it holds the file whole.
    pub receipt: Option<MediaReceipt>,
}

/// The push state of this device's journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalSync {
    /// Failed attempts.
    pub attempts: u32,
    /// Why it is parked, if it is.
    pub wedged_reason: Option<String>,
}

/// Something the device refused from a back office, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredIncident {
    /// When (device time, RFC 3339).
    pub at: String,
    /// Kind (`checkpoint_rollback`, `bad_inclusion_proof`, `journal_refused`, …).
    pub kind: String,
    /// What exactly, with the signed notes concerned.
    pub detail: String,
}

impl View<'_> {
    /// The back office this device is enrolled with.
    pub fn enrolment(&self) -> Result<Option<Enrolment>> {
        self.conn
            .query_row(
                "SELECT url, officer, server_device_id, server_public_key, server_key_name, log_origin,
                        ca_pem, enrolled_at FROM sync_server WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?
            .map(|(url, officer, dev, key, name, origin, ca_pem, at)| {
                Ok(Enrolment {
                    url,
                    officer,
                    server_device_id: dev.parse().map_err(|_| corrupt("server id"))?,
                    server_public_key: key,
                    server_key_name: name,
                    log_origin: origin,
                    ca_pem,
                    enrolled_at: DateTime::parse_from_rfc3339(&at)
                        .map_err(|_| corrupt("enrolment time"))?
                        .with_timezone(&Utc),
                })
            })
            .transpose()
    }

    /// The checkpoint held (the largest accepted) and its signed note.
    pub fn held_checkpoint(&self) -> Result<Option<HeldCheckpoint>> {
        self.conn
            .query_row(
                "SELECT size, root, note FROM sync_checkpoints ORDER BY size DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?
            .map(|(size, root, note)| {
                Ok(HeldCheckpoint {
                    size: size as u64,
                    root: Hash::from_slice(&root).ok_or_else(|| corrupt("checkpoint root"))?,
                    note,
                })
            })
            .transpose()
    }

    /// `device`'s events without a receipt after seq `after`, oldest first, at most `limit`.
    /// (`after` lets a push read the next batch while the last one's receipts are being stored.)
    pub fn unreceipted_events(
        &self,
        device: DeviceId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<casetrail_protocol::journal::StoredEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.pos, j.device_id, j.seq, j.header, j.body, j.sig_alg, j.signature, j.event_hash
             FROM journal j LEFT JOIN sync_receipts r ON r.device_id = j.device_id AND r.seq = j.seq
             WHERE j.device_id = ?1 AND j.seq > ?3 AND r.seq IS NULL ORDER BY j.seq LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(
                params![device.to_string(), limit as i64, after as i64],
                crate::view::stored_event,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many of `device`'s events have no receipt.
    pub fn unreceipted_event_count(&self, device: DeviceId) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM journal j LEFT JOIN sync_receipts r
               ON r.device_id = j.device_id AND r.seq = j.seq
             WHERE j.device_id = ?1 AND r.seq IS NULL",
            params![device.to_string()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// The sync state of every file that has one, by content hash.
    pub fn media_sync(&self) -> Result<HashMap<Hash, MediaSync>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sha256, attempts, wedged_reason, receipt FROM sync_media")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(sha, attempts, wedged_reason, receipt)| {
                let sha = Hash::from_slice(&sha).ok_or_else(|| corrupt("file hash"))?;
                let receipt = receipt
                    .map(|j| serde_json::from_str(&j).map_err(|_| corrupt("media receipt")))
                    .transpose()?;
                Ok((
                    sha,
                    MediaSync {
                        attempts: attempts.max(0) as u32,
                        wedged_reason,
                        receipt,
                    },
                ))
            })
            .collect()
    }

    /// The receipt kept for a file, if any.
    pub fn media_receipt(&self, sha256: &Hash) -> Result<Option<MediaReceipt>> {
        media_receipt(self.conn, sha256)
    }

    /// The push state of the journal.
    pub fn journal_sync(&self) -> Result<JournalSync> {
        Ok(self
            .conn
            .query_row(
                "SELECT attempts, wedged_reason FROM sync_journal WHERE id = 1",
                [],
                |r| {
                    Ok(JournalSync {
                        attempts: r.get::<_, i64>(0)?.max(0) as u32,
                        wedged_reason: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// The incidents recorded, oldest first.
    pub fn incidents(&self) -> Result<Vec<StoredIncident>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, kind, detail FROM sync_incidents ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredIncident {
                at: r.get(0)?,
                kind: r.get(1)?,
                detail: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many incidents are recorded.
    pub fn incident_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM sync_incidents", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

pub(crate) fn media_receipt(conn: &Connection, sha256: &Hash) -> Result<Option<MediaReceipt>> {
    let json: Option<Option<String>> = conn
        .prepare_cached("SELECT receipt FROM sync_media WHERE sha256 = ?1")?
        .query_row([sha256.as_bytes().as_slice()], |r| r.get(0))
        .optional()?;
    json.flatten()
        .map(|j| serde_json::from_str(&j).map_err(|_| corrupt("media receipt")))
        .transpose()
}

/// Keeps a media receipt (the first one for a hash wins; a later one is ignored).
pub(crate) fn keep_receipt(tx: &Transaction<'_>, receipt: &MediaReceipt) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_media (sha256, receipt) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING",
        params![
            receipt.sha256.as_bytes().as_slice(),
            serde_json::to_string(receipt)?
        ],
    )?;
    Ok(())
}

impl Store {
    /// Records the enrolment and trusts the back office's chain. Refuses a weak key or a
    /// server id that is not derived from its key.
    pub fn save_enrolment(&self, e: &Enrolment) -> Result<()> {
        let key = e.server_key()?;
        if key.is_weak() {
            return Err(Error::Crypto("weak server key".into()));
        }
        if device_id_of(&key) != e.server_device_id {
            return Err(Error::Crypto("server id does not match its key".into()));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_server (id, url, officer, server_device_id, server_public_key,
                        server_key_name, log_origin, ca_pem, enrolled_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    e.url,
                    e.officer,
                    e.server_device_id.to_string(),
                    e.server_public_key,
                    e.server_key_name,
                    e.log_origin,
                    e.ca_pem,
                    ts(e.enrolled_at)
                ],
            )?;
            insert_device(tx, e.server_device_id, &key, "server", "back office", None)
        })
    }

    /// Stores a verified checkpoint (if it is new) and the receipts it covers, and resets the
    /// journal's attempt counter.
    pub fn store_receipts(
        &self,
        checkpoint: &Checkpoint,
        note: &str,
        receipts: &[EventReceipt],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO sync_checkpoints (size, root, note, received_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    checkpoint.size as i64,
                    checkpoint.root.as_bytes().as_slice(),
                    note,
                    ts(now)
                ],
            )?;
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_receipts (device_id, seq, event_hash, leaf_index, checkpoint_size, inclusion)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in receipts {
                stmt.execute(params![
                    r.device_id.to_string(),
                    r.seq as i64,
                    r.event_hash.as_bytes().as_slice(),
                    r.leaf_index as i64,
                    checkpoint.size as i64,
                    serde_json::to_string(&r.inclusion)?,
                ])?;
            }
            tx.execute(
                "UPDATE sync_journal SET attempts = 0, next_attempt_at = NULL WHERE id = 1",
                [],
            )?;
            Ok(())
        })
    }

    /// Keeps what the device refused from a back office, as evidence.
    pub fn record_incident(&self, now: DateTime<Utc>, kind: &str, detail: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_incidents (at, kind, detail) VALUES (?1, ?2, ?3)",
                params![ts(now), kind, detail],
            )?;
            Ok(())
        })
    }

    /// Notes a refused push: an incident, and the journal parked with the reason.
    pub fn park_journal(&self, now: DateTime<Utc>, reason: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_incidents (at, kind, detail) VALUES (?1, 'journal_refused', ?2)",
                params![ts(now), reason],
            )?;
            tx.execute(
                "INSERT INTO sync_journal (id, attempts, next_attempt_at, wedged_reason) VALUES (1, 1, NULL, ?1)
                 ON CONFLICT (id) DO UPDATE SET attempts = attempts + 1, next_attempt_at = NULL,
                   wedged_reason = coalesce(?1, wedged_reason)",
                params![reason],
            )?;
            Ok(())
        })
    }

    /// Notes a failed attempt on a file; `wedged` parks it with the reason.
    pub fn media_failed(
        &self,
        sha256: &Hash,
        wedged: Option<&str>,
        next: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_media (sha256, attempts, next_attempt_at, wedged_reason) VALUES (?1, 1, ?2, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET attempts = attempts + 1, next_attempt_at = ?2,
                   wedged_reason = coalesce(?3, wedged_reason)",
                params![sha256.as_bytes().as_slice(), next.map(ts), wedged],
            )?;
            Ok(())
        })
    }

    /// Stores a verified media receipt; the file is no longer wedged or waiting.
    pub fn media_delivered(&self, receipt: &MediaReceipt) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_media (sha256, receipt) VALUES (?1, ?2)
                 ON CONFLICT (sha256) DO UPDATE SET receipt = ?2, wedged_reason = NULL, next_attempt_at = NULL",
                params![
                    receipt.sha256.as_bytes().as_slice(),
                    serde_json::to_string(receipt)?
                ],
            )?;
            Ok(())
        })
    }

    /// Clears the wedged state of the journal and of every file, so the next run tries them
    /// again (after an app update fixed what the back office refused). Returns how many.
    pub fn reenable_wedged(&self) -> Result<usize> {
        self.write(|tx| {
            let media = tx.execute(
                "UPDATE sync_media SET wedged_reason = NULL, attempts = 0 WHERE wedged_reason IS NOT NULL",
                [],
            )?;
            let journal = tx.execute(
                "UPDATE sync_journal SET wedged_reason = NULL, attempts = 0 WHERE wedged_reason IS NOT NULL",
                [],
            )?;
            Ok(media + journal)
        })
    }

    /// Marks this store as the back office's (idempotent): back-office event kinds of its own
    /// chain are then honoured.
    pub fn mark_backoffice(&self) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('backoffice', '1')",
                [],
            )?;
            Ok(())
        })
    }
}

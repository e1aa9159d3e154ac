//! The outbox: what this device still owes the back office, and the proof of what it delivered.
//!
//! It is not a copy of the data. Pending journal events are this device's events without a
//! receipt; pending files are the originals and derivatives of this device's evidence items
//! without a media receipt. So nothing can be "forgotten" by the queue: a crash between capture
//! and enqueue cannot happen, because capturing *is* enqueuing. The tables of migration 004 hold
//! only receipts, checkpoints, attempt counters, the wedged reason and incidents.
//!
//! Order: journal events first (small, and the back office shows a record as `media pending`
//! until its files arrive), then files: audio/video by their 24-hour deadline, then the rest
//! oldest first, smaller first. On a metered network, files above `BIG_FILE` wait for Wi-Fi
//! unless they are audio/video whose deadline is less than `HOLD_MARGIN` away.

use chrono::{DateTime, TimeDelta, Utc};
use ed25519_dalek::VerifyingKey;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::Network;
use super::checkpoint::Checkpoint;
use super::wire::{EventReceipt, MediaReceipt};
use crate::error::{Error, Result};
use crate::journal::{Hash, StoredEvent};
use crate::model::{DeviceId, EvidenceId, EvidenceItem};
use crate::store::projection_ts as ts;

/// Files larger than this wait for an unmetered network (unless their deadline is close).
pub const BIG_FILE: u64 = 16 * 1024 * 1024;
/// How close an audio/video deadline must be for a big file to go over mobile data.
pub const HOLD_MARGIN: TimeDelta = TimeDelta::hours(6);
/// Age of the oldest undelivered audio/video that turns the status to warning (reliability S40).
pub const AV_WARNING_AGE: TimeDelta = TimeDelta::hours(12);
/// Age of the oldest undelivered audio/video that turns the status to critical.
pub const AV_CRITICAL_AGE: TimeDelta = TimeDelta::hours(20);

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

pub(crate) fn enrolment(conn: &Connection) -> Result<Option<Enrolment>> {
    conn.query_row(
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
            server_device_id: dev
                .parse()
                .map_err(|_| Error::Journal("bad server id on record".into()))?,
            server_public_key: key,
            server_key_name: name,
            log_origin: origin,
            ca_pem,
            enrolled_at: DateTime::parse_from_rfc3339(&at)
                .map_err(|_| Error::Journal("bad enrolment time".into()))?
                .with_timezone(&Utc),
        })
    })
    .transpose()
}

/// Records the enrolment and trusts the back office's chain.
pub(crate) fn save_enrolment(tx: &Transaction<'_>, e: &Enrolment) -> Result<()> {
    let key = e.server_key()?;
    if key.is_weak() {
        return Err(Error::Crypto("weak server key".into()));
    }
    if crate::identity::device_id_of(&key) != e.server_device_id {
        return Err(Error::Crypto("server id does not match its key".into()));
    }
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
    tx.execute(
        "INSERT OR IGNORE INTO devices (device_id, public_key, role, label) VALUES (?1, ?2, 'server', 'back office')",
        params![e.server_device_id.to_string(), key.as_bytes().as_slice()],
    )?;
    Ok(())
}

/// The checkpoint held (the largest accepted) and its signed note.
pub(crate) fn held_checkpoint(conn: &Connection) -> Result<Option<(u64, Hash, String)>> {
    conn.query_row(
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
        Hash::from_slice(&root)
            .map(|root| (size as u64, root, note))
            .ok_or_else(|| Error::Journal("bad checkpoint root".into()))
    })
    .transpose()
}

/// This device's events without a receipt, oldest first, at most `limit`.
pub(crate) fn pending_events(
    conn: &Connection,
    device: DeviceId,
    limit: usize,
) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.pos, j.seq, j.header, j.body, j.sig_alg, j.signature, j.event_hash
         FROM journal j LEFT JOIN sync_receipts r ON r.device_id = j.device_id AND r.seq = j.seq
         WHERE j.device_id = ?1 AND r.seq IS NULL ORDER BY j.seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![device.to_string(), limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, Vec<u8>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Vec<u8>>(5)?,
            r.get::<_, Vec<u8>>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (pos, seq, header, body, sig_alg, signature, hash) = row?;
        Ok(StoredEvent {
            pos,
            device_id: device,
            seq: seq as u64,
            header,
            body,
            sig_alg,
            signature,
            event_hash: Hash::from_slice(&hash)
                .ok_or_else(|| Error::Journal("bad stored hash".into()))?,
        })
    })
    .collect()
}

/// How many of this device's events have no receipt.
pub(crate) fn pending_event_count(conn: &Connection, device: DeviceId) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM journal j LEFT JOIN sync_receipts r
           ON r.device_id = j.device_id AND r.seq = j.seq
         WHERE j.device_id = ?1 AND r.seq IS NULL",
        params![device.to_string()],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Stores a verified checkpoint (if it is new) and the receipts it covers.
pub(crate) fn store_receipts(
    tx: &Transaction<'_>,
    checkpoint: &Checkpoint,
    note: &str,
    receipts: &[EventReceipt],
    now: DateTime<Utc>,
) -> Result<()> {
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
}

/// Keeps what the device refused from a back office, as evidence.
pub(crate) fn record_incident(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    kind: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_incidents (at, kind, detail) VALUES (?1, ?2, ?3)",
        params![ts(now), kind, detail],
    )?;
    Ok(())
}

/// Notes a failed attempt on the journal; `wedged` parks it with the reason.
pub(crate) fn journal_failed(
    tx: &Transaction<'_>,
    wedged: Option<&str>,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_journal (id, attempts, next_attempt_at, wedged_reason) VALUES (1, 1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET attempts = attempts + 1, next_attempt_at = ?1,
           wedged_reason = coalesce(?2, wedged_reason)",
        params![next.map(ts), wedged],
    )?;
    Ok(())
}

/// Notes a failed attempt on a file; `wedged` parks it with the reason.
pub(crate) fn media_failed(
    tx: &Transaction<'_>,
    sha256: &Hash,
    wedged: Option<&str>,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_media (sha256, attempts, next_attempt_at, wedged_reason) VALUES (?1, 1, ?2, ?3)
         ON CONFLICT (sha256) DO UPDATE SET attempts = attempts + 1, next_attempt_at = ?2,
           wedged_reason = coalesce(?3, wedged_reason)",
        params![sha256.as_bytes().as_slice(), next.map(ts), wedged],
    )?;
    Ok(())
}

/// Stores a verified media receipt.
pub(crate) fn media_delivered(tx: &Transaction<'_>, receipt: &MediaReceipt) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_media (sha256, receipt) VALUES (?1, ?2)
         ON CONFLICT (sha256) DO UPDATE SET receipt = ?2, wedged_reason = NULL, next_attempt_at = NULL",
        params![
            receipt.sha256.as_bytes().as_slice(),
            serde_json::to_string(receipt)?
        ],
    )?;
    Ok(())
}

/// Clears the wedged state of the journal and of every file, so the next run tries them again
/// (after an app update fixed what the back office refused). Returns how many were re-enabled.
pub(crate) fn reenable(tx: &Transaction<'_>) -> Result<usize> {
    let media = tx.execute(
        "UPDATE sync_media SET wedged_reason = NULL, attempts = 0 WHERE wedged_reason IS NOT NULL",
        [],
    )?;
    let journal = tx.execute(
        "UPDATE sync_journal SET wedged_reason = NULL, attempts = 0 WHERE wedged_reason IS NOT NULL",
        [],
    )?;
    Ok(media + journal)
}

/// Every file of this device's evidence without a receipt, in delivery order, with its state.
pub(crate) fn media_queue(
    conn: &Connection,
    device: DeviceId,
    now: DateTime<Utc>,
    network: Network,
) -> Result<Vec<OutboxItem>> {
    let mut stmt = conn.prepare_cached("SELECT item FROM evidence ORDER BY pos")?;
    let items: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for json in items {
        let item: EvidenceItem = serde_json::from_str(&json)?;
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
            let row: Option<(i64, Option<String>, Option<String>)> = conn
                .prepare_cached(
                    "SELECT attempts, wedged_reason, receipt FROM sync_media WHERE sha256 = ?1",
                )?
                .query_row([file.sha256.as_bytes().as_slice()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let (attempts, wedged, receipt) = row.unwrap_or((0, None, None));
            if receipt.is_some() {
                continue;
            }
            let deadline = av.then(|| item.captured_at + TimeDelta::hours(24));
            let state = match wedged {
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
                attempts: attempts as u32,
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
    conn: &Connection,
    device: DeviceId,
    now: DateTime<Utc>,
    network: Network,
) -> Result<SyncStatus> {
    let queue = media_queue(conn, device, now, network)?;
    let journal_wedged: Option<String> = conn
        .query_row(
            "SELECT wedged_reason FROM sync_journal WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let oldest_av_pending = queue.iter().filter(|i| i.av).map(|i| i.captured_at).min();
    let av_state = match oldest_av_pending.map(|t| now - t) {
        Some(age) if age >= AV_CRITICAL_AGE => "critical",
        Some(age) if age >= AV_WARNING_AGE => "warning",
        _ => "ok",
    };
    let (pending, wedged): (Vec<_>, Vec<_>) = queue
        .into_iter()
        .partition(|i| !matches!(i.state, MediaState::Wedged(_)));
    Ok(SyncStatus {
        enrolled: enrolment(conn)?.is_some(),
        events_pending: pending_event_count(conn, device)?,
        journal_wedged,
        media_pending: pending.len() as u64,
        media_pending_bytes: pending.iter().map(|i| i.size).sum(),
        media_wedged: wedged,
        oldest_av_pending,
        av_state: av_state.to_owned(),
        checkpoint_size: held_checkpoint(conn)?.map(|(s, _, _)| s),
        incidents: conn.query_row("SELECT count(*) FROM sync_incidents", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    })
}

/// The highest seq of the back office's chain held here (0 if none).
pub(crate) fn server_chain_seq(conn: &Connection, server: DeviceId) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM journal WHERE device_id = ?1",
        params![server.to_string()],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

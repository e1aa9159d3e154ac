//! The embedded back office: one SQLite database (the core schema — journal and projections —
//! plus the `srv_` tables) and a blob directory, in one data folder.
//!
//! The database is a core `Workspace` marked as the back office's: the phones' events are
//! imported into its journal by the core's verifying importer, so the projections, and the
//! completeness rules run on them, are exactly the phone's. Its own chain carries the back
//! office's decisions, and its key signs checkpoints and media receipts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::Workspace;
use casetrail_core::clock::Clock;
use casetrail_core::identity::{DeviceKey, FileVault, device_id_of};
use casetrail_core::journal::{Hash, StoredEvent};
use casetrail_core::model::{BackofficeDecision, CaseId, DeviceId};
use casetrail_core::store::{ImportRefusal, Imported};
use casetrail_core::sync::checkpoint::Checkpoint;
use casetrail_core::sync::wire::{
    self, BackofficeCase, BackofficeEvents, ChallengeResponse, EnrolRequest, EnrolResponse,
    EventReceipt, MediaCreate, MediaReceipt, MediaStatus, PushRequest, PushResponse, TokenRequest,
    TokenResponse, WireEvent,
};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use parking_lot::Mutex;
use rusqlite::{Connection, OptionalExtension, params};

use crate::blobs::Blobs;
use crate::error::{Result, ServerError};
use crate::log::{self, MerkleLog};
use crate::storage::{Appended, DeviceInfo, Incident, Storage};

/// The name the back office signs checkpoints under.
pub const KEY_NAME: &str = "casetrail-backoffice";
/// How long a challenge may be answered.
const CHALLENGE_TTL: TimeDelta = TimeDelta::minutes(2);
/// How long a token lasts.
const TOKEN_TTL: TimeDelta = TimeDelta::minutes(15);
/// The largest file the back office accepts (a long body-camera video).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024 * 1024;
/// Back-office events per page.
const EVENTS_PAGE: usize = 500;
/// Crockford's base32 alphabet (no I, L, O, U): codes read aloud or typed survive.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The embedded SQLite back office.
pub struct SqliteStorage {
    ws: Workspace,
    blobs: Blobs,
    clock: Arc<dyn Clock>,
    origin: String,
    /// Held while the log grows, so leaf indices and the tree agree.
    log: Mutex<MerkleLog>,
    /// Held while an upload's file and offset change.
    uploads: Mutex<()>,
    /// The folder's lock while serving.
    lock: Option<std::fs::File>,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("home", &self.ws.home())
            .finish_non_exhaustive()
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok(hex::encode(buf))
}

impl SqliteStorage {
    /// Opens the back office in `dir` to serve it: takes the folder's lock (one server per
    /// folder), cuts partial uploads back to their recorded offsets, logs anything unlogged.
    pub fn open_for_serving(dir: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("server.lock"))?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).map_err(
            |_| ServerError::Conflict {
                code: "already_serving",
                offset: None,
            },
        )?;
        let mut storage = Self::open(dir, clock)?;
        storage.lock = Some(lock);
        storage.recover_uploads()?;
        Ok(storage)
    }

    /// Opens (creating) the back office in `dir` — `dir/casetrail.db`, `dir/blobs/`,
    /// `dir/keys/` — for the administration commands, which may run beside a serving process.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let vault = Arc::new(FileVault::open(dir.join("keys"))?);
        let ws = Workspace::open(dir, vault, clock.clone())?;
        ws.make_backoffice()?;
        ws.store().write(|tx| {
            tx.execute_batch(include_str!("schema.sql"))?;
            Ok(())
        })?;
        let blobs = Blobs::open(&dir.join("blobs"))?;
        let origin = format!("casetrail.backoffice/{}", ws.device_id());
        let storage = Self {
            ws,
            blobs,
            clock,
            origin,
            log: Mutex::new(MerkleLog::new()),
            uploads: Mutex::new(()),
            lock: None,
        };
        storage.catch_up_log()?;
        Ok(storage)
    }

    /// The data folder.
    pub fn home(&self) -> PathBuf {
        self.ws.home().to_owned()
    }

    /// The workspace holding the back office's journal (read access for tools and tests).
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn key(&self) -> &DeviceKey {
        self.ws.signing_key()
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now().utc
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.ws.store().read(|c| {
            out = Some(f(c));
            Ok(())
        })?;
        out.unwrap_or_else(|| Err(ServerError::Internal("read did not run".into())))
    }

    fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut out = None;
        let committed = self.ws.store().write(|tx| match f(tx) {
            Ok(v) => {
                out = Some(Ok(v));
                Ok(())
            }
            Err(e) => {
                out = Some(Err(e));
                // Roll back: nothing of a refused step is kept.
                Err(casetrail_core::Error::InvalidState {
                    reason: "rolled_back",
                })
            }
        });
        match (committed, out) {
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(Ok(v))) => Ok(v),
            (Err(e), _) => Err(e.into()),
            (Ok(()), None) => Err(ServerError::Internal("write did not run".into())),
        }
    }

    /// Logs every event not logged yet and brings the tree up to date.
    fn catch_up_log(&self) -> Result<()> {
        let mut tree = self.log.lock();
        let now = ts(self.now());
        self.write(|tx| log::append_unlogged(tx, &now))?;
        self.read(|c| tree.catch_up(c))
    }

    /// After a crash: every unfinished upload's file is cut back to its recorded offset. An
    /// upload killed between moving its file into place and recording that is finished now
    /// (the file is whole and verified, only the record was missing).
    fn recover_uploads(&self) -> Result<()> {
        let _guard = self.uploads.lock();
        let rows: Vec<(Vec<u8>, i64, i64)> = self.read(|c| {
            Ok(c.prepare(
                "SELECT sha256, offset, size FROM srv_uploads WHERE completed_at IS NULL",
            )?
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
                self.write(|tx| {
                    tx.execute(
                        "UPDATE srv_uploads SET offset = ?2 WHERE sha256 = ?1",
                        params![sha.as_bytes().as_slice(), durable as i64],
                    )?;
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    fn incident(&self, device: Option<DeviceId>, kind: &str, detail: &str) {
        let now = ts(self.now());
        let result = self.write(|tx| {
            tx.execute(
                "INSERT INTO srv_incidents (at, device_id, kind, detail) VALUES (?1, ?2, ?3, ?4)",
                params![now, device.map(|d| d.to_string()), kind, detail],
            )?;
            Ok(())
        });
        if let Err(e) = result {
            tracing::error!(error = %e, kind, "could not record an incident");
        }
        tracing::warn!(kind, device = ?device.map(|d| d.to_string()), detail, "incident");
    }

    fn device_row(&self, device: DeviceId) -> Result<(VerifyingKey, Option<DateTime<Utc>>)> {
        let row: Option<(String, Option<String>)> = self.read(|c| {
            Ok(c.query_row(
                "SELECT public_key, revoked_at FROM srv_devices WHERE device_id = ?1",
                params![device.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let (key, revoked) = row.ok_or(ServerError::NotFound("unknown_device"))?;
        let key = parse_key(&key).ok_or(ServerError::Internal("bad stored key".into()))?;
        Ok((key, revoked.as_deref().and_then(parse_ts)))
    }

    /// Signs the checkpoint of the current tree, keeping it.
    fn checkpoint(&self, tree: &MerkleLog) -> Result<(Checkpoint, String)> {
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size: tree.size(),
            root: tree.root(),
        };
        let note = cp.sign(KEY_NAME, self.key());
        let now = ts(self.now());
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO srv_checkpoints (size, root, note, issued_at) VALUES (?1, ?2, ?3, ?4)",
                params![cp.size as i64, cp.root.as_bytes().as_slice(), note, now],
            )?;
            Ok(())
        })?;
        Ok((cp, note))
    }

    fn receipt(&self, sha256: Hash, size: u64, received_at: &str) -> MediaReceipt {
        let text = wire::media_receipt_text(&sha256, size, received_at);
        MediaReceipt {
            sha256,
            size,
            received_at: received_at.to_owned(),
            signature: B64.encode(self.key().sign(text.as_bytes())),
        }
    }

    fn stored_receipt(&self, sha256: &Hash) -> Result<Option<MediaReceipt>> {
        let json: Option<Option<String>> = self.read(|c| {
            Ok(c.query_row(
                "SELECT receipt FROM sync_media WHERE sha256 = ?1",
                [sha256.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        json.flatten()
            .map(|j| serde_json::from_str(&j).map_err(|e| ServerError::Internal(e.to_string())))
            .transpose()
    }

    /// Verifies a complete upload, moves it into place, signs and keeps its receipt.
    fn finish_upload(&self, sha256: &Hash, size: u64) -> Result<MediaStatus> {
        if !self.blobs.finish(sha256)? {
            self.blobs.reset(sha256)?;
            self.write(|tx| {
                tx.execute(
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
        let receipt = self.receipt(*sha256, size, &now);
        let json =
            serde_json::to_string(&receipt).map_err(|e| ServerError::Internal(e.to_string()))?;
        self.write(|tx| {
            tx.execute(
                "UPDATE srv_uploads SET offset = size, completed_at = coalesce(completed_at, ?2) WHERE sha256 = ?1",
                params![sha256.as_bytes().as_slice(), now],
            )?;
            tx.execute(
                "INSERT INTO sync_media (sha256, receipt) VALUES (?1, ?2)
                 ON CONFLICT (sha256) DO NOTHING",
                params![sha256.as_bytes().as_slice(), json],
            )?;
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

    fn flag_after_revocation(
        &self,
        tx: &rusqlite::Transaction<'_>,
        device: DeviceId,
        from: DateTime<Utc>,
    ) -> Result<usize> {
        let headers: Vec<(i64, Vec<u8>)> = tx
            .prepare("SELECT seq, header FROM journal WHERE device_id = ?1")?
            .query_map(params![device.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let now = ts(self.now());
        let mut flagged = 0;
        for (seq, header) in headers {
            let Ok(h) = casetrail_core::journal::EventHeader::parse_canonical(&header) else {
                continue;
            };
            if h.at.utc >= from {
                flagged += tx.execute(
                    "INSERT OR IGNORE INTO srv_flags (device_id, seq, flag, at)
                     VALUES (?1, ?2, 'signed_after_revocation', ?3)",
                    params![device.to_string(), seq, now],
                )?;
            }
        }
        Ok(flagged)
    }
}

fn parse_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn parse_signature(b64: &str) -> Option<Signature> {
    Signature::from_slice(&B64.decode(b64).ok()?).ok()
}

fn code_hash(code: &str) -> Hash {
    Hash::digest(wire::normalise_code(code).as_bytes())
}

impl Storage for SqliteStorage {
    fn issue_enrol_code(&self, officer: &str, hours: u32) -> Result<String> {
        let officer = officer.trim();
        if officer.is_empty() || officer.chars().count() > 64 {
            return Err(ServerError::BadRequest("bad_officer"));
        }
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).map_err(|e| ServerError::Internal(e.to_string()))?;
        let chars: String = raw
            .iter()
            .map(|b| CODE_ALPHABET[(*b & 31) as usize] as char)
            .collect();
        let code = chars
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        let now = self.now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO srv_enrol_codes (code_hash, officer, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    code_hash(&code).as_bytes().as_slice(),
                    officer,
                    ts(now),
                    ts(now + TimeDelta::hours(i64::from(hours.clamp(1, 24 * 30))))
                ],
            )?;
            Ok(())
        })?;
        Ok(code)
    }

    fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse> {
        let key = parse_key(&req.public_key).ok_or(ServerError::BadRequest("bad_key"))?;
        if key.is_weak() {
            return Err(ServerError::BadRequest("bad_key"));
        }
        let code = wire::normalise_code(&req.code);
        let proof = parse_signature(&req.proof).ok_or(ServerError::BadRequest("bad_proof"))?;
        key.verify_strict(&wire::enrol_message(&code, &req.public_key), &proof)
            .map_err(|_| ServerError::Unauthorized("bad_proof"))?;
        let device = device_id_of(&key);
        let now = self.now();
        let officer = self.write(|tx| {
            let row: Option<(String, String, Option<String>)> = tx
                .query_row(
                    "SELECT officer, expires_at, used_by FROM srv_enrol_codes WHERE code_hash = ?1",
                    [code_hash(&code).as_bytes().as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((officer, expires, used_by)) = row else {
                return Err(ServerError::Forbidden("bad_code"));
            };
            if used_by.is_some() {
                return Err(ServerError::Forbidden("code_used"));
            }
            if parse_ts(&expires).is_none_or(|e| e < now) {
                return Err(ServerError::Forbidden("code_expired"));
            }
            let known: Option<String> = tx
                .query_row(
                    "SELECT officer FROM srv_devices WHERE device_id = ?1",
                    params![device.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            if known.is_some() {
                return Err(ServerError::Conflict {
                    code: "already_enrolled",
                    offset: None,
                });
            }
            tx.execute(
                "UPDATE srv_enrol_codes SET used_by = ?2 WHERE code_hash = ?1",
                params![code_hash(&code).as_bytes().as_slice(), device.to_string()],
            )?;
            tx.execute(
                "INSERT INTO srv_devices (device_id, public_key, officer, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
                params![device.to_string(), req.public_key, officer, ts(now)],
            )?;
            tx.execute(
                "INSERT INTO devices (device_id, public_key, role, label) VALUES (?1, ?2, 'peer', ?3)",
                params![device.to_string(), key.as_bytes().as_slice(), officer],
            )?;
            Ok(officer)
        })?;
        Ok(EnrolResponse {
            device_id: device,
            officer,
            server_device_id: self.ws.device_id(),
            server_public_key: hex::encode(self.ws.public_key().as_bytes()),
            server_key_name: KEY_NAME.to_owned(),
            log_origin: self.origin.clone(),
        })
    }

    fn challenge(&self, device: DeviceId) -> Result<ChallengeResponse> {
        let (_, revoked) = self.device_row(device)?;
        if revoked.is_some() {
            return Err(ServerError::Forbidden("revoked"));
        }
        let nonce = random_hex(32)?;
        let now = self.now();
        self.write(|tx| {
            tx.execute(
                "DELETE FROM srv_nonces WHERE expires_at < ?1",
                params![ts(now - TimeDelta::days(1))],
            )?;
            tx.execute(
                "INSERT INTO srv_nonces (nonce, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![nonce, device.to_string(), ts(now + CHALLENGE_TTL)],
            )?;
            Ok(())
        })?;
        Ok(ChallengeResponse {
            nonce,
            server_time: ts(now),
        })
    }

    fn token(&self, req: &TokenRequest) -> Result<TokenResponse> {
        let (key, revoked) = self.device_row(req.device_id)?;
        if revoked.is_some() {
            return Err(ServerError::Forbidden("revoked"));
        }
        let signature =
            parse_signature(&req.signature).ok_or(ServerError::BadRequest("bad_signature"))?;
        let now = self.now();
        let token = random_hex(32)?;
        self.write(|tx| {
            // Single use: the nonce is spent whether or not the signature holds.
            let spent = tx.execute(
                "UPDATE srv_nonces SET used = 1
                 WHERE nonce = ?1 AND device_id = ?2 AND used = 0 AND expires_at >= ?3",
                params![req.nonce, req.device_id.to_string(), ts(now)],
            )?;
            if spent != 1 {
                return Err(ServerError::Unauthorized("bad_nonce"));
            }
            Ok(())
        })?;
        key.verify_strict(&wire::auth_message(&req.nonce, &req.device_id), &signature)
            .map_err(|_| ServerError::Unauthorized("bad_signature"))?;
        self.write(|tx| {
            tx.execute(
                "DELETE FROM srv_tokens WHERE expires_at < ?1",
                params![ts(now)],
            )?;
            tx.execute(
                "INSERT INTO srv_tokens (token_hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![
                    Hash::digest(token.as_bytes()).as_bytes().as_slice(),
                    req.device_id.to_string(),
                    ts(now + TOKEN_TTL)
                ],
            )?;
            Ok(())
        })?;
        Ok(TokenResponse {
            token,
            expires_in: TOKEN_TTL.num_seconds() as u64,
        })
    }

    fn authenticate(&self, token: &str) -> Result<DeviceId> {
        let row: Option<(String, String)> = self.read(|c| {
            Ok(c.query_row(
                "SELECT device_id, expires_at FROM srv_tokens WHERE token_hash = ?1",
                [Hash::digest(token.as_bytes()).as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let (device, expires) = row.ok_or(ServerError::Unauthorized("bad_token"))?;
        if parse_ts(&expires).is_none_or(|e| e < self.now()) {
            return Err(ServerError::Unauthorized("token_expired"));
        }
        let device: DeviceId = device
            .parse()
            .map_err(|_| ServerError::Internal("bad stored device".into()))?;
        if self.device_row(device)?.1.is_some() {
            return Err(ServerError::Forbidden("revoked"));
        }
        Ok(device)
    }

    fn push(&self, device: DeviceId, req: &PushRequest) -> Result<PushResponse> {
        if req.events.is_empty() || req.events.len() > wire::MAX_BATCH {
            return Err(ServerError::BadRequest("bad_batch"));
        }
        let events: Vec<StoredEvent> = req
            .events
            .iter()
            .map(WireEvent::to_stored)
            .collect::<Option<_>>()
            .ok_or(ServerError::BadRequest("malformed_event"))?;
        if events.iter().any(|e| e.device_id != device) {
            return Err(ServerError::Forbidden("not_your_chain"));
        }
        let (_, revoked) = self.device_row(device)?;
        let mut tree = self.log.lock();
        let now = ts(self.now());
        let imported = self
            .ws
            .store()
            .import(&events, |tx, event, header, outcome| {
                if let Imported::New(pos) = outcome {
                    log::append_leaf(tx, pos, &event.event_hash, &now).map_err(to_core)?;
                    if revoked.is_some_and(|r| header.at.utc >= r) {
                        tx.execute(
                            "INSERT OR IGNORE INTO srv_flags (device_id, seq, flag, at)
                         VALUES (?1, ?2, 'signed_after_revocation', ?3)",
                            params![device.to_string(), event.seq as i64, now],
                        )?;
                    }
                }
                Ok(())
            });
        match imported {
            Ok(_) => {}
            Err(casetrail_core::Error::Refused(why)) => {
                drop(tree);
                return Err(match why {
                    ImportRefusal::Conflict { seq, held, offered } => {
                        self.incident(
                            Some(device),
                            "conflict",
                            &format!("seq {seq}: held {held}, offered {offered}"),
                        );
                        ServerError::Conflict {
                            code: "conflict",
                            offset: None,
                        }
                    }
                    ImportRefusal::UnknownDevice(_) => ServerError::Forbidden("unknown_device"),
                    other => {
                        self.incident(Some(device), "refused_events", &other.to_string());
                        ServerError::Unprocessable {
                            code: "refused_events",
                            detail: other.to_string(),
                        }
                    }
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.read(|c| tree.catch_up(c))?;
        let (_, note) = self.checkpoint(&tree)?;
        let receipts = self.read(|c| {
            events
                .iter()
                .map(|e| {
                    let leaf_index = log::leaf_of(c, &e.event_hash)?;
                    Ok(EventReceipt {
                        device_id: e.device_id,
                        seq: e.seq,
                        event_hash: e.event_hash,
                        leaf_index,
                        inclusion: tree.inclusion(leaf_index)?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(PushResponse {
            receipts,
            checkpoint: note,
            consistency: tree.consistency(req.known_size),
        })
    }

    fn backoffice_events(&self, after: u64) -> Result<BackofficeEvents> {
        let me = self.ws.device_id();
        let events = self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT header, body, sig_alg, signature FROM journal
                 WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![me.to_string(), after as i64, EVENTS_PAGE as i64],
                |r| {
                    Ok(WireEvent {
                        header: B64.encode(r.get::<_, Vec<u8>>(0)?),
                        body: B64.encode(r.get::<_, Vec<u8>>(1)?),
                        sig_alg: r.get(2)?,
                        signature: B64.encode(r.get::<_, Vec<u8>>(3)?),
                    })
                },
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        Ok(BackofficeEvents { events })
    }

    fn media_create(&self, device: DeviceId, req: &MediaCreate) -> Result<MediaStatus> {
        if req.size > MAX_FILE_BYTES {
            return Err(ServerError::TooLarge);
        }
        let _guard = self.uploads.lock();
        if let Some(status) = self.media_status_locked(&req.sha256)? {
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
        self.write(|tx| {
            tx.execute(
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

    fn media_status(&self, sha256: &Hash) -> Result<Option<MediaStatus>> {
        let _guard = self.uploads.lock();
        self.media_status_locked(sha256)
    }

    fn media_append(
        &self,
        _device: DeviceId,
        sha256: &Hash,
        offset: u64,
        checksum: &Hash,
        chunk: &[u8],
    ) -> Result<Appended> {
        let _guard = self.uploads.lock();
        let status = self
            .media_status_locked(sha256)?
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
        self.write(|tx| {
            tx.execute(
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

    fn decide(&self, case: CaseId, decision: BackofficeDecision) -> Result<()> {
        self.ws
            .backoffice_decide(case, decision)
            .map_err(user_error)?;
        self.catch_up_log()
    }

    fn assign(&self, case: CaseId, officers: Vec<String>, note: &str) -> Result<()> {
        self.ws
            .backoffice_assign(case, officers, note)
            .map_err(user_error)?;
        self.catch_up_log()
    }

    fn revoke(&self, device: DeviceId, effective_at: DateTime<Utc>, reason: &str) -> Result<()> {
        self.device_row(device)?;
        self.ws
            .backoffice_revoke(device, effective_at, reason)
            .map_err(user_error)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE srv_devices SET revoked_at = ?2, revoke_reason = ?3 WHERE device_id = ?1",
                params![device.to_string(), ts(effective_at), reason],
            )?;
            tx.execute(
                "DELETE FROM srv_tokens WHERE device_id = ?1",
                params![device.to_string()],
            )?;
            self.flag_after_revocation(tx, device, effective_at)?;
            Ok(())
        })?;
        self.catch_up_log()
    }

    fn cases(&self, now: DateTime<Utc>) -> Result<Vec<BackofficeCase>> {
        crate::cases::all(self, now)
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT device_id, officer, enrolled_at, revoked_at FROM srv_devices ORDER BY enrolled_at",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (id, officer, enrolled_at, revoked_at) = row?;
                Ok(DeviceInfo {
                    device_id: id
                        .parse()
                        .map_err(|_| ServerError::Internal("bad stored device".into()))?,
                    officer,
                    enrolled_at,
                    revoked_at,
                })
            })
            .collect()
        })
    }

    fn incidents(&self) -> Result<Vec<Incident>> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT at, device_id, kind, detail FROM srv_incidents ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Incident {
                    at: r.get(0)?,
                    device_id: r.get(1)?,
                    kind: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn resolve_case(&self, key: &str) -> Result<CaseId> {
        let by_no: Option<String> = self.read(|c| {
            Ok(
                c.query_row("SELECT case_id FROM cases WHERE case_no = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        match by_no {
            Some(id) => id
                .parse()
                .map_err(|_| ServerError::Internal("bad stored case id".into())),
            None => self
                .ws
                .resolve_case(key)
                .map_err(|_| ServerError::NotFound("unknown_case")),
        }
    }
}

impl SqliteStorage {
    fn media_status_locked(&self, sha256: &Hash) -> Result<Option<MediaStatus>> {
        let row: Option<(i64, i64)> = self.read(|c| {
            Ok(c.query_row(
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

/// A core error caused by what the operator typed: a clear refusal, not a server fault.
fn user_error(e: casetrail_core::Error) -> ServerError {
    match e {
        casetrail_core::Error::NotFound { .. } => ServerError::NotFound("unknown_case"),
        casetrail_core::Error::Validation(_) => ServerError::BadRequest("invalid"),
        casetrail_core::Error::InvalidState { reason } => ServerError::Conflict {
            code: reason,
            offset: None,
        },
        other => other.into(),
    }
}

fn to_core(e: ServerError) -> casetrail_core::Error {
    casetrail_core::Error::Journal(e.to_string())
}

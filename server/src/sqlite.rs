//! The embedded back office: one SQLite database (the core schema — journal and projections —
//! plus the `srv_` tables of the server's own numbered migrations) and a blob directory, in one
//! data folder.
//!
//! The database is a ledger marked as the back office's: the phones' events are imported into
//! its journal by the store's verifying importer, so the projections, and the completeness
//! rules run on them, are exactly the phone's. Its own chain carries the back office's
//! decisions, and its key signs checkpoints and media receipts. The core's tables are read and
//! written only through the store's typed methods; SQL here touches the `srv_` tables alone.
//!
//! The `Storage` trait is implemented here by delegating to the modules that own each concept:
//! `auth` (enrolment, challenges, tokens), `push` (journals in, the Merkle log, back-office
//! events out), `uploads` (files), `backoffice` (decisions, assignments, revocations), `cases`
//! (what the bureau holds). Each of those modules adds methods to `SqliteStorage`, so none of
//! them is imported here and the arrows point one way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use casetrail_model::{BackofficeDecision, CaseId, DeviceId};
use casetrail_protocol::wire::{
    BackofficeCase, BackofficeEvents, ChallengeResponse, EnrolRequest, EnrolResponse, MediaCreate,
    MediaStatus, PushRequest, PushResponse, TokenRequest, TokenResponse,
};
use casetrail_protocol::{DeviceKey, Hash};
use casetrail_store::clock::Clock;
use casetrail_store::vault::FileVault;
use casetrail_store::{ExtensionTx, ExtensionView, Ledger, MigrationSet, Store};
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use rusqlite::params;

use crate::blobs::{Blobs, private_dir};
use crate::error::{Result, ServerError};
use crate::limits::Limits;
use crate::log::MerkleLog;
use crate::storage::{Appended, DeviceInfo, Incident, Storage};
use crate::upload_locks::UploadLocks;

/// The name the back office signs checkpoints under.
pub const KEY_NAME: &str = "casetrail-backoffice";
/// The software named in the back office's genesis event.
const SOFTWARE: &str = concat!("casetrail-server ", env!("CARGO_PKG_VERSION"));

/// The back office's own tables, beside the core's.
pub const MIGRATIONS: MigrationSet = MigrationSet {
    name: "server",
    steps: &[
        ("001_init", include_str!("../migrations/001_init.sql")),
        (
            "002_device_uploads",
            include_str!("../migrations/002_device_uploads.sql"),
        ),
    ],
};

/// The embedded SQLite back office.
pub struct SqliteStorage {
    pub(crate) ledger: Ledger,
    home: PathBuf,
    pub(crate) blobs: Blobs,
    pub(crate) origin: String,
    /// Held while the log grows, so leaf indices and the tree agree.
    pub(crate) log: Mutex<MerkleLog>,
    /// One lock per upload, held while its file and offset change.
    pub(crate) upload_locks: UploadLocks,
    /// Quotas and bounds.
    pub(crate) limits: Limits,
    /// The folder's lock while serving.
    lock: Option<std::fs::File>,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("home", &self.home)
            .finish_non_exhaustive()
    }
}

/// The one spelling of a time in the `srv_` tables.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok(hex::encode(buf))
}

impl SqliteStorage {
    /// Opens the back office in `dir` to serve it: takes the folder's lock (one server per
    /// folder), cuts partial uploads back to their recorded offsets, logs anything unlogged.
    pub fn open_for_serving(dir: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        private_dir(dir)?;
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
        private_dir(dir)?;
        let vault = Arc::new(FileVault::open(dir.join("keys"))?);
        let db = dir.join("casetrail.db");
        let ledger = Ledger::open(&db, vault, clock, SOFTWARE)?;
        private_files(dir)?;
        ledger.store().mark_backoffice()?;
        ledger.store().migrate_extension(&MIGRATIONS)?;
        let blobs = Blobs::open(&dir.join("blobs"))?;
        let origin = format!("casetrail.backoffice/{}", ledger.device_id());
        let storage = Self {
            ledger,
            home: dir.to_owned(),
            blobs,
            origin,
            log: Mutex::new(MerkleLog::new()),
            upload_locks: UploadLocks::default(),
            limits: Limits::default(),
            lock: None,
        };
        storage.catch_up_log()?;
        Ok(storage)
    }

    /// The same back office with these quotas and bounds.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Its quotas and bounds.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The data folder.
    pub fn home(&self) -> PathBuf {
        self.home.clone()
    }

    /// The store holding the back office's journal (read access for tools and tests).
    pub fn store(&self) -> &Store {
        self.ledger.store()
    }

    /// The back office's chain id.
    pub fn device_id(&self) -> DeviceId {
        self.ledger.device_id()
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The key the back office signs its chain, checkpoints and media receipts with.
    pub fn signing_key(&self) -> &DeviceKey {
        self.ledger.key()
    }

    pub(crate) fn key(&self) -> &DeviceKey {
        self.ledger.key()
    }

    /// Verifies the whole journal held against the keys trusted (the back office's own and
    /// every enrolled device's).
    pub fn verify_journal(&self) -> Result<casetrail_protocol::journal::VerifyReport> {
        let (events, keys) = self
            .store()
            .read(|v| Ok::<_, ServerError>((v.journal()?, v.trusted_keys()?)))?;
        Ok(casetrail_protocol::journal::verify(&events, &keys))
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.ledger.now().utc
    }

    /// Reads the server's tables (and a view of the core's).
    pub(crate) fn read<T>(&self, f: impl FnOnce(ExtensionView<'_>) -> Result<T>) -> Result<T> {
        self.store().read_extension(f)
    }

    /// Writes the server's tables in one transaction; nothing of a refused step is kept.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&ExtensionTx<'_>) -> Result<T>) -> Result<T> {
        self.store().write_extension(f)
    }

    /// Keeps an incident, and says so in the log. Recording never fails the request it is about.
    pub(crate) fn incident(&self, device: Option<DeviceId>, kind: &str, detail: &str) {
        let now = ts(self.now());
        let result = self.write(|x| {
            x.sql().execute(
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
}

impl Storage for SqliteStorage {
    fn issue_enrol_code(&self, officer: &str, hours: u32) -> Result<String> {
        self.issue_code(officer, hours)
    }

    fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse> {
        self.enrol_device(req)
    }

    fn challenge(&self, device: DeviceId) -> Result<ChallengeResponse> {
        self.new_challenge(device)
    }

    fn token(&self, req: &TokenRequest) -> Result<TokenResponse> {
        self.answer_challenge(req)
    }

    fn authenticate(&self, token: &str) -> Result<DeviceId> {
        self.device_of_token(token)
    }

    fn push(&self, device: DeviceId, req: &PushRequest) -> Result<PushResponse> {
        self.accept_push(device, req)
    }

    fn backoffice_events(&self, device: DeviceId, after: u64) -> Result<BackofficeEvents> {
        self.own_events_after(device, after)
    }

    fn media_create(&self, device: DeviceId, req: &MediaCreate) -> Result<MediaStatus> {
        self.create_upload(device, req)
    }

    fn media_status(&self, device: DeviceId, sha256: &Hash) -> Result<Option<MediaStatus>> {
        self.upload_status(device, sha256)
    }

    fn expire_uploads(&self, now: DateTime<Utc>) -> Result<usize> {
        self.expire_stale_uploads(now)
    }

    fn media_append(
        &self,
        device: DeviceId,
        sha256: &Hash,
        offset: u64,
        checksum: &Hash,
        chunk: &[u8],
    ) -> Result<Appended> {
        self.append_chunk(device, sha256, offset, checksum, chunk)
    }

    fn decide(&self, case: CaseId, decision: BackofficeDecision) -> Result<()> {
        self.sign_decision(case, decision)
    }

    fn assign(&self, case: CaseId, officers: Vec<String>, note: &str) -> Result<()> {
        self.sign_assignment(case, officers, note)
    }

    fn revoke(&self, device: DeviceId, effective_at: DateTime<Utc>, reason: &str) -> Result<()> {
        self.sign_revocation(device, effective_at, reason)
    }

    fn cases(&self, now: DateTime<Utc>) -> Result<Vec<BackofficeCase>> {
        self.all_cases(now)
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>> {
        self.enrolled_devices()
    }

    fn incidents(&self) -> Result<Vec<Incident>> {
        self.kept_incidents()
    }

    fn resolve_case(&self, key: &str) -> Result<CaseId> {
        self.find_case(key)
    }
}

/// The database and its companions are the server user's alone (0600), whatever the umask.
fn private_files(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for name in [
        "casetrail.db",
        "casetrail.db-wal",
        "casetrail.db-shm",
        "server.lock",
    ] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

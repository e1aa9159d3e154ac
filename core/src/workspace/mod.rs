//! The workspace: the one handle the CLI and the phone apps use. It ties the store, the device
//! key and the clock together and offers the operations the screens need — open a case, add,
//! amend, finalize or void a record, read a case file, verify the journal.
//!
//! Every write goes through `Store::append`: the operation's checks run inside the write
//! transaction against the current state, then the event is sealed, stored and projected, and
//! the call returns only after the commit. A refused operation writes nothing.
//!
//! A workspace lives in a directory (`home`) holding `casetrail.db` and `media/`. Its identity
//! is the device key in the host's `KeyVault`; opening a workspace with a vault that holds a
//! different key is refused, so a journal can never silently change signer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;

use ed25519_dalek::VerifyingKey;
use rusqlite::{OptionalExtension, params};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result, ValidationCode, ValidationError};
use crate::events::{
    CaseOpened, CaseStatusChanged, DeviceGenesis, Event, NewSlot, RecordAdded, RecordAmended,
    RecordFinalized, RecordVoided, raw_content,
};
use crate::identity::{DeviceKey, FileVault, KeyVault};
use crate::journal::{ALG_ED25519, VerifyReport, verify};
use crate::media::{Fonts, MediaStore};
use crate::model::validate::{LONG_TEXT, free_text};
use crate::model::{
    Case, CaseDraft, CaseId, CaseStatus, DeviceId, Record, RecordBody, RecordId, RecordStatus,
    SlotId,
};
use crate::rules;
use crate::store::{self, CaseSummary, RecordVersion, Store};

/// Name of the database file inside a workspace.
pub const DB_FILE: &str = "casetrail.db";
/// Name of the media directory inside a workspace.
pub const MEDIA_DIR: &str = "media";

/// An open workspace.
pub struct Workspace {
    home: PathBuf,
    store: Store,
    key: DeviceKey,
    clock: Arc<dyn Clock>,
    vault: Arc<dyn KeyVault>,
    media: MediaStore,
    fonts: RwLock<Fonts>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("home", &self.home)
            .field("device", &self.key.device_id())
            .finish_non_exhaustive()
    }
}

impl Workspace {
    /// Opens the workspace at `home` (creating it on first use) with the host's vault and clock.
    pub fn open(
        home: impl AsRef<Path>,
        vault: Arc<dyn KeyVault>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let home = home.as_ref().to_owned();
        std::fs::create_dir_all(home.join(MEDIA_DIR))?;
        let store = Store::open(&home.join(DB_FILE))?;
        let recorded: Option<Vec<u8>> = store.read(|c| {
            Ok(c.query_row(
                "SELECT public_key FROM devices WHERE role = 'self'",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        let expected = recorded
            .map(|k| {
                let bytes: [u8; 32] = k
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::Journal("bad key on record".into()))?;
                VerifyingKey::from_bytes(&bytes)
                    .map_err(|_| Error::Journal("bad key on record".into()))
            })
            .transpose()?;
        let key = DeviceKey::load_or_create(vault.as_ref(), expected.as_ref())?;
        let name_key = crate::identity::load_or_create_secret(
            vault.as_ref(),
            crate::identity::MEDIA_NAME_KEY,
        )?;
        let (media, quarantined) = MediaStore::open(&home.join(MEDIA_DIR), name_key)?;
        if quarantined > 0 {
            tracing::warn!(
                files = quarantined,
                "moved leftover temporary media files to quarantine"
            );
        }
        let ws = Self {
            home,
            store,
            key,
            clock,
            vault,
            media,
            fonts: RwLock::new(Fonts::default()),
        };
        if expected.is_none() {
            ws.write_genesis()?;
        }
        Ok(ws)
    }

    /// Opens a workspace with a file vault in `home/keys` and the system clock (desktop, CLI).
    pub fn open_default(home: impl AsRef<Path>) -> Result<Self> {
        let home = home.as_ref();
        let vault = Arc::new(FileVault::open(home.join("keys"))?);
        Self::open(home, vault, Arc::new(SystemClock::new()))
    }

    fn write_genesis(&self) -> Result<()> {
        let public = self.key.verifying_key();
        let device = self.key.device_id();
        self.store.append(&self.key, self.clock.now(), |tx| {
            tx.execute(
                "INSERT INTO devices (device_id, public_key, role, label) VALUES (?1, ?2, 'self', 'this device')",
                params![device.to_string(), public.as_bytes().as_slice()],
            )?;
            Ok(Event::DeviceGenesis(DeviceGenesis {
                public_key: hex::encode(public.as_bytes()),
                alg: ALG_ED25519.to_owned(),
                software: format!("casetrail-core {}", env!("CARGO_PKG_VERSION")),
            }))
        })?;
        Ok(())
    }

    /// The workspace directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// This device's id.
    pub fn device_id(&self) -> DeviceId {
        self.key.device_id()
    }

    /// This device's public key.
    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The underlying store (for tooling and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The media store.
    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// The host's key vault.
    pub fn vault(&self) -> &Arc<dyn KeyVault> {
        &self.vault
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    // ----------------------------------------------------------------------------- cases

    /// Opens a case or inspection.
    pub fn create_case(&self, draft: CaseDraft) -> Result<Case> {
        draft.validate()?;
        let case_id = CaseId::new();
        self.store.append(&self.key, self.clock.now(), |tx| {
            let taken: bool = tx
                .query_row(
                    "SELECT 1 FROM cases WHERE case_no = ?1",
                    params![draft.case_no],
                    |_| Ok(true),
                )
                .optional()?
                .unwrap_or(false);
            if taken {
                return Err(Error::invalid("case_no", ValidationCode::Duplicate));
            }
            Ok(Event::CaseOpened(CaseOpened {
                case_id,
                case: draft,
            }))
        })?;
        self.case(case_id)
    }

    /// Every case, newest first.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        self.store.read(store::queries_cases)
    }

    /// One case.
    pub fn case(&self, id: CaseId) -> Result<Case> {
        self.store.read(|c| store::load_case(c, id))
    }

    /// Moves a case to another status, with the reason. An archived case is read-only.
    pub fn change_status(&self, id: CaseId, to: CaseStatus, reason: &str) -> Result<Case> {
        required_reason(reason)?;
        let at = self.clock.now();
        let now = at.utc;
        self.store.append(&self.key, at, |tx| {
            let case = store::load_case(tx, id)?;
            let allowed = match case.status {
                CaseStatus::Archived | CaseStatus::NotInitiated => false,
                CaseStatus::Closed | CaseStatus::InspectionClosed => to == CaseStatus::Archived,
                from => from != to,
            };
            if !allowed {
                return Err(Error::InvalidState {
                    reason: "status_transition_not_allowed",
                });
            }
            // A case file cannot be closed or archived while a blocking finding stands.
            if rules_api::closes(to) {
                let blocking = rules_api::blocking_after(&store::case_file(tx, id)?, to, now);
                if !blocking.is_empty() {
                    return Err(Error::Blocked { findings: blocking });
                }
            }
            Ok(Event::CaseStatusChanged(CaseStatusChanged {
                case_id: id,
                from: case.status,
                to,
                reason: reason.to_owned(),
            }))
        })?;
        self.case(id)
    }

    // ----------------------------------------------------------------------------- records

    /// Every record of a case, oldest first.
    pub fn records(&self, case: CaseId) -> Result<Vec<Record>> {
        self.store.read(|c| store::load_records(c, case))
    }

    /// One record (current version).
    pub fn record(&self, id: RecordId) -> Result<Record> {
        self.store.read(|c| store::load_record(c, id))
    }

    /// Every version of a record, oldest first.
    pub fn record_versions(&self, id: RecordId) -> Result<Vec<RecordVersion>> {
        self.store.read(|c| store::record_versions(c, id))
    }

    /// Adds a draft record to a case.
    pub fn add_record(&self, case_id: CaseId, body: RecordBody) -> Result<Record> {
        body.validate()?;
        let record_id = RecordId::new();
        let content = raw_content(body.to_json()?)?;
        self.store.append(&self.key, self.clock.now(), |tx| {
            let case = store::load_case(tx, case_id)?;
            writable(&case)?;
            check_references(&case, &body)?;
            Ok(Event::RecordAdded(RecordAdded {
                record_id,
                case_id,
                kind: body.kind(),
                content,
            }))
        })?;
        self.record(record_id)
    }

    /// Corrects a record: a new version with the reason. The previous version is kept; a
    /// finalized record becomes a draft again and must be finalized (and signed) anew.
    pub fn amend_record(&self, id: RecordId, body: RecordBody, reason: &str) -> Result<Record> {
        body.validate()?;
        required_reason(reason)?;
        let content = raw_content(body.to_json()?)?;
        self.store.append(&self.key, self.clock.now(), |tx| {
            let record = store::load_record(tx, id)?;
            let case = store::load_case(tx, record.case_id)?;
            writable(&case)?;
            self.owned(&record)?;
            if record.status == RecordStatus::Void {
                return Err(Error::InvalidState {
                    reason: "record_void",
                });
            }
            if body.kind() != record.kind {
                return Err(Error::invalid("kind", ValidationCode::Inconsistent));
            }
            if content.get() == record.content {
                return Err(Error::InvalidState {
                    reason: "no_change",
                });
            }
            check_references(&case, &body)?;
            Ok(Event::RecordAmended(RecordAmended {
                record_id: id,
                case_id: record.case_id,
                version: record.version + 1,
                amends_version: record.version,
                amends_hash: record.content_hash,
                content,
                reason: reason.to_owned(),
            }))
        })?;
        self.record(id)
    }

    /// Finalizes the current version: checks the rules for its kind, fixes its content hash
    /// and creates its signature slots.
    pub fn finalize_record(&self, id: RecordId) -> Result<Record> {
        let at = self.clock.now();
        let now = at.utc;
        self.store.append(&self.key, at, |tx| {
            let record = store::load_record(tx, id)?;
            let file = store::case_file(tx, record.case_id)?;
            writable(&file.case)?;
            self.owned(&record)?;
            if record.status != RecordStatus::Draft {
                return Err(Error::InvalidState {
                    reason: "record_not_draft",
                });
            }
            rules::check_finalize(&file, Some(id), &record.body, now)?;
            let slots = rules::slots_for(&file.case, &record.body)
                .into_iter()
                .map(|spec| NewSlot {
                    slot_id: SlotId::new(),
                    spec,
                })
                .collect();
            Ok(Event::RecordFinalized(RecordFinalized {
                record_id: id,
                case_id: record.case_id,
                version: record.version,
                content_hash: record.content_hash,
                slots,
            }))
        })?;
        self.record(id)
    }

    /// Withdraws a record with the reason. It stays in the case file, marked void.
    pub fn void_record(&self, id: RecordId, reason: &str) -> Result<Record> {
        required_reason(reason)?;
        self.store.append(&self.key, self.clock.now(), |tx| {
            let record = store::load_record(tx, id)?;
            let case = store::load_case(tx, record.case_id)?;
            writable(&case)?;
            self.owned(&record)?;
            if record.status == RecordStatus::Void {
                return Err(Error::InvalidState {
                    reason: "record_void",
                });
            }
            Ok(Event::RecordVoided(RecordVoided {
                record_id: id,
                case_id: record.case_id,
                reason: reason.to_owned(),
            }))
        })?;
        self.record(id)
    }

    fn owned(&self, record: &Record) -> Result<()> {
        if record.device_id != self.key.device_id() {
            return Err(Error::InvalidState {
                reason: "record_owned_by_another_device",
            });
        }
        Ok(())
    }

    // ----------------------------------------------------------------------------- journal

    /// Verifies the whole journal against the keys this workspace trusts.
    pub fn verify_journal(&self) -> Result<VerifyReport> {
        let (events, keys) = self
            .store
            .read(|c| Ok((store::journal_rows(c, None)?, store::trusted_keys(c)?)))?;
        Ok(verify(&events, &keys))
    }

    // ----------------------------------------------------------------------------- ids

    /// Resolves a case id or a unique prefix of one.
    pub fn resolve_case(&self, prefix: &str) -> Result<CaseId> {
        let id = self
            .store
            .read(|c| store::resolve_prefix(c, "case", "cases", "case_id", prefix))?;
        id.parse().map_err(|_| Error::NotFound { what: "case", id })
    }

    /// Resolves a record id or a unique prefix of one.
    pub fn resolve_record(&self, prefix: &str) -> Result<RecordId> {
        let id = self
            .store
            .read(|c| store::resolve_prefix(c, "record", "records", "record_id", prefix))?;
        id.parse()
            .map_err(|_| Error::NotFound { what: "record", id })
    }
}

/// An archived case is read-only.
pub(crate) fn writable(case: &Case) -> Result<()> {
    if case.status == CaseStatus::Archived {
        return Err(Error::InvalidState {
            reason: "case_archived",
        });
    }
    Ok(())
}

pub(crate) fn required_reason(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(ValidationError::new("reason", ValidationCode::Required).into());
    }
    free_text("reason", reason, LONG_TEXT)?;
    Ok(())
}

/// References in a draft must already point at things of the case (officers, parties), even
/// before the completeness rules apply at finalize.
fn check_references(case: &Case, body: &RecordBody) -> Result<()> {
    for (i, cert) in body.officers().iter().enumerate() {
        if case.officer(cert).is_none() {
            return Err(Error::invalid(
                format!("officers[{i}]"),
                ValidationCode::UnknownReference,
            ));
        }
    }
    rules::check_party_refs(case, &body.to_value()?)?;
    Ok(())
}

mod backoffice;
mod evidence;
mod field;
mod rules_api;
mod sync_api;
#[cfg(test)]
pub(crate) mod tests;

pub use evidence::{CaptureRequest, Captured, MAX_PHOTO_BYTES};
pub use field::{RefusalRequest, ServeRequest, SignRequest, WitnessInput};
pub use rules_api::DueItem;
pub use sync_api::SyncIncident;

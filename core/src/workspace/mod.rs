//! The workspace: the one handle the CLI and the phone apps use. It ties the store, the device
//! key and the clock together and offers the operations the screens need — open a case, add,
//! amend, finalize or void a record, read a case file, verify the journal.
//!
//! Every write goes through the ledger's `append`: the operation's checks run inside the write
//! transaction against the current state (the closure's `View`), then the event is sealed,
//! stored and projected, and the call returns only after the commit. A refused operation writes
//! nothing.
//!
//! A workspace lives in a directory (`home`) holding `casetrail.db` and `media/`. Its identity
//! is the device key in the host's `KeyVault`; opening a workspace with a vault that holds a
//! different key is refused, so a journal can never silently change signer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ed25519_dalek::VerifyingKey;
use parking_lot::RwLock;

use crate::error::{Error, Result};
use crate::media::{Fonts, MediaStore};
use crate::model::validate::{LONG_TEXT, free_text};
use crate::model::{
    Case, CaseDraft, CaseId, CaseStatus, DeviceId, Record, RecordBody, RecordId, RecordStatus,
    SlotId, ValidationCode, ValidationError,
};
use crate::protocol::events::v1::{self, Event};
use crate::protocol::journal::{VerifyReport, verify};
use crate::rules;
use crate::store::clock::{Clock, SystemClock};
use crate::store::vault::{self, FileVault, KeyVault};
use crate::store::{CaseSummary, Ledger, RecordVersion, Store, Table};

/// Name of the database file inside a workspace.
pub const DB_FILE: &str = "casetrail.db";
/// Name of the media directory inside a workspace.
pub const MEDIA_DIR: &str = "media";

/// The software named in a new chain's genesis event.
const SOFTWARE: &str = concat!("casetrail-core ", env!("CARGO_PKG_VERSION"));

/// An open workspace.
pub struct Workspace {
    home: PathBuf,
    ledger: Ledger,
    media: MediaStore,
    fonts: RwLock<Fonts>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("home", &self.home)
            .field("device", &self.ledger.device_id())
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
        let ledger = Ledger::open(&home.join(DB_FILE), vault, clock, SOFTWARE)?;
        let name_key =
            vault::load_or_create_secret(ledger.vault().as_ref(), vault::MEDIA_NAME_KEY)?;
        let (media, quarantined) = MediaStore::open_dir(&home.join(MEDIA_DIR), name_key)?;
        if quarantined > 0 {
            tracing::warn!(
                files = quarantined,
                "moved leftover temporary media files to quarantine"
            );
        }
        if media.has_pending()? {
            // A capture died between writing its files and journaling them.
            let referenced = ledger.store().read(|v| {
                Ok::<_, Error>(
                    v.all_evidence()?
                        .iter()
                        .flat_map(|e| {
                            std::iter::once(e.original.sha256)
                                .chain(e.derivative.as_ref().map(|d| d.sha256))
                        })
                        .collect(),
                )
            })?;
            let removed = media.reclaim(&referenced)?;
            tracing::warn!(
                files = removed,
                "reclaimed files of captures that were never journaled"
            );
        }
        Ok(Self {
            home,
            ledger,
            media,
            fonts: RwLock::new(Fonts::default()),
        })
    }

    /// Opens a workspace with a file vault in `home/keys` and the system clock (desktop, CLI).
    pub fn open_default(home: impl AsRef<Path>) -> Result<Self> {
        let home = home.as_ref();
        let vault = Arc::new(FileVault::open(home.join("keys"))?);
        Self::open(home, vault, Arc::new(SystemClock::new()))
    }

    /// The workspace directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// This device's id.
    pub fn device_id(&self) -> DeviceId {
        self.ledger.device_id()
    }

    /// This device's public key.
    pub fn public_key(&self) -> VerifyingKey {
        self.ledger.public_key()
    }

    /// The key this device signs its journal with (tools and tests that speak the protocol
    /// themselves; the apps never need it).
    pub fn signing_key(&self) -> &crate::protocol::DeviceKey {
        self.ledger.key()
    }

    /// The underlying store (for tooling and tests).
    pub fn store(&self) -> &Store {
        self.ledger.store()
    }

    /// The media store.
    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// The host's key vault.
    pub fn vault(&self) -> &Arc<dyn KeyVault> {
        self.ledger.vault()
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        self.ledger.clock()
    }

    // ----------------------------------------------------------------------------- cases

    /// Opens a case or inspection.
    pub fn create_case(&self, draft: CaseDraft) -> Result<Case> {
        draft.validate()?;
        let case_id = CaseId::new();
        self.ledger.append(|v| {
            if v.case_by_no(&draft.case_no)?.is_some() {
                return Err(Error::invalid("case_no", ValidationCode::Duplicate));
            }
            Ok(Event::CaseOpened(v1::CaseOpened {
                case_id,
                case: (&draft).into(),
            }))
        })?;
        self.case(case_id)
    }

    /// Every case, newest first.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        self.store().read(|v| Ok(v.cases()?))
    }

    /// One case.
    pub fn case(&self, id: CaseId) -> Result<Case> {
        self.store().read(|v| Ok(v.case(id)?))
    }

    /// Moves a case to another status, with the reason. An archived case is read-only.
    pub fn change_status(&self, id: CaseId, to: CaseStatus, reason: &str) -> Result<Case> {
        required_reason(reason)?;
        let at = self.ledger.now();
        let now = at.utc;
        self.ledger.append_at(at, |v| {
            let case = v.case(id)?;
            let allowed = match case.status {
                CaseStatus::Archived | CaseStatus::NotInitiated => false,
                CaseStatus::Closed | CaseStatus::InspectionClosed => to == CaseStatus::Archived,
                from => from != to,
            };
            if !allowed {
                return Err(Error::state("status_transition_not_allowed"));
            }
            // A case file cannot be closed or archived while a blocking finding stands.
            if rules_api::closes(to) {
                let blocking = rules_api::blocking_after(&v.case_file(id)?, to, now);
                if !blocking.is_empty() {
                    return Err(Error::Blocked { findings: blocking });
                }
            }
            Ok(Event::CaseStatusChanged(v1::CaseStatusChanged {
                case_id: id,
                from: case.status.as_str().to_owned(),
                to: to.as_str().to_owned(),
                reason: reason.to_owned(),
            }))
        })?;
        self.case(id)
    }

    // ----------------------------------------------------------------------------- records

    /// Every record of a case, oldest first.
    pub fn records(&self, case: CaseId) -> Result<Vec<Record>> {
        self.store().read(|v| Ok(v.records(case)?))
    }

    /// One record (current version).
    pub fn record(&self, id: RecordId) -> Result<Record> {
        self.store().read(|v| Ok(v.record(id)?))
    }

    /// Every version of a record, oldest first.
    pub fn record_versions(&self, id: RecordId) -> Result<Vec<RecordVersion>> {
        self.store().read(|v| Ok(v.record_versions(id)?))
    }

    /// Adds a draft record to a case.
    pub fn add_record(&self, case_id: CaseId, body: RecordBody) -> Result<Record> {
        self.add_record_from(case_id, body, None)
    }

    /// `add_record`, removing the form draft `from` in the same transaction (so a form saved
    /// as a record can never be saved twice).
    fn add_record_from(
        &self,
        case_id: CaseId,
        body: RecordBody,
        from: Option<&str>,
    ) -> Result<Record> {
        body.validate()?;
        let record_id = RecordId::new();
        let content = v1::content(body.to_json()?)?;
        self.ledger.append_with(
            |v| {
                let case = v.case(case_id)?;
                writable(&case)?;
                check_references(&case, &body)?;
                Ok::<_, Error>(Event::RecordAdded(v1::RecordAdded {
                    record_id,
                    case_id,
                    kind: body.kind().as_str().to_owned(),
                    content,
                }))
            },
            |tx, _| from.map_or(Ok(()), |d| tx.remove_form_draft(d)),
        )?;
        self.record(record_id)
    }

    /// Corrects a record: a new version with the reason. The previous version is kept; a
    /// finalized record becomes a draft again and must be finalized (and signed) anew.
    pub fn amend_record(&self, id: RecordId, body: RecordBody, reason: &str) -> Result<Record> {
        self.amend_record_from(id, body, reason, None)
    }

    /// `amend_record`, removing the form draft `from` in the same transaction.
    fn amend_record_from(
        &self,
        id: RecordId,
        body: RecordBody,
        reason: &str,
        from: Option<&str>,
    ) -> Result<Record> {
        body.validate()?;
        required_reason(reason)?;
        let content = v1::content(body.to_json()?)?;
        self.ledger.append_with(
            |v| {
                let record = v.record(id)?;
                let case = v.case(record.case_id)?;
                writable(&case)?;
                self.owned(&record)?;
                if record.status == RecordStatus::Void {
                    return Err(Error::state("record_void"));
                }
                if body.kind() != record.kind {
                    return Err(Error::invalid("kind", ValidationCode::Inconsistent));
                }
                if content.get() == record.content {
                    return Err(Error::state("no_change"));
                }
                check_references(&case, &body)?;
                Ok(Event::RecordAmended(v1::RecordAmended {
                    record_id: id,
                    case_id: record.case_id,
                    version: record.version + 1,
                    amends_version: record.version,
                    amends_hash: record.content_hash,
                    content,
                    reason: reason.to_owned(),
                }))
            },
            |tx, _| from.map_or(Ok(()), |d| tx.remove_form_draft(d)),
        )?;
        self.record(id)
    }

    /// Finalizes the current version: checks the rules for its kind, fixes its content hash
    /// and creates its signature slots.
    pub fn finalize_record(&self, id: RecordId) -> Result<Record> {
        let at = self.ledger.now();
        let now = at.utc;
        self.ledger.append_at(at, |v| {
            let record = v.record(id)?;
            let file = v.case_file(record.case_id)?;
            writable(&file.case)?;
            self.owned(&record)?;
            if record.status != RecordStatus::Draft {
                return Err(Error::state("record_not_draft"));
            }
            rules::check_finalize(&file, Some(id), &record.body, now)?;
            let slots = rules::slots_for(&file.case, &record.body)
                .iter()
                .map(|spec| v1::NewSlot {
                    slot_id: SlotId::new(),
                    spec: spec.into(),
                })
                .collect();
            Ok(Event::RecordFinalized(v1::RecordFinalized {
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
        self.ledger.append(|v| {
            let record = v.record(id)?;
            let case = v.case(record.case_id)?;
            writable(&case)?;
            self.owned(&record)?;
            if record.status == RecordStatus::Void {
                return Err(Error::state("record_void"));
            }
            Ok(Event::RecordVoided(v1::RecordVoided {
                record_id: id,
                case_id: record.case_id,
                reason: reason.to_owned(),
            }))
        })?;
        self.record(id)
    }

    /// Runs `journal`, which writes files (pushed to `written`) and then the event that
    /// references them: on success the files are settled, on failure the ones it wrote are
    /// removed again, so no file outlives a capture that was not journaled.
    fn with_files<T>(
        &self,
        written: &mut Vec<crate::media::StoredBlob>,
        journal: impl FnOnce(&mut Vec<crate::media::StoredBlob>) -> Result<T>,
    ) -> Result<T> {
        let outcome = journal(written);
        let refs: Vec<&crate::media::StoredBlob> = written.iter().collect();
        match &outcome {
            Ok(_) => self.media.settle(&refs),
            Err(_) => self.media.discard(&refs),
        }
        outcome
    }

    /// A record is changed only by the device that made it (`rules::authorize` says so too;
    /// asked here first so the error names the record rather than the event).
    fn owned(&self, record: &Record) -> Result<()> {
        if record.device_id != self.device_id() {
            return Err(Error::state(rules::Denial::RecordOfAnotherDevice.code()));
        }
        Ok(())
    }

    // ----------------------------------------------------------------------------- journal

    /// Verifies the whole journal against the keys this workspace trusts.
    pub fn verify_journal(&self) -> Result<VerifyReport> {
        let (events, keys) = self
            .store()
            .read(|v| Ok::<_, Error>((v.journal()?, v.trusted_keys()?)))?;
        Ok(verify(&events, &keys))
    }

    // ----------------------------------------------------------------------------- ids

    /// Resolves a case id or a unique prefix of one.
    pub fn resolve_case(&self, prefix: &str) -> Result<CaseId> {
        let id = self
            .store()
            .read(|v| Ok::<_, Error>(v.resolve(Table::Cases, prefix)?))?;
        id.parse().map_err(|_| Error::not_found("case", id))
    }

    /// Resolves a record id or a unique prefix of one.
    pub fn resolve_record(&self, prefix: &str) -> Result<RecordId> {
        let id = self
            .store()
            .read(|v| Ok::<_, Error>(v.resolve(Table::Records, prefix)?))?;
        id.parse().map_err(|_| Error::not_found("record", id))
    }
}

/// Whether a case takes new records, evidence and signatures now (the rule of
/// `rules::authorize`, asked early so nothing is stored for a write that would be refused).
pub(crate) fn writable(case: &Case) -> Result<()> {
    rules::open_for(case.status, false).map_err(|d| Error::state(d.code()))
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

mod drafts;
mod evidence;
mod field;
mod rules_api;
#[cfg(test)]
mod rules_tests;
mod sync_api;
#[cfg(test)]
pub(crate) mod tests;

pub use drafts::{DraftTarget, SavedDraft};
pub use evidence::{CaptureRequest, Captured, MAX_PHOTO_BYTES};
pub use field::{RefusalRequest, ServeRequest, SignRequest, WitnessInput};
pub use rules_api::DueItem;
pub use sync_api::SyncIncident;

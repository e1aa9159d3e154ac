//! A ledger: a store together with the key that signs its own chain and the clock that times
//! its events — what both a phone's workspace and the back office are built on.
//!
//! Opening checks identity before anything is written: the key in the host's vault must be the
//! one the store recorded (a journal can never silently change signer), a store that has a key
//! on record but a vault that lost it is refused, and a new store starts its chain with a genesis
//! event announcing the key.

use std::path::Path;
use std::sync::Arc;

use casetrail_protocol::events::v1::Event;
use casetrail_protocol::journal::RecordedAt;
use casetrail_protocol::{DeviceId, DeviceKey};
use ed25519_dalek::VerifyingKey;

use crate::clock::Clock;
use crate::error::Error;
use crate::vault::{self, KeyVault};
use crate::{Appended, Result, Store, View};

/// A store, the key of its own chain and its clock.
pub struct Ledger {
    store: Store,
    key: DeviceKey,
    clock: Arc<dyn Clock>,
    vault: Arc<dyn KeyVault>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("store", &self.store)
            .field("device", &self.key.device_id())
            .finish_non_exhaustive()
    }
}

impl Ledger {
    /// Opens (creating) the database at `db`, with the key from `vault` (generated on first
    /// use). `software` names the writer in the genesis event of a new chain.
    pub fn open(
        db: &Path,
        vault: Arc<dyn KeyVault>,
        clock: Arc<dyn Clock>,
        software: &str,
    ) -> Result<Self> {
        let store = Store::open(db)?;
        let recorded = store.read(|v| v.own_key())?;
        let key = vault::load_or_create_key(vault.as_ref(), recorded.as_ref())?;
        if recorded.is_none() {
            store.write_genesis(&key, clock.now(), software)?;
        }
        Ok(Self {
            store,
            key,
            clock,
            vault,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The key this ledger's chain is signed with (the back office also signs its checkpoints
    /// and media receipts with it, each in its own domain-separated format).
    pub fn key(&self) -> &DeviceKey {
        &self.key
    }

    /// This chain's device id.
    pub fn device_id(&self) -> DeviceId {
        self.key.device_id()
    }

    /// This chain's public key.
    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The host's key vault.
    pub fn vault(&self) -> &Arc<dyn KeyVault> {
        &self.vault
    }

    /// A reading of the clock.
    pub fn now(&self) -> RecordedAt {
        self.clock.now()
    }

    /// Appends one event of this chain, timed now; see `Store::append`.
    pub fn append<E: From<Error>>(
        &self,
        build: impl FnOnce(View<'_>) -> std::result::Result<Event, E>,
    ) -> std::result::Result<Appended, E> {
        self.append_at(self.clock.now(), build)
    }

    /// Appends one event of this chain at a reading taken before.
    pub fn append_at<E: From<Error>>(
        &self,
        at: RecordedAt,
        build: impl FnOnce(View<'_>) -> std::result::Result<Event, E>,
    ) -> std::result::Result<Appended, E> {
        self.store.append(&self.key, at, build)
    }

    /// Appends one event with `after` run in the same transaction; see `Store::append_all_with`.
    pub fn append_with<E: From<Error>>(
        &self,
        build: impl FnOnce(View<'_>) -> std::result::Result<Event, E>,
        mut after: impl FnMut(&crate::ExtensionTx<'_>, &Appended) -> Result<()>,
    ) -> std::result::Result<Appended, E> {
        let mut out = self.store.append_all_with(
            &self.key,
            self.clock.now(),
            |v| build(v).map(|e| vec![e]),
            |tx, a| after(tx, a),
        )?;
        out.pop()
            .ok_or_else(|| Error::Journal("event not written".into()).into())
    }

    /// Appends several events of this chain in one transaction; see `Store::append_all`.
    pub fn append_all<E: From<Error>>(
        &self,
        build: impl FnOnce(View<'_>) -> std::result::Result<Vec<Event>, E>,
    ) -> std::result::Result<Vec<Appended>, E> {
        self.store.append_all(&self.key, self.clock.now(), build)
    }
}

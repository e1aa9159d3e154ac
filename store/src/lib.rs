//! casetrail-store: one SQLite database holding a journal and the projections the screens and
//! the rules read, kept consistent by writing both in one transaction — and the only crate that
//! speaks SQL to them.
//!
//! Durability: WAL with `synchronous=FULL`, so an event acknowledged to the caller survives
//! kill -9 and power loss (given storage that honours fsync). Every connection is opened by
//! `open_connection`, the one place that sets the pragmas — and the one place that will apply
//! the SQLCipher key when encryption at rest lands. Defensive mode and `trusted_schema=OFF` are
//! on. The pragmas are re-read after setting them and a mismatch is an error, because a
//! `synchronous=NORMAL` left in by mistake passes every crash test and loses data only on a
//! real power cut.
//!
//! Concurrency: one writer connection and one reader connection, each behind a mutex. Writes
//! are `BEGIN IMMEDIATE` transactions that read the chain head, seal the event, insert it and
//! apply it to the projections, then commit; nothing is acknowledged before the commit.
//!
//! Callers never see SQL: they read through `View` (typed queries, also offered inside a write
//! so checks see the state they write on), append events, import another chain's events, and
//! keep sync books through typed methods. An extension that keeps tables of its own in the same
//! database (the back office's `srv_` tables) gets its own numbered migrations and an
//! `ExtensionTx` for them.
//!
//! Nothing here deletes or edits evidence: triggers refuse `UPDATE`/`DELETE` on the journal and
//! on record versions, and no API issues them. A database that will not open is never deleted.

pub mod clock;
mod error;
mod form_drafts;
mod import;
mod ledger;
mod projection;
mod schema;
mod sync_state;
pub mod vault;
mod view;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use casetrail_protocol::events::v1::{self, Event};
use casetrail_protocol::journal::{self, ChainHead, EventHeader, RecordedAt, StoredEvent};
use casetrail_protocol::{DeviceId, DeviceKey, Hash};
use parking_lot::Mutex;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior, params};

pub use error::{Error, ImportRefusal, Result};
pub use form_drafts::FormDraft;
pub use import::Imported;
pub use ledger::Ledger;
pub use schema::{CORE as CORE_MIGRATIONS, MigrationSet, SCHEMA_VERSION};
pub use sync_state::{Enrolment, JournalSync, MediaSync, StoredIncident};
pub use view::{CaseSummary, EvidenceRow, RecordVersion, Table, View};

/// The SQLite store of one workspace.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Writer>,
    reader: Mutex<Connection>,
}

/// The writer connection and the chain heads it has committed (a cache of the last row of each
/// chain, updated only after a commit, so it can never run ahead of the database).
struct Writer {
    conn: Connection,
    heads: HashMap<DeviceId, ChainHead>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The pragmas every connection must run with; `verify_pragmas` checks them.
pub const REQUIRED_PRAGMAS: &[(&str, &str)] = &[
    ("journal_mode", "wal"),
    ("synchronous", "2"),
    ("foreign_keys", "1"),
    ("trusted_schema", "0"),
    ("temp_store", "2"),
];

/// Opens a connection with the workspace's pragmas, and checks they took.
fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    verify_pragmas(&conn)?;
    Ok(conn)
}

/// Reads back the pragmas and refuses a connection that does not have them.
fn verify_pragmas(conn: &Connection) -> Result<()> {
    for (name, want) in REQUIRED_PRAGMAS {
        let got: String = conn.pragma_query_value(None, name, |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).to_lowercase(),
                _ => String::new(),
            })
        })?;
        if got != *want {
            return Err(Error::Journal(format!(
                "pragma {name} is {got}, must be {want}"
            )));
        }
    }
    if !conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)? {
        return Err(Error::Journal("defensive mode is off".into()));
    }
    Ok(())
}

/// Whose chain a store trusts besides its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainRole {
    /// A phone's (enrolled with this back office, or read from an archive).
    Peer,
    /// The back office's: its decisions, assignments and revocations count.
    Backoffice,
}

/// What `Store::append` wrote.
#[derive(Debug, Clone)]
pub struct Appended {
    /// The stored event.
    pub stored: StoredEvent,
    /// Its parsed header.
    pub header: EventHeader,
}

/// A read handed to an extension: its own tables through `sql()`, the core's only through
/// `view()`.
pub struct ExtensionView<'a> {
    conn: &'a Connection,
}

impl<'a> ExtensionView<'a> {
    /// The connection, for the extension's own tables only.
    pub fn sql(&self) -> &'a Connection {
        self.conn
    }

    /// Typed reads of the core's tables.
    pub fn view(&self) -> View<'a> {
        View::new(self.conn)
    }
}

/// A write transaction handed to an extension: its own tables through `sql()`, the core's only
/// through typed methods.
pub struct ExtensionTx<'a> {
    tx: &'a Transaction<'a>,
}

impl<'a> ExtensionTx<'a> {
    /// The transaction, for the extension's own tables. The core's tables are off limits here:
    /// read them through `view()` and change them through the typed methods.
    pub fn sql(&self) -> &Transaction<'a> {
        self.tx
    }

    /// Typed reads of the core's tables, in this transaction.
    pub fn view(&self) -> View<'_> {
        View::new(self.tx)
    }

    /// Trusts `key` for `device`'s chain as a peer: a phone enrolled with the back office for
    /// `officer` (certificate number), who it writes as.
    pub fn trust_peer(
        &self,
        device: DeviceId,
        key: &ed25519_dalek::VerifyingKey,
        officer: &str,
    ) -> Result<()> {
        insert_device(self.tx, device, key, "peer", officer, Some(officer))
    }

    /// Removes a form draft, in the transaction that saves it as a record.
    pub fn remove_form_draft(&self, id: &str) -> Result<()> {
        form_drafts::remove(self.tx, id).map(|_| ())
    }

    /// Keeps a media receipt the back office issued, so the rules see when each file arrived.
    pub fn keep_media_receipt(
        &self,
        receipt: &casetrail_protocol::wire::MediaReceipt,
    ) -> Result<()> {
        sync_state::keep_receipt(self.tx, receipt)
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings the core schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut writer = open_connection(path, flags).map_err(Error::normalise)?;
        schema::migrate(&mut writer, &schema::CORE)?;
        let reader = open_connection(path, flags)?;
        Ok(Self {
            path: path.to_owned(),
            writer: Mutex::new(Writer {
                conn: writer,
                heads: HashMap::new(),
            }),
            reader: Mutex::new(reader),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks that both connections still run with the required pragmas.
    pub fn check_pragmas(&self) -> Result<()> {
        verify_pragmas(&self.reader.lock())?;
        verify_pragmas(&self.writer.lock().conn)
    }

    /// Runs `f` with a view of the committed state.
    pub fn read<T, E: From<Error>>(
        &self,
        f: impl FnOnce(View<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.reader.lock();
        f(View::new(&conn))
    }

    /// Runs `f` with read access for an extension (its own tables and a view of the core's).
    pub fn read_extension<T, E: From<Error>>(
        &self,
        f: impl FnOnce(ExtensionView<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.reader.lock();
        f(ExtensionView { conn: &conn })
    }

    /// Applies an extension's migrations (its own tables beside the core's).
    pub fn migrate_extension(&self, set: &MigrationSet) -> Result<()> {
        let mut writer = self.writer.lock();
        schema::migrate(&mut writer.conn, set)
    }

    /// Runs `f` in an immediate write transaction on an extension's own tables; commits if `f`
    /// succeeds, rolls back (nothing kept) if it fails.
    pub fn write_extension<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&ExtensionTx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.write(|tx| f(&ExtensionTx { tx }))
    }

    /// An immediate write transaction that appends no event (bookkeeping tables only).
    fn write<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut writer = self.writer.lock();
        let tx = writer
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| Error::from(e).normalise())?;
        Ok(out)
    }

    /// Trusts `key` for `device`'s chain, in `role`, so its events can be imported (a reader of
    /// archived chains; enrolment trusts its back office through `save_enrolment`).
    pub fn trust_chain(
        &self,
        device: DeviceId,
        key: &ed25519_dalek::VerifyingKey,
        role: ChainRole,
    ) -> Result<()> {
        if casetrail_protocol::device_id_of(key) != device || key.is_weak() {
            return Err(Error::Crypto(
                "the key does not belong to that chain".into(),
            ));
        }
        let (role, label) = match role {
            ChainRole::Peer => ("peer", "peer"),
            ChainRole::Backoffice => ("server", "back office"),
        };
        self.write(|tx| insert_device(tx, device, key, role, label, None))
    }

    /// Starts `key`'s chain: trusts the key as this store's own and appends its genesis event,
    /// in one transaction.
    pub fn write_genesis(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        software: &str,
    ) -> Result<Appended> {
        let public = key.verifying_key();
        let mut out = self.append_all(key, at, |v| {
            insert_device(
                v.conn,
                key.device_id(),
                &public,
                "self",
                "this device",
                None,
            )?;
            Ok::<_, Error>(vec![Event::DeviceGenesis(v1::DeviceGenesis {
                public_key: hex::encode(public.as_bytes()),
                alg: journal::ALG_ED25519.to_owned(),
                software: software.to_owned(),
            })])
        })?;
        out.pop()
            .ok_or_else(|| Error::Journal("genesis not written".into()))
    }

    /// Appends one event of `key`'s chain. `build` runs inside the write transaction: it reads
    /// the current state through its view, validates, and returns the event (or an error, and
    /// nothing is written). The event is sealed, inserted and projected, and the transaction
    /// committed, before this returns.
    pub fn append<E: From<Error>>(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        build: impl FnOnce(View<'_>) -> std::result::Result<Event, E>,
    ) -> std::result::Result<Appended, E> {
        let mut out = self.append_all(key, at, |v| build(v).map(|e| vec![e]))?;
        out.pop()
            .ok_or_else(|| Error::Journal("event not written".into()).into())
    }

    /// Appends several events of `key`'s chain in one transaction: all are committed, or none.
    /// `build` returns them in order; each is sealed and projected before the next is built on.
    pub fn append_all<E: From<Error>>(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        build: impl FnOnce(View<'_>) -> std::result::Result<Vec<Event>, E>,
    ) -> std::result::Result<Vec<Appended>, E> {
        self.append_all_with(key, at, build, |_, _| Ok(()))
    }

    /// `append_all`, with `after_each` run in the same transaction for every event appended, so
    /// an extension can keep its own books (the back office logs its own events there).
    pub fn append_all_with<E: From<Error>>(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        build: impl FnOnce(View<'_>) -> std::result::Result<Vec<Event>, E>,
        after_each: impl FnMut(&ExtensionTx<'_>, &Appended) -> Result<()>,
    ) -> std::result::Result<Vec<Appended>, E> {
        let mut writer = self.writer.lock();
        let result = append_all_locked(&mut writer, key, at, build, after_each);
        if result.is_err() {
            // Another process may have extended this chain (a back-office tool): re-read it.
            writer.heads.remove(&key.device_id());
        }
        result
    }

    /// Every projection table, sorted, one line per row: what a replay of the journal must
    /// reproduce.
    pub fn dump_projections(&self) -> Result<ProjectionDump> {
        view::dump_projections(&self.reader.lock())
    }

    /// Rebuilds every projection from this store's journal into a fresh database at `into` and
    /// dumps both, table by table, so a caller can compare them.
    pub fn rebuild_and_compare(&self, into: &Path) -> Result<(ProjectionDump, ProjectionDump)> {
        let events = self.read(|v| v.journal())?;
        let mut fresh = open_connection(into, OpenFlags::default())?;
        schema::migrate(&mut fresh, &schema::CORE)?;
        let tx = fresh.transaction()?;
        copy_trusted_devices(&self.reader.lock(), &tx)?;
        for e in &events {
            let header = e
                .parsed_header()
                .map_err(|err| Error::Journal(format!("event {}: {err}", e.seq)))?;
            insert_event(&tx, e, &header, Some(e.pos))?;
            if e.is_stub() {
                continue;
            }
            if let Some(event) = Event::parse(&header.kind, &e.body)? {
                projection::apply(&tx, e.pos, &header, &event)?;
            }
        }
        tx.commit()?;
        let live = view::dump_projections(&self.reader.lock())?;
        let rebuilt = view::dump_projections(&fresh)?;
        Ok((live, rebuilt))
    }

    /// Runs `f` with the raw reader connection: tests and tools that inspect the database. Code
    /// that reads for a purpose uses `read`.
    #[doc(hidden)]
    pub fn inspect<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        Ok(f(&self.reader.lock())?)
    }

    /// Runs `f` with the raw writer connection: tests that tamper with the database on purpose.
    #[doc(hidden)]
    pub fn with_raw_connection<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<T> {
        let mut writer = self.writer.lock();
        // Whatever the caller does, re-read the heads afterwards.
        writer.heads.clear();
        f(&mut writer.conn)
    }
}

/// Every projection table, sorted, one string per row.
pub type ProjectionDump = Vec<(String, Vec<String>)>;

fn append_all_locked<E: From<Error>>(
    writer: &mut Writer,
    key: &DeviceKey,
    at: RecordedAt,
    build: impl FnOnce(View<'_>) -> std::result::Result<Vec<Event>, E>,
    mut after_each: impl FnMut(&ExtensionTx<'_>, &Appended) -> Result<()>,
) -> std::result::Result<Vec<Appended>, E> {
    let Writer { conn, heads } = writer;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::from)?;
    let events = build(View::new(&tx))?;
    let device = key.device_id();
    let mut head = match heads.get(&device) {
        Some(head) => *head,
        None => chain_head(&tx, device)?,
    };
    let actor = View::new(&tx).actor_of(device)?;
    let mut out = Vec::with_capacity(events.len());
    for event in &events {
        // The rule the back office will apply: an honest phone never signs what it would refuse.
        casetrail_rules::authorize(&actor, Some(event), &View::new(&tx))
            .map_err(|d| Error::state(d.code()))?;
        let body = event.to_bytes().map_err(Error::from)?;
        let (stored, header) =
            journal::seal_with_header(key, head, at.clone(), event.kind(), event.case_id(), body);
        let pos = insert_event(&tx, &stored, &header, None)?;
        projection::apply(&tx, pos, &header, event)?;
        head = ChainHead {
            next_seq: stored.seq + 1,
            prev: stored.event_hash,
        };
        let appended = Appended {
            stored: StoredEvent { pos, ..stored },
            header,
        };
        after_each(&ExtensionTx { tx: &tx }, &appended)?;
        out.push(appended);
    }
    tx.commit().map_err(|e| Error::from(e).normalise())?;
    heads.insert(device, head);
    Ok(out)
}

/// The head of `device`'s chain as stored.
fn chain_head(conn: &Connection, device: DeviceId) -> Result<ChainHead> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, event_hash FROM journal WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
    )?;
    let mut rows = stmt.query(params![device.to_string()])?;
    match rows.next()? {
        None => Ok(ChainHead::GENESIS),
        Some(row) => {
            let seq: i64 = row.get(0)?;
            let hash: Vec<u8> = row.get(1)?;
            let prev =
                Hash::from_slice(&hash).ok_or_else(|| Error::Journal("bad stored hash".into()))?;
            Ok(ChainHead {
                next_seq: seq as u64 + 1,
                prev,
            })
        }
    }
}

/// Inserts an event row (at `pos` when rebuilding, else at the next position).
fn insert_event(
    tx: &Transaction<'_>,
    e: &StoredEvent,
    h: &EventHeader,
    pos: Option<i64>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO journal (pos, device_id, seq, kind, case_id, header, body, sig_alg, signature, event_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        pos,
        h.device.to_string(),
        h.seq as i64,
        h.kind,
        h.case.map(|c| c.to_string()),
        e.header,
        e.body,
        e.sig_alg,
        e.signature,
        e.event_hash.as_bytes().as_slice(),
    ])?;
    Ok(tx.last_insert_rowid())
}

fn insert_device(
    conn: &Connection,
    device: DeviceId,
    key: &ed25519_dalek::VerifyingKey,
    role: &str,
    label: &str,
    officer: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO devices (device_id, public_key, role, label, officer) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device.to_string(), key.as_bytes().as_slice(), role, label, officer],
    )?;
    Ok(())
}

fn copy_trusted_devices(from: &Connection, to: &Transaction<'_>) -> Result<()> {
    let mut stmt =
        from.prepare("SELECT device_id, public_key, role, label, officer FROM devices")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, key, role, label, officer) = row?;
        to.execute(
            "INSERT INTO devices (device_id, public_key, role, label, officer) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, key, role, label, officer],
        )?;
    }
    let mut stmt = from.prepare("SELECT key, value FROM meta")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        to.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> RecordedAt {
        RecordedAt {
            utc: chrono::DateTime::from_timestamp(1_790_000_000 + i64::from(minute) * 60, 0)
                .unwrap_or_default(),
            offset_s: 28_800,
            mono_ns: u64::from(minute),
            boot: "b".into(),
        }
    }

    /// An event whose header names another case than its body is refused, and nothing of the
    /// batch is kept: a case's journal is gathered by the header's case.
    #[test]
    fn an_event_whose_header_and_body_name_different_cases_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let peer = DeviceKey::from_seed([4; 32]);
        store
            .trust_chain(peer.device_id(), &peer.verifying_key(), ChainRole::Peer)
            .unwrap();
        let genesis = Event::DeviceGenesis(v1::DeviceGenesis {
            public_key: hex::encode(peer.verifying_key().as_bytes()),
            alg: "ed25519".into(),
            software: "test".into(),
        });
        let g = journal::seal(
            &peer,
            ChainHead::GENESIS,
            at(0),
            genesis.kind(),
            None,
            genesis.to_bytes().unwrap(),
        );
        let opened = Event::CaseOpened(v1::CaseOpened {
            case_id: casetrail_protocol::CaseId(uuid_of(2)),
            case: (&casetrail_model::CaseDraft::default()).into(),
        });
        let wrong = journal::seal(
            &peer,
            ChainHead {
                next_seq: 2,
                prev: g.event_hash,
            },
            at(1),
            opened.kind(),
            Some(casetrail_protocol::CaseId(uuid_of(3))),
            opened.to_bytes().unwrap(),
        );
        let err = store.import(&[g, wrong], |_, _, _, _| Ok(())).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Refused(ImportRefusal::NotApplicable { seq: 2, .. })
            ),
            "{err:?}"
        );
        assert_eq!(store.read(|v| v.journal_len()).unwrap(), 0);
    }

    fn uuid_of(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    #[test]
    fn every_connection_runs_with_the_durability_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap();
        store.check_pragmas().unwrap();
        for _ in 0..3 {
            let conn = open_connection(&path, OpenFlags::default()).unwrap();
            verify_pragmas(&conn).unwrap();
        }
        // A connection opened without them is refused by the check.
        let plain = Connection::open(&path).unwrap();
        plain.pragma_update(None, "synchronous", "NORMAL").unwrap();
        assert!(verify_pragmas(&plain).is_err());
    }
}

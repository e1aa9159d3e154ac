//! The device store: one SQLite database holding the journal and the projections the screens
//! query, kept consistent by writing both in one transaction.
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
//! Nothing here deletes or edits evidence: triggers refuse `UPDATE`/`DELETE` on the journal and
//! on record versions, and no API issues them. A database that will not open is never deleted.

mod import;
mod projection;
mod queries;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use parking_lot::Mutex;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior, params};

pub use import::{ImportRefusal, Imported};
pub(crate) use projection::ts as projection_ts;
pub use queries::{CaseSummary, EvidenceRow, RecordVersion};
pub use schema::{MIGRATIONS, SCHEMA_VERSION};

use crate::error::{Error, Result};
use crate::events::Event;
use crate::identity::DeviceKey;
use crate::journal::{self, ChainHead, EventHeader, Hash, RecordedAt, StoredEvent};
use crate::model::DeviceId;

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
pub fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection> {
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
pub fn verify_pragmas(conn: &Connection) -> Result<()> {
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

/// What `Store::append` wrote.
#[derive(Debug, Clone)]
pub struct Appended {
    /// The stored event.
    pub stored: StoredEvent,
    /// Its parsed header.
    pub header: EventHeader,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut writer = open_connection(path, flags).map_err(Error::normalise)?;
        schema::migrate(&mut writer)?;
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

    /// Runs `f` on the reader connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.reader.lock();
        f(&conn)
    }

    /// Runs `f` in an immediate write transaction that does not append an event (bookkeeping
    /// tables only: the device registry, sync state). Commits if `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut writer = self.writer.lock();
        let tx = writer
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| Error::from(e).normalise())?;
        Ok(out)
    }

    /// Appends one event of `key`'s chain. `build` runs inside the write transaction: it reads
    /// the current state, validates, and returns the event (or an error, and nothing is
    /// written). The event is sealed, inserted and projected, and the transaction committed,
    /// before this returns.
    pub fn append(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        build: impl FnOnce(&Transaction<'_>) -> Result<Event>,
    ) -> Result<Appended> {
        let mut writer = self.writer.lock();
        let result = append_locked(&mut writer, key, at, build);
        if result.is_err() {
            // Another process may have extended this chain (a back-office tool): re-read it.
            writer.heads.remove(&key.device_id());
        }
        result
    }

    /// Appends several events of `key`'s chain in one transaction: all are committed, or none.
    /// `build` returns them in order; each is sealed and projected before the next is built on.
    pub fn append_all(
        &self,
        key: &DeviceKey,
        at: RecordedAt,
        build: impl FnOnce(&Transaction<'_>) -> Result<Vec<Event>>,
    ) -> Result<Vec<Appended>> {
        let mut writer = self.writer.lock();
        let result = append_all_locked(&mut writer, key, at, build);
        if result.is_err() {
            writer.heads.remove(&key.device_id());
        }
        result
    }

    /// Every stored event in storage order.
    pub fn journal(&self) -> Result<Vec<StoredEvent>> {
        self.read(|c| queries::journal_rows(c, None))
    }

    /// The events that name `case` (and the genesis events), in storage order.
    pub fn journal_for_case(&self, case: crate::model::CaseId) -> Result<Vec<StoredEvent>> {
        self.read(|c| queries::journal_rows(c, Some(case)))
    }

    /// Rebuilds every projection from this store's journal into a fresh database at `into`
    /// and returns it, so a caller can compare it with the live projections.
    pub fn rebuild_into(&self, into: &Path) -> Result<Connection> {
        let events = self.journal()?;
        let mut fresh = open_connection(into, OpenFlags::default())?;
        schema::migrate(&mut fresh)?;
        let tx = fresh.transaction()?;
        copy_trusted_devices(&self.reader.lock(), &tx)?;
        for e in &events {
            let header = e.parsed_header()?;
            insert_event_at(&tx, e, &header, e.pos)?;
            if let Some(event) = Event::parse(&header.kind, &e.body)? {
                projection::apply(&tx, e.pos, &header, &event)?;
            }
        }
        tx.commit()?;
        Ok(fresh)
    }

    /// Dumps the projection tables (sorted), for comparisons.
    pub fn dump_projections(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
        queries::dump_projections(conn)
    }

    /// Runs `f` with the writer connection (tests and tooling only).
    #[doc(hidden)]
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut writer = self.writer.lock();
        // Whatever the caller does, re-read the heads afterwards.
        writer.heads.clear();
        f(&mut writer.conn)
    }
}

fn append_locked(
    writer: &mut Writer,
    key: &DeviceKey,
    at: RecordedAt,
    build: impl FnOnce(&Transaction<'_>) -> Result<Event>,
) -> Result<Appended> {
    let Writer { conn, heads } = writer;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let event = build(&tx)?;
    let device = key.device_id();
    let head = match heads.get(&device) {
        Some(head) => *head,
        None => chain_head(&tx, device)?,
    };
    let (stored, header) = journal::seal_with_header(
        key,
        head,
        at,
        event.kind(),
        event.case_id(),
        event.to_bytes()?,
    )?;
    let pos = insert_event(&tx, &stored, &header)?;
    projection::apply(&tx, pos, &header, &event)?;
    tx.commit().map_err(|e| Error::from(e).normalise())?;
    heads.insert(
        device,
        ChainHead {
            next_seq: stored.seq + 1,
            prev: stored.event_hash,
        },
    );
    Ok(Appended {
        stored: StoredEvent { pos, ..stored },
        header,
    })
}

fn append_all_locked(
    writer: &mut Writer,
    key: &DeviceKey,
    at: RecordedAt,
    build: impl FnOnce(&Transaction<'_>) -> Result<Vec<Event>>,
) -> Result<Vec<Appended>> {
    let Writer { conn, heads } = writer;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let events = build(&tx)?;
    let device = key.device_id();
    let mut head = match heads.get(&device) {
        Some(head) => *head,
        None => chain_head(&tx, device)?,
    };
    let mut out = Vec::with_capacity(events.len());
    for event in &events {
        let (stored, header) = journal::seal_with_header(
            key,
            head,
            at.clone(),
            event.kind(),
            event.case_id(),
            event.to_bytes()?,
        )?;
        let pos = insert_event(&tx, &stored, &header)?;
        projection::apply(&tx, pos, &header, event)?;
        head = ChainHead {
            next_seq: stored.seq + 1,
            prev: stored.event_hash,
        };
        out.push(Appended {
            stored: StoredEvent { pos, ..stored },
            header,
        });
    }
    tx.commit().map_err(|e| Error::from(e).normalise())?;
    heads.insert(device, head);
    Ok(out)
}

/// The head of `device`'s chain as stored.
pub(crate) fn chain_head(conn: &Connection, device: DeviceId) -> Result<ChainHead> {
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

fn insert_event(tx: &Transaction<'_>, e: &StoredEvent, h: &EventHeader) -> Result<i64> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO journal (device_id, seq, kind, case_id, header, body, sig_alg, signature, event_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    stmt.execute(params![
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

fn insert_event_at(tx: &Transaction<'_>, e: &StoredEvent, h: &EventHeader, pos: i64) -> Result<()> {
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
    Ok(())
}

fn copy_trusted_devices(from: &Connection, to: &Transaction<'_>) -> Result<()> {
    let mut stmt = from.prepare("SELECT device_id, public_key, role, label FROM devices")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (id, key, role, label) = row?;
        to.execute(
            "INSERT INTO devices (device_id, public_key, role, label) VALUES (?1, ?2, ?3, ?4)",
            params![id, key, role, label],
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

pub(crate) use queries::{
    case_evidence, case_file, cases as queries_cases, evidence, journal_rows, load_case,
    load_record, load_records, record_versions, resolve_prefix, trusted_keys,
};

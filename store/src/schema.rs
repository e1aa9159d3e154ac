//! Schema migrations: numbered SQL files applied in order, each in its own transaction together
//! with its version bump.
//!
//! Why not `rusqlite_migration`: its current release (2.6) links rusqlite 0.40, and two rusqlite
//! versions cannot be linked into one binary (`links = "sqlite3"`); the project is on rusqlite
//! 0.43. This runner keeps the same habits: append-only numbered files, and a database newer
//! than the code is refused untouched rather than "repaired".
//!
//! Two kinds of set share a database: the core's (journal and projections), tracked in
//! `PRAGMA user_version`, and an extension's (the back office's `srv_` tables), tracked in the
//! `meta` table under `schema:<name>`. Each set is applied by whoever owns those tables, never
//! re-run on every open.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};

/// A numbered, append-only list of migrations.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet {
    /// The set's name: `core`, or the extension's (`server`).
    pub name: &'static str,
    /// The migrations, in order: (name, SQL). Never edit a shipped one; add a new one.
    pub steps: &'static [(&'static str, &'static str)],
}

impl MigrationSet {
    /// The schema version this code writes.
    pub fn version(&self) -> i64 {
        self.steps.len() as i64
    }
}

/// The core's migrations.
pub const CORE: MigrationSet = MigrationSet {
    name: "core",
    steps: &[
        ("001_init", include_str!("../migrations/001_init.sql")),
        (
            "002_overrides",
            include_str!("../migrations/002_overrides.sql"),
        ),
        (
            "003_evidence",
            include_str!("../migrations/003_evidence.sql"),
        ),
        ("004_sync", include_str!("../migrations/004_sync.sql")),
        (
            "005_officers",
            include_str!("../migrations/005_officers.sql"),
        ),
        (
            "006_evidence_files",
            include_str!("../migrations/006_evidence_files.sql"),
        ),
        (
            "007_form_drafts",
            include_str!("../migrations/007_form_drafts.sql"),
        ),
        (
            "008_case_list",
            include_str!("../migrations/008_case_list.sql"),
        ),
    ],
};

/// The core schema version this code writes.
pub const SCHEMA_VERSION: i64 = CORE.steps.len() as i64;

fn current(conn: &Connection, set: &MigrationSet) -> Result<i64> {
    if set.name == CORE.name {
        return Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?);
    }
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            params![format!("schema:{}", set.name)],
            |r| r.get(0),
        )
        .optional()?;
    match stored {
        None => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|_| Error::Journal(format!("schema version of {} unreadable", set.name))),
    }
}

/// Brings `conn` up to the latest version of `set`.
pub fn migrate(conn: &mut Connection, set: &MigrationSet) -> Result<()> {
    let current = current(conn, set)?;
    if current > set.version() {
        return Err(Error::Journal(format!(
            "{} schema {current} is newer than this app ({}); update the app",
            set.name,
            set.version()
        )));
    }
    for (i, (name, sql)) in set.steps.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| Error::Journal(format!("migration {}/{name} failed: {e}", set.name)))?;
        let version = (i + 1) as i64;
        if set.name == CORE.name {
            tx.pragma_update(None, "user_version", version)?;
        } else {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![format!("schema:{}", set.name), version.to_string()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXTRA: MigrationSet = MigrationSet {
        name: "extra",
        steps: &[(
            "001_x",
            "CREATE TABLE x_things (id INTEGER PRIMARY KEY) STRICT;",
        )],
    };

    #[test]
    fn migrations_apply_from_scratch_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &CORE).unwrap();
        migrate(&mut conn, &CORE).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'journal'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        // An extension's set is tracked apart and applied once.
        migrate(&mut conn, &EXTRA).unwrap();
        migrate(&mut conn, &EXTRA).unwrap();
        let v: String = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema:extra'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(v, "1");
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        assert!(migrate(&mut conn, &CORE).is_err());
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}

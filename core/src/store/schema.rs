//! Schema migrations: numbered SQL files applied in order, tracked in `PRAGMA user_version`.
//!
//! Why not `rusqlite_migration`: its current release (2.6) links rusqlite 0.40, and two rusqlite
//! versions cannot be linked into one binary (`links = "sqlite3"`); the project is on rusqlite
//! 0.43. This runner keeps the same habits: append-only numbered files, each applied in its own
//! transaction together with the version bump, and a database newer than the code is refused
//! untouched rather than "repaired".

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The migrations, in order. Never edit a shipped one; add a new file.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("001_init", include_str!("../../migrations/001_init.sql")),
    (
        "002_overrides",
        include_str!("../../migrations/002_overrides.sql"),
    ),
    (
        "003_evidence",
        include_str!("../../migrations/003_evidence.sql"),
    ),
    ("004_sync", include_str!("../../migrations/004_sync.sql")),
];

/// The schema version this code writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn` up to `SCHEMA_VERSION`.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::Journal(format!(
            "database schema {current} is newer than this app ({SCHEMA_VERSION}); update the app"
        )));
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| Error::Journal(format!("migration {name} failed: {e}")))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_from_scratch_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
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
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        assert!(migrate(&mut conn).is_err());
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}

-- The back office's own bookkeeping, beside the core schema (journal, projections) in the same
-- database. Migration 1 of the `server` set; IF NOT EXISTS because back-office folders made
-- before migrations existed already hold these tables. Append-only where it is evidence.

CREATE TABLE IF NOT EXISTS srv_devices (
    device_id     TEXT PRIMARY KEY,
    public_key    TEXT NOT NULL,          -- hex
    officer       TEXT NOT NULL,          -- certificate number the device is bound to
    enrolled_at   TEXT NOT NULL,
    revoked_at    TEXT,                   -- from when its signatures are not trusted
    revoke_reason TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS srv_enrol_codes (
    code_hash  BLOB PRIMARY KEY,          -- SHA-256 of the normalised code; the code is never stored
    officer    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    TEXT                       -- the device that used it
) STRICT;

CREATE TABLE IF NOT EXISTS srv_nonces (
    nonce      TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE IF NOT EXISTS srv_tokens (
    token_hash BLOB PRIMARY KEY,          -- SHA-256 of the bearer token
    device_id  TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS srv_log (
    -- The Merkle log: one leaf per journal event held, in the order they were logged.
    leaf_index INTEGER PRIMARY KEY,
    pos        INTEGER NOT NULL UNIQUE,   -- journal position
    event_hash BLOB NOT NULL UNIQUE,
    logged_at  TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS srv_checkpoints (
    size      INTEGER PRIMARY KEY,
    root      BLOB NOT NULL,
    note      TEXT NOT NULL,
    issued_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS srv_uploads (
    sha256       BLOB PRIMARY KEY,
    size         INTEGER NOT NULL,
    offset       INTEGER NOT NULL,        -- bytes made durable (fsync) before this was written
    device_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    completed_at TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS srv_incidents (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    device_id TEXT,
    kind      TEXT NOT NULL,              -- conflict, refused_events, …
    detail    TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS srv_flags (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    flag      TEXT NOT NULL,              -- signed_after_revocation
    at        TEXT NOT NULL,
    PRIMARY KEY (device_id, seq, flag)
) STRICT;

CREATE TRIGGER IF NOT EXISTS srv_log_no_change BEFORE UPDATE ON srv_log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS srv_log_no_delete BEFORE DELETE ON srv_log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS srv_checkpoints_no_change BEFORE UPDATE ON srv_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as issued'); END;
CREATE TRIGGER IF NOT EXISTS srv_incidents_no_delete BEFORE DELETE ON srv_incidents
BEGIN SELECT RAISE(ABORT, 'incidents are kept'); END;

-- Sync state on the device. Not projections: bookkeeping of what the back office acknowledged.
-- Receipts and checkpoints are append-only evidence; attempt counters change.

CREATE TABLE sync_server (
    -- The back office this device is enrolled with (one row).
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    url               TEXT NOT NULL,
    officer           TEXT NOT NULL,
    server_device_id  TEXT NOT NULL,
    server_public_key TEXT NOT NULL,  -- hex
    server_key_name   TEXT NOT NULL,
    log_origin        TEXT NOT NULL,
    ca_pem            TEXT,           -- the CA pinned for this back office (TLS), if any
    enrolled_at       TEXT NOT NULL
) STRICT;

CREATE TABLE sync_checkpoints (
    -- Every signed checkpoint accepted, oldest first; the last is the one held.
    size        INTEGER PRIMARY KEY,
    root        BLOB NOT NULL,
    note        TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;

CREATE TABLE sync_receipts (
    -- The server's receipt for each journal event: where it is in the log, and the proof.
    device_id       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    event_hash      BLOB NOT NULL,
    leaf_index      INTEGER NOT NULL,
    checkpoint_size INTEGER NOT NULL,
    inclusion       TEXT NOT NULL,   -- base64 hashes, JSON array
    PRIMARY KEY (device_id, seq)
) STRICT;

CREATE TABLE sync_media (
    -- Upload state of each stored file (original or derivative), by content hash.
    sha256          BLOB PRIMARY KEY,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    wedged_reason   TEXT,
    receipt         TEXT            -- MediaReceipt JSON once the server holds the file whole
) STRICT;

CREATE TABLE sync_journal (
    -- Push state of this device's journal (one row).
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    wedged_reason   TEXT
) STRICT;

CREATE TABLE sync_incidents (
    -- What the device refused from a server, kept as evidence (forged receipts, rollbacks…).
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;

CREATE TRIGGER sync_checkpoints_no_change BEFORE UPDATE ON sync_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as received'); END;
CREATE TRIGGER sync_checkpoints_no_delete BEFORE DELETE ON sync_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as received'); END;
CREATE TRIGGER sync_receipts_no_delete BEFORE DELETE ON sync_receipts
BEGIN SELECT RAISE(ABORT, 'receipts are kept'); END;

-- Back-office events (decisions, assignments, revocations) from the back office's signed chain,
-- as the screens and the rules read them. A projection: rebuilt from the journal like the others.
CREATE TABLE backoffice_events (
    pos       INTEGER PRIMARY KEY,   -- journal position of the event
    kind      TEXT NOT NULL,         -- the event kind, e.g. backoffice.decided
    case_id   TEXT,
    device_id TEXT,                  -- the device concerned (revocations)
    body      TEXT NOT NULL,         -- the event body JSON, verbatim
    at        TEXT NOT NULL          -- the back office's signed time
) STRICT;
CREATE INDEX backoffice_events_case ON backoffice_events (case_id);

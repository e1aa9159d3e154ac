-- casetrail device store, version 1. Append-only: never edit a shipped migration.

CREATE TABLE meta (
    -- Workspace facts: device id, schema notes. Written once.
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
    -- Keys this store trusts, one per signing chain: this device, the back office, peers.
    device_id  TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('self', 'server', 'peer')),
    label      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE journal (
    -- The source of truth. pos is the append order; header and body are the exact signed bytes.
    -- Small columns first: looking up a hash or a seq never reads the large blobs' overflow pages.
    pos        INTEGER PRIMARY KEY,
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    case_id    TEXT,
    event_hash BLOB NOT NULL,
    sig_alg    TEXT NOT NULL,
    signature  BLOB NOT NULL,
    header     BLOB NOT NULL,
    body       BLOB NOT NULL,
    UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX journal_case ON journal (case_id);
CREATE UNIQUE INDEX journal_hash ON journal (event_hash);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

-- Projections: derived from the journal in the same transaction, rebuildable from it.

CREATE TABLE cases (
    case_id   TEXT PRIMARY KEY,
    case_no   TEXT NOT NULL,
    title     TEXT NOT NULL,
    status    TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    draft     TEXT NOT NULL,   -- CaseDraft JSON as entered
    last_pos  INTEGER NOT NULL -- journal position of the last event that changed the row
) STRICT;

CREATE TABLE case_status_history (
    pos         INTEGER PRIMARY KEY, -- journal position of the change
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    at          TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL
) STRICT;
CREATE INDEX case_status_history_case ON case_status_history (case_id);

CREATE TABLE records (
    record_id    TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (case_id),
    kind         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'finalized', 'void')),
    content      TEXT NOT NULL,  -- body JSON of the current version, verbatim
    content_hash BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    finalized_at TEXT,
    void_reason  TEXT,
    device_id    TEXT NOT NULL
) STRICT;
CREATE INDEX records_case ON records (case_id);

CREATE TABLE record_versions (
    record_id    TEXT NOT NULL REFERENCES records (record_id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    content_hash BLOB NOT NULL,
    reason       TEXT NOT NULL,   -- '' for the first version
    recorded_at  TEXT NOT NULL,
    pos          INTEGER NOT NULL,
    PRIMARY KEY (record_id, version)
) STRICT;

CREATE TABLE signature_slots (
    slot_id   TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (record_id),
    version   INTEGER NOT NULL,           -- the record version whose content the slot signs
    ordinal   INTEGER NOT NULL,
    spec      TEXT NOT NULL,              -- SlotSpec JSON
    history   TEXT NOT NULL DEFAULT '[]'  -- SlotEntry JSON array, oldest first
) STRICT;
CREATE INDEX signature_slots_record ON signature_slots (record_id, version);

CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER record_versions_no_change BEFORE UPDATE ON record_versions
BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN SELECT RAISE(ABORT, 'record versions are never deleted'); END;

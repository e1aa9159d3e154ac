-- Forms in progress: what an inspector has typed into a record's form and not yet saved as a
-- record. Not evidence and not journaled (nothing of it is signed or synced); it exists so a
-- form survives the app being killed. Saving it as a record, or discarding it, removes the row.
-- No foreign keys: projections may be rebuilt from the journal under it.

CREATE TABLE form_drafts (
    draft_id   TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_id  TEXT,           -- the record it amends, if any
    entries    TEXT NOT NULL,  -- JSON [[path, value], …]: the fields as typed, right or wrong
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX form_drafts_case ON form_drafts (case_id, updated_at);

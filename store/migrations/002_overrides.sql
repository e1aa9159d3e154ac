-- Leader-approved overrides of blocking findings (rules). Append-only, visible forever.

CREATE TABLE overrides (
    pos             INTEGER PRIMARY KEY,   -- journal position of the override event
    case_id         TEXT NOT NULL REFERENCES cases (case_id),
    at              TEXT NOT NULL,
    findings        TEXT NOT NULL,         -- FindingKey JSON array
    reason          TEXT NOT NULL,
    approval_record TEXT NOT NULL REFERENCES records (record_id)
) STRICT;
CREATE INDEX overrides_case ON overrides (case_id);
CREATE INDEX overrides_approval ON overrides (approval_record);

CREATE TRIGGER overrides_no_update BEFORE UPDATE ON overrides
BEGIN SELECT RAISE(ABORT, 'overrides are never changed'); END;
CREATE TRIGGER overrides_no_delete BEFORE DELETE ON overrides
BEGIN SELECT RAISE(ABORT, 'overrides are never deleted'); END;

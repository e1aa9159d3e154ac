-- Evidence items (media): what the journal's evidence.captured events say, for the screens.

CREATE TABLE evidence (
    evidence_id TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    record_id   TEXT REFERENCES records (record_id),
    kind        TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    item        TEXT NOT NULL,  -- EvidenceItem JSON
    details     TEXT NOT NULL,  -- EXIF summary, watermark outcome, original name (JSON)
    pos         INTEGER NOT NULL
) STRICT;
CREATE INDEX evidence_case ON evidence (case_id);
CREATE INDEX evidence_record ON evidence (record_id);

CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never changed'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;

-- The files each evidence item names, by content hash: who captured them and at what size, so
-- the back office can bind an upload to the signed capture event without reading every item.
-- A projection like the others (written with the event, rebuilt from the journal); filled here
-- from the items already held.

CREATE TABLE evidence_files (
    sha256      TEXT NOT NULL,     -- lower-case hex
    evidence_id TEXT NOT NULL REFERENCES evidence (evidence_id),
    derivative  INTEGER NOT NULL,  -- 0 original, 1 derivative
    size        INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    PRIMARY KEY (sha256, evidence_id, derivative)
) STRICT;
CREATE INDEX evidence_files_device ON evidence_files (device_id, sha256);

INSERT INTO evidence_files (sha256, evidence_id, derivative, size, device_id)
    SELECT json_extract(item, '$.original.sha256'), evidence_id, 0,
           json_extract(item, '$.original.size'), json_extract(item, '$.device_id')
    FROM evidence;
INSERT INTO evidence_files (sha256, evidence_id, derivative, size, device_id)
    SELECT json_extract(item, '$.derivative.sha256'), evidence_id, 1,
           json_extract(item, '$.derivative.size'), json_extract(item, '$.device_id')
    FROM evidence WHERE json_extract(item, '$.derivative') IS NOT NULL;

CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files
BEGIN SELECT RAISE(ABORT, 'evidence is never changed'); END;
CREATE TRIGGER evidence_files_no_delete BEFORE DELETE ON evidence_files
BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;

-- Uploads belong to the device that announced them: one upload per (device, file), so no
-- device can append to, reset or squat another's. A file still becomes one complete blob by
-- its content hash. Unfinished uploads of the old table restart from zero (their partial
-- files were named by hash alone and are cleared on start). Per-device usage, for quotas.

CREATE TABLE srv_device_uploads (
    device_id    TEXT NOT NULL,
    sha256       BLOB NOT NULL,
    size         INTEGER NOT NULL,
    offset       INTEGER NOT NULL,        -- bytes made durable (fsync) before this was written
    created_at   TEXT NOT NULL,
    touched_at   TEXT NOT NULL,           -- last chunk; partial uploads expire after a while
    completed_at TEXT,
    PRIMARY KEY (device_id, sha256)
) STRICT;

INSERT INTO srv_device_uploads (device_id, sha256, size, offset, created_at, touched_at, completed_at)
    SELECT device_id, sha256, size,
           CASE WHEN completed_at IS NULL THEN 0 ELSE offset END,
           created_at, created_at, completed_at
    FROM srv_uploads;

DROP TABLE srv_uploads;

CREATE TABLE srv_usage (
    -- What each device sent each day (UTC), counted against its quotas.
    device_id TEXT NOT NULL,
    day       TEXT NOT NULL,              -- YYYY-MM-DD
    events    INTEGER NOT NULL DEFAULT 0,
    bytes     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, day)
) STRICT;

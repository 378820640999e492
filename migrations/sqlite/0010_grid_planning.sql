-- Grid planning: change sets, a version per grid and the history of every grid.
-- Mirrors migrations/postgres/0010_grid_planning.sql column for column.
--
-- `grids` holds each grid's current version, retired grids included (incidents and
-- history still name them); `grid_history` holds the versions change sets superseded.
-- A grid was as a row says from `valid_from` until the next version's: "the map as of T"
-- is the rows of both tables whose span holds T. Timestamps are RFC 3339 text in UTC.

CREATE TABLE changesets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    reason     TEXT NOT NULL,
    author     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('proposed', 'applied', 'discarded')),
    created_at TEXT NOT NULL,
    decided_at TEXT,
    -- JSON documents the service reads whole: the grids as the change set leaves them,
    -- the problems the checks found and the impact preview.
    grids      TEXT NOT NULL,
    problems   TEXT NOT NULL,
    impact     TEXT NOT NULL
);

-- Grids stored before this migration have no recorded start: they hold since the epoch.
ALTER TABLE grids ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE grids ADD COLUMN valid_from TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
ALTER TABLE grids ADD COLUMN retired_at TEXT;
ALTER TABLE grids ADD COLUMN changeset_id INTEGER REFERENCES changesets (id);

CREATE TABLE grid_history (
    grid_id      INTEGER NOT NULL REFERENCES grids (id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    level        INTEGER NOT NULL,
    parent_id    INTEGER,
    households   INTEGER NOT NULL,
    residents    INTEGER NOT NULL,
    geometry     TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    changeset_id INTEGER REFERENCES changesets (id),
    PRIMARY KEY (grid_id, version),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX grid_history_level_idx ON grid_history (level, valid_from);

CREATE TRIGGER grid_history_no_update BEFORE UPDATE ON grid_history
BEGIN
    SELECT RAISE(ABORT, 'grid history is never rewritten');
END;

-- Grid planning: change sets, a version per grid and the history of every grid.
-- Mirrors migrations/sqlite/0010_grid_planning.sql column for column.
--
-- `grids` holds each grid's current version, retired grids included (incidents and
-- history still name them); `grid_history` holds the versions change sets superseded.
-- A grid was as a row says from `valid_from` until the next version's: "the map as of T"
-- is the rows of both tables whose span holds T.

CREATE TABLE changesets (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason     TEXT NOT NULL,
    author     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('proposed', 'applied', 'discarded')),
    created_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    -- JSON documents the service reads whole: the grids as the change set leaves them,
    -- the problems the checks found and the impact preview.
    grids      TEXT NOT NULL,
    problems   TEXT NOT NULL,
    impact     TEXT NOT NULL
);

-- Grids stored before this migration have no recorded start: they hold since the epoch.
ALTER TABLE grids
    ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN valid_from TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01T00:00:00Z',
    ADD COLUMN retired_at TIMESTAMPTZ,
    ADD COLUMN changeset_id BIGINT REFERENCES changesets (id);

CREATE TABLE grid_history (
    grid_id      BIGINT NOT NULL REFERENCES grids (id),
    version      BIGINT NOT NULL CHECK (version >= 1),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    level        INTEGER NOT NULL,
    parent_id    BIGINT,
    households   BIGINT NOT NULL,
    residents    BIGINT NOT NULL,
    geom         geometry(MultiPolygon, 4326) NOT NULL,
    valid_from   TIMESTAMPTZ NOT NULL,
    valid_to     TIMESTAMPTZ NOT NULL,
    changeset_id BIGINT REFERENCES changesets (id),
    PRIMARY KEY (grid_id, version),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX grid_history_level_idx ON grid_history (level, valid_from);

CREATE FUNCTION grid_history_never_rewritten() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'grid history is never rewritten';
END;
$$;
CREATE TRIGGER grid_history_no_update BEFORE UPDATE ON grid_history
    FOR EACH ROW EXECUTE FUNCTION grid_history_never_rewritten();

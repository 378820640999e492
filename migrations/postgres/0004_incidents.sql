-- Incidents, their append-only timelines and their photos. Mirrors
-- migrations/sqlite/0004_incidents.sql column for column.
--
-- An incident keeps the grid chain it was filed in (`chain`, JSON) and the code of the
-- deepest grid of it (`grid_code`): grid codes extend their parent's, so "every incident
-- under grid G" is a range scan on codes starting with G's, and stays right when
-- boundaries are redrawn later. Grids are not referenced by key for the same reason.

CREATE TABLE incidents (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category            TEXT NOT NULL,
    source              TEXT NOT NULL
        CHECK (source IN ('worker_app', 'camera', 'hotline_12345', 'walk_in', 'dispatcher')),
    lon                 DOUBLE PRECISION NOT NULL,
    lat                 DOUBLE PRECISION NOT NULL,
    -- For GIS clients and spatial SQL; the service reads lon and lat.
    location            geometry(Point, 4326)
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    -- "C" collation: codes compare digit by digit, so prefix ranges are exact.
    grid_code           TEXT COLLATE "C" NOT NULL,
    chain               TEXT NOT NULL,
    description         TEXT NOT NULL,
    reporter            TEXT NOT NULL,
    priority            TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status              TEXT NOT NULL,
    extension_from      TEXT,
    pending_extension   TEXT,
    responsible_grid_id BIGINT,
    department          TEXT,
    assignee_id         BIGINT REFERENCES workers (id),
    reported_at         TIMESTAMPTZ NOT NULL,
    deadline            TIMESTAMPTZ NOT NULL,
    yellow_at           TIMESTAMPTZ NOT NULL,
    closed_at           TIMESTAMPTZ,
    satisfaction        BIGINT CHECK (satisfaction BETWEEN 1 AND 5),
    duplicate_of        BIGINT REFERENCES incidents (id),
    revision            BIGINT NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_grid_code_idx ON incidents (grid_code);
CREATE INDEX incidents_status_deadline_idx ON incidents (status, deadline);
CREATE INDEX incidents_category_reported_at_idx ON incidents (category, reported_at);
CREATE INDEX incidents_reported_at_idx ON incidents (reported_at);
CREATE INDEX incidents_location_idx ON incidents USING gist (location);

-- The timeline (全程记录): one row per step, numbered from 1 (the report), never rewritten.
CREATE TABLE incident_events (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL,
    photos      TEXT NOT NULL,
    details     TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);

CREATE FUNCTION incident_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'incident events are never rewritten' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER incident_events_append_only
    BEFORE UPDATE OR DELETE ON incident_events
    FOR EACH ROW EXECUTE FUNCTION incident_events_append_only();

-- Photos as served (re-encoded, metadata stripped) with their thumbnails. A photo is
-- uploaded first and attached to an incident when the report or step naming it commits.
CREATE TABLE photos (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  BIGINT REFERENCES incidents (id),
    content_type TEXT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    thumbnail    BYTEA NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX photos_incident_id_idx ON photos (incident_id);

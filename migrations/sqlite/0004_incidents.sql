-- Incidents, their append-only timelines and their photos. Mirrors
-- migrations/postgres/0004_incidents.sql column for column, without the geometry column;
-- timestamps are RFC 3339 text in UTC, which compares in time order.
--
-- An incident keeps the grid chain it was filed in (`chain`, JSON) and the code of the
-- deepest grid of it (`grid_code`): grid codes extend their parent's, so "every incident
-- under grid G" is a range scan on codes starting with G's, and stays right when
-- boundaries are redrawn later. Grids are not referenced by key for the same reason.

CREATE TABLE incidents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    category            TEXT NOT NULL,
    source              TEXT NOT NULL
        CHECK (source IN ('worker_app', 'camera', 'hotline_12345', 'walk_in', 'dispatcher')),
    lon                 REAL NOT NULL,
    lat                 REAL NOT NULL,
    grid_code           TEXT NOT NULL,
    chain               TEXT NOT NULL,
    description         TEXT NOT NULL,
    reporter            TEXT NOT NULL,
    priority            TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status              TEXT NOT NULL,
    extension_from      TEXT,
    pending_extension   TEXT,
    responsible_grid_id INTEGER,
    department          TEXT,
    assignee_id         INTEGER REFERENCES workers (id),
    reported_at         TEXT NOT NULL,
    deadline            TEXT NOT NULL,
    yellow_at           TEXT NOT NULL,
    closed_at           TEXT,
    satisfaction        INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    duplicate_of        INTEGER REFERENCES incidents (id),
    revision            INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX incidents_grid_code_idx ON incidents (grid_code);
CREATE INDEX incidents_status_deadline_idx ON incidents (status, deadline);
CREATE INDEX incidents_category_reported_at_idx ON incidents (category, reported_at);
CREATE INDEX incidents_reported_at_idx ON incidents (reported_at);
CREATE INDEX incidents_lon_lat_idx ON incidents (lon, lat);

-- The timeline: one row per step, numbered from 1 (the report), never rewritten.
CREATE TABLE incident_events (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL,
    photos      TEXT NOT NULL,
    details     TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);

CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN
    SELECT RAISE(ABORT, 'incident events are never rewritten');
END;

CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
BEGIN
    SELECT RAISE(ABORT, 'incident events are never rewritten');
END;

-- Photos as served (re-encoded, metadata stripped) with their thumbnails. A photo is
-- uploaded first and attached to an incident when the report or step naming it commits.
CREATE TABLE photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER REFERENCES incidents (id),
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    data         BLOB NOT NULL,
    thumbnail    BLOB NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX photos_incident_id_idx ON photos (incident_id);

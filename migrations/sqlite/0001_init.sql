-- Grids, cameras and workers for the embedded store. The schema mirrors
-- migrations/postgres/0001_init.sql column for column, with plain types where SQLite
-- has no geometry: grid boundaries are GeoJSON text plus an indexed bounding box,
-- points are lon/lat REAL pairs (REAL is an IEEE double, so values round-trip exactly).

CREATE TABLE levels (
    level   INTEGER PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE grids (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    level      INTEGER NOT NULL REFERENCES levels (level),
    parent_id  INTEGER REFERENCES grids (id),
    households INTEGER NOT NULL CHECK (households >= 0),
    residents  INTEGER NOT NULL CHECK (residents >= 0),
    -- A GeoJSON MultiPolygon; validity is checked by the importer before it gets here.
    geometry   TEXT NOT NULL,
    min_lon    REAL NOT NULL,
    min_lat    REAL NOT NULL,
    max_lon    REAL NOT NULL,
    max_lat    REAL NOT NULL,
    CHECK (min_lon <= max_lon AND min_lat <= max_lat)
);
CREATE INDEX grids_level_idx ON grids (level);
CREATE INDEX grids_parent_id_idx ON grids (parent_id);
CREATE INDEX grids_bbox_idx ON grids (min_lon, max_lon, min_lat, max_lat);

CREATE TABLE cameras (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    lon        REAL NOT NULL,
    lat        REAL NOT NULL,
    kind       TEXT NOT NULL
        CHECK (kind IN ('bullet', 'dome', 'face_checkpoint', 'vehicle_checkpoint')),
    stream_url TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('online', 'offline', 'fault'))
);
CREATE INDEX cameras_lon_lat_idx ON cameras (lon, lat);

CREATE TABLE workers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL
        CHECK (role IN ('grid_chief', 'full_time', 'liaison', 'volunteer', 'department_staff')),
    department  TEXT,
    phone       TEXT NOT NULL,
    on_duty     BOOLEAN NOT NULL CHECK (on_duty IN (0, 1)),
    lon         REAL,
    lat         REAL,
    position_at TEXT,
    CHECK ((lon IS NULL) = (lat IS NULL))
);

CREATE TABLE worker_grids (
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    grid_id   INTEGER NOT NULL REFERENCES grids (id),
    PRIMARY KEY (worker_id, grid_id)
);
CREATE INDEX worker_grids_grid_id_idx ON worker_grids (grid_id);

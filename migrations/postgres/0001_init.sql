-- Grids, cameras and workers in PostGIS. The schema mirrors migrations/sqlite/0001_init.sql
-- column for column; here the database itself refuses invalid boundaries.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE levels (
    level   INTEGER PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE grids (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    level      INTEGER NOT NULL REFERENCES levels (level),
    parent_id  BIGINT REFERENCES grids (id),
    households BIGINT NOT NULL CHECK (households >= 0),
    residents  BIGINT NOT NULL CHECK (residents >= 0),
    geom       geometry(MultiPolygon, 4326) NOT NULL
        CONSTRAINT grids_geom_valid CHECK (ST_IsValid(geom))
);
CREATE INDEX grids_level_idx ON grids (level);
CREATE INDEX grids_parent_id_idx ON grids (parent_id);
CREATE INDEX grids_geom_idx ON grids USING gist (geom);

CREATE TABLE cameras (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    point      geometry(Point, 4326) NOT NULL,
    kind       TEXT NOT NULL
        CHECK (kind IN ('bullet', 'dome', 'face_checkpoint', 'vehicle_checkpoint')),
    stream_url TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('online', 'offline', 'fault'))
);
CREATE INDEX cameras_point_idx ON cameras USING gist (point);

CREATE TABLE workers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL
        CHECK (role IN ('grid_chief', 'full_time', 'liaison', 'volunteer', 'department_staff')),
    department  TEXT,
    phone       TEXT NOT NULL,
    on_duty     BOOLEAN NOT NULL,
    position    geometry(Point, 4326),
    position_at TIMESTAMPTZ
);
CREATE INDEX workers_position_idx ON workers USING gist (position);

CREATE TABLE worker_grids (
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    grid_id   BIGINT NOT NULL REFERENCES grids (id),
    PRIMARY KEY (worker_id, grid_id)
);
CREATE INDEX worker_grids_grid_id_idx ON worker_grids (grid_id);

-- Video linkage: workers' shifts and patrol tracks, camera alerts and the calls that go out
-- to grid workers. Mirrors migrations/postgres/0009_video_linkage.sql column for column.

-- Weekly shifts in China time: `weekdays` has bit d-1 set for weekday d (1 = Monday);
-- `ends` not after `starts` runs past midnight.
CREATE TABLE shifts (
    worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    weekdays  INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    starts    INTEGER NOT NULL CHECK (starts BETWEEN 0 AND 1439),
    ends      INTEGER NOT NULL CHECK (ends BETWEEN 0 AND 1439)
);
CREATE INDEX shifts_worker_id_idx ON shifts (worker_id);

-- Every position a phone reported (巡查轨迹). `received_at` is the server's clock, which
-- other replicas poll; `at` is the phone's.
CREATE TABLE worker_positions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id   INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    accuracy_m  REAL NOT NULL CHECK (accuracy_m >= 0),
    received_at TEXT NOT NULL
);
CREATE INDEX worker_positions_worker_at_idx ON worker_positions (worker_id, at);
CREATE INDEX worker_positions_at_idx ON worker_positions (at);
CREATE INDEX worker_positions_received_at_idx ON worker_positions (received_at);

CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id   INTEGER NOT NULL REFERENCES cameras (id),
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    note        TEXT NOT NULL,
    category    TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('operator', 'analytics')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered', 'unanswered')),
    snapshot_id INTEGER REFERENCES photos (id),
    incident_id INTEGER REFERENCES incidents (id),
    raised_by   TEXT NOT NULL,
    raised_at   TEXT NOT NULL
);
CREATE INDEX alerts_camera_id_idx ON alerts (camera_id);

CREATE TABLE calls (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id    INTEGER NOT NULL REFERENCES alerts (id),
    worker_id   INTEGER NOT NULL REFERENCES workers (id),
    status      TEXT NOT NULL
        CHECK (status IN ('ringing', 'accepted', 'declined', 'timed_out', 'on_scene')),
    distance_m  REAL NOT NULL,
    eta_s       INTEGER NOT NULL,
    rang_at     TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    answered_at TEXT,
    on_scene_at TEXT
);
CREATE INDEX calls_alert_id_idx ON calls (alert_id);
CREATE INDEX calls_worker_id_idx ON calls (worker_id);
CREATE INDEX calls_status_idx ON calls (status);
-- One call at a time holds an alert: a second ringing or accepted call is refused by the
-- database itself, whichever replica places it.
CREATE UNIQUE INDEX calls_one_live_per_alert ON calls (alert_id)
    WHERE status IN ('ringing', 'accepted', 'on_scene');

-- Every step of an alert, numbered from 1, never rewritten.
CREATE TABLE alert_events (
    alert_id  INTEGER NOT NULL REFERENCES alerts (id),
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    call_id   INTEGER REFERENCES calls (id),
    worker_id INTEGER REFERENCES workers (id),
    actor     TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (alert_id, seq)
);

CREATE TRIGGER alert_events_no_update BEFORE UPDATE ON alert_events
BEGIN
    SELECT RAISE(ABORT, 'alert events are never rewritten');
END;

CREATE TRIGGER alert_events_no_delete BEFORE DELETE ON alert_events
BEGIN
    SELECT RAISE(ABORT, 'alert events are never rewritten');
END;

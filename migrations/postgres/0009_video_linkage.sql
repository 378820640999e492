-- Video linkage: workers' shifts and patrol tracks, camera alerts and the calls that go out
-- to grid workers. Mirrors migrations/sqlite/0009_video_linkage.sql column for column.

-- Weekly shifts in China time: `weekdays` has bit d-1 set for weekday d (1 = Monday);
-- `ends` not after `starts` runs past midnight.
CREATE TABLE shifts (
    worker_id BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    weekdays  BIGINT NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    starts    BIGINT NOT NULL CHECK (starts BETWEEN 0 AND 1439),
    ends      BIGINT NOT NULL CHECK (ends BETWEEN 0 AND 1439)
);
CREATE INDEX shifts_worker_id_idx ON shifts (worker_id);

-- Every position a phone reported (巡查轨迹). `received_at` is the server's clock, which
-- other replicas poll; `at` is the phone's.
CREATE TABLE worker_positions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id   BIGINT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    accuracy_m  DOUBLE PRECISION NOT NULL CHECK (accuracy_m >= 0),
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX worker_positions_worker_at_idx ON worker_positions (worker_id, at);
CREATE INDEX worker_positions_at_idx ON worker_positions (at);
CREATE INDEX worker_positions_received_at_idx ON worker_positions (received_at);

CREATE TABLE alerts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    camera_id   BIGINT NOT NULL REFERENCES cameras (id),
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    note        TEXT NOT NULL,
    category    TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('operator', 'analytics')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered', 'unanswered')),
    snapshot_id BIGINT REFERENCES photos (id),
    incident_id BIGINT REFERENCES incidents (id),
    raised_by   TEXT NOT NULL,
    raised_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX alerts_camera_id_idx ON alerts (camera_id);

CREATE TABLE calls (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id    BIGINT NOT NULL REFERENCES alerts (id),
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    status      TEXT NOT NULL
        CHECK (status IN ('ringing', 'accepted', 'declined', 'timed_out', 'on_scene')),
    distance_m  DOUBLE PRECISION NOT NULL,
    eta_s       BIGINT NOT NULL,
    rang_at     TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    on_scene_at TIMESTAMPTZ
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
    alert_id  BIGINT NOT NULL REFERENCES alerts (id),
    seq       BIGINT NOT NULL CHECK (seq >= 1),
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT NOT NULL,
    call_id   BIGINT REFERENCES calls (id),
    worker_id BIGINT REFERENCES workers (id),
    actor     TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (alert_id, seq)
);

CREATE FUNCTION alert_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'alert events are never rewritten' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER alert_events_append_only
    BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only();

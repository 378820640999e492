-- Accounts, roles as data, grants on grids, sessions, tokens and the audit trail.
-- Mirrors migrations/sqlite/0011_accounts.sql column for column.

-- A role is a named set of permissions; the service refuses to start on a permission
-- word it does not know.
CREATE TABLE roles (
    name     TEXT PRIMARY KEY,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL
);

CREATE TABLE role_permissions (
    role       TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

-- `password_hash` is an argon2id PHC string. `locked_until` is set after too many
-- failed log-ins.
CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    worker_id           BIGINT UNIQUE REFERENCES workers (id),
    department          TEXT,
    enabled             BOOLEAN NOT NULL DEFAULT TRUE,
    locked_until        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL
);

-- A role on a grid's subtree, named by the grid's code (a prefix, so it survives the
-- grid being redrawn); no code is the whole deployment.
CREATE TABLE grants (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL REFERENCES roles (name),
    grid_code TEXT,
    UNIQUE NULLS NOT DISTINCT (user_id, role, grid_code)
);
CREATE INDEX grants_user_id_idx ON grants (user_id);

-- Sessions and tokens are stored as SHA-256 hashes of what the client holds.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX tokens_user_id_idx ON tokens (user_id);

-- Append-only: every mutation and every log-in. `username` is kept as typed for a
-- failed log-in of an unknown name; `before` and `after` are JSON.
CREATE TABLE audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    user_id     BIGINT,
    username    TEXT,
    token_id    BIGINT,
    address     TEXT,
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      BIGINT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT,
    object_id   TEXT,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_at_idx ON audit (at);
CREATE INDEX audit_username_action_at_idx ON audit (username, action, at);
CREATE INDEX audit_object_idx ON audit (object_type, object_id);

-- The trigger holds even for the table's owner; the REVOKE holds for every other role.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;

INSERT INTO roles (name, title_zh, title_en) VALUES
    ('grid_worker', '网格员', 'Grid worker'),
    ('grid_chief', '网格长', 'Grid chief'),
    ('dispatcher', '指挥中心坐席', 'Dispatcher'),
    ('department', '部门人员', 'Department staff'),
    ('planner', '规划员', 'Planner'),
    ('leader', '领导', 'Leader'),
    ('analytics', '视频分析', 'Video analytics'),
    ('admin', '管理员', 'Administrator');

INSERT INTO role_permissions (role, permission) VALUES
    ('grid_worker', 'incidents.read_assigned'),
    ('grid_worker', 'incidents.report'),
    ('grid_worker', 'incidents.handle'),
    ('grid_worker', 'workers.read'),
    ('grid_worker', 'positions.report'),
    ('grid_worker', 'calls.answer'),
    ('grid_chief', 'incidents.read_assigned'),
    ('grid_chief', 'incidents.read'),
    ('grid_chief', 'incidents.report'),
    ('grid_chief', 'incidents.contact'),
    ('grid_chief', 'incidents.accept'),
    ('grid_chief', 'incidents.dispatch'),
    ('grid_chief', 'incidents.handle'),
    ('grid_chief', 'incidents.verify'),
    ('grid_chief', 'workers.read'),
    ('grid_chief', 'positions.report'),
    ('grid_chief', 'calls.answer'),
    ('dispatcher', 'incidents.read'),
    ('dispatcher', 'incidents.report'),
    ('dispatcher', 'incidents.contact'),
    ('dispatcher', 'incidents.accept'),
    ('dispatcher', 'incidents.dispatch'),
    ('dispatcher', 'incidents.handle'),
    ('dispatcher', 'incidents.verify'),
    ('dispatcher', 'workers.read'),
    ('dispatcher', 'workers.contact'),
    ('dispatcher', 'workers.tracks'),
    ('dispatcher', 'workers.shifts'),
    ('dispatcher', 'cameras.read'),
    ('dispatcher', 'alerts.read'),
    ('dispatcher', 'alerts.raise'),
    ('dispatcher', 'calls.make'),
    ('dispatcher', 'stats.read'),
    ('department', 'incidents.read_department'),
    ('department', 'incidents.handle'),
    ('planner', 'changesets.read'),
    ('planner', 'changesets.propose'),
    ('planner', 'changesets.apply'),
    ('planner', 'levels.import'),
    ('planner', 'workers.read'),
    ('planner', 'cameras.read'),
    ('leader', 'incidents.read'),
    ('leader', 'workers.read'),
    ('leader', 'cameras.read'),
    ('leader', 'alerts.read'),
    ('leader', 'stats.read'),
    ('leader', 'changesets.read'),
    ('analytics', 'alerts.raise'),
    ('admin', 'users.manage'),
    ('admin', 'audit.read'),
    ('admin', 'levels.import'),
    ('admin', 'cameras.read'),
    ('admin', 'cameras.manage'),
    ('admin', 'incidents.archive'),
    ('admin', 'incidents.read');

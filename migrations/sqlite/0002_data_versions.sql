-- One version per topic the in-memory index mirrors. Every write that changes a topic's
-- data bumps its version in the same transaction, so a service polling this table sees a
-- change exactly when the change is committed, whichever process or replica made it.
-- Mirrors migrations/postgres/0002_data_versions.sql.

CREATE TABLE data_versions (
    topic   TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO data_versions (topic, version) VALUES ('grids', 0), ('workers', 0);

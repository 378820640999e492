-- The camera registry: where a camera looks and how wide it sees (both optional), and
-- when it was retired (kept, no longer listed). The checks mirror src/domain/camera.rs;
-- existing rows get NULLs, which pass them. SQLite turns a NaN into NULL on the way in.
ALTER TABLE cameras ADD COLUMN heading_deg REAL
    CHECK (heading_deg IS NULL OR (heading_deg >= 0 AND heading_deg < 360));
ALTER TABLE cameras ADD COLUMN fov_deg REAL
    CHECK (fov_deg IS NULL OR (fov_deg > 0 AND fov_deg <= 360));
-- An RFC 3339 instant, as sqlx writes a DateTime<Utc>.
ALTER TABLE cameras ADD COLUMN retired_at TEXT;

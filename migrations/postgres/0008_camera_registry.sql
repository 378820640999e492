-- The camera registry: where a camera looks and how wide it sees (both optional), and
-- when it was retired (kept, no longer listed). The checks mirror src/domain/camera.rs;
-- existing rows get NULLs, which pass them. A NaN fails them (PostgreSQL orders NaN
-- above every number).
ALTER TABLE cameras
    ADD COLUMN heading_deg DOUBLE PRECISION
        CHECK (heading_deg >= 0 AND heading_deg < 360),
    ADD COLUMN fov_deg DOUBLE PRECISION
        CHECK (fov_deg > 0 AND fov_deg <= 360),
    ADD COLUMN retired_at TIMESTAMPTZ;

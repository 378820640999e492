-- The likely-duplicates search (same category, a box of about 100 m around the new
-- incident, the last few days) on every filing: this index finds the few incidents of the
-- category in the box's longitude band and checks latitude within the index, where
-- (category, reported_at) had it read every incident of the category in the window.
-- Mirrors migrations/sqlite/0006_incident_duplicates.sql.
CREATE INDEX incidents_category_lon_lat_idx ON incidents (category, lon, lat);

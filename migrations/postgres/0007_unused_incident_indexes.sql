-- Every index is written on every filing. These two no longer serve a query: statistics
-- are tallied in memory (src/incidents/facts.rs) rather than by report date, and the
-- likely-duplicates search uses (category, lon, lat). Lists go newest first by id, and
-- report dates rise with ids, so a date filter there is met walking the primary key.
DROP INDEX incidents_reported_at_idx;
DROP INDEX incidents_category_reported_at_idx;

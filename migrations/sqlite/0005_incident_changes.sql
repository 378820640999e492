-- The statistics mirror of every replica polls for incidents changed since its last look
-- (`updated_at >= $1`); without this index that is a scan of every incident each second.
CREATE INDEX incidents_updated_at_idx ON incidents (updated_at);

-- Cameras get a data version of their own: the map's camera tiles are cached by it.
INSERT INTO data_versions (topic, version) VALUES ('cameras', 0);

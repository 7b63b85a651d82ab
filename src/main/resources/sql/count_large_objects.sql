SELECT pg_catalog.count(*) AS large_objects FROM pg_catalog.pg_largeobject_metadata

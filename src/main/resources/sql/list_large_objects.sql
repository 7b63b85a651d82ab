-- Large objects to copy, in OID order so a restart can tell where it stopped.
SELECT m.oid AS large_object_oid
  FROM pg_catalog.pg_largeobject_metadata m
 ORDER BY m.oid

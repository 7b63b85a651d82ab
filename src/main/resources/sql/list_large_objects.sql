-- Large objects to copy, in OID order, each with its first bytes: all of an object no
-- larger than the limit less one, so that most objects travel in the listing itself.
-- Parameters: the number of bytes read (the limit), how many parts the objects are cut
-- in, and which part this is (from 0).
SELECT m.oid AS large_object_oid,
       pg_catalog.lo_get(m.oid, 0, ?::pg_catalog.int4) AS head
  FROM pg_catalog.pg_largeobject_metadata m
 WHERE m.oid::pg_catalog.int8 % ?::pg_catalog.int8 = ?::pg_catalog.int8
 ORDER BY m.oid

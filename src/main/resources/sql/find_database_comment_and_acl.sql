-- The current database's comment, and whether it has privileges of its own (datacl is
-- NULL while the defaults apply).
SELECT pg_catalog.shobj_description(d.oid, 'pg_database') AS comment,
       d.datacl IS NOT NULL AS has_acl,
       pg_catalog.pg_get_userbyid(d.datdba) AS owner
  FROM pg_catalog.pg_database d
 WHERE d.datname = pg_catalog.current_database();

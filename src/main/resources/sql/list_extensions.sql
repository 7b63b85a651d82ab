-- The database's extensions with their schema (and its owner), version and comment, and
-- the extensions each one requires, so that they are created in dependency order.
SELECT e.extname,
       n.nspname AS schema_name,
       pg_catalog.pg_get_userbyid(n.nspowner) AS schema_owner,
       e.extversion,
       pg_catalog.obj_description(e.oid, 'pg_extension') AS comment,
       ARRAY(SELECT r.extname
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_extension r ON r.oid = d.refobjid
              WHERE d.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                AND d.objid = e.oid
                AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
              ORDER BY r.extname) AS requires
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 ORDER BY e.extname;

-- The schemas publications include as a whole (FOR TABLES IN SCHEMA, PostgreSQL 15 and
-- later: pg_publication_namespace), as objects a filter leaves out with their schema
-- (io.pgcopydb.catalog.SourceGraph), so no ALTER PUBLICATION ... ADD TABLES IN SCHEMA
-- names a schema the target lacks. Same columns as list_filter_objects.sql; run only on
-- PostgreSQL 15 and later, where the catalog exists.
SELECT 'pg_catalog.pg_publication_namespace'::regclass::oid AS class_oid, pn.oid AS object_oid,
       'publication schema' AS kind, n.nspname AS schema_name, p.pubname::text AS object_name,
       NULL::oid AS table_oid, NULL::oid AS part_of_class, NULL::oid AS part_of_oid, NULL::oid AS references_oid,
       NULL::text AS definition,
       pg_catalog.pg_describe_object('pg_catalog.pg_publication_namespace'::regclass, pn.oid, 0) AS description
  FROM pg_catalog.pg_publication_namespace pn
  JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid
  JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
 ORDER BY pn.oid

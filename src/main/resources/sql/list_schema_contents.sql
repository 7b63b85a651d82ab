-- The schemas of the database (system schemas and those of extensions left out) with
-- their owner, and one row per relation or function in each (none for an empty schema:
-- object_oid NULL), for list schema's counts and sizes. kind: table (ordinary and
-- partitioned, foreign), view (and materialized), index, sequence, function; bytes:
-- pg_table_size of tables and materialized views, pg_relation_size of indexes, 0 else.
-- Extension members are not counted: CREATE EXTENSION makes them.
WITH members AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype = 'e'
)
SELECT n.oid AS schema_oid,
       n.nspname AS schema_name,
       pg_catalog.pg_get_userbyid(n.nspowner) AS owner,
       o.class_oid,
       o.object_oid,
       o.kind,
       o.bytes
  FROM pg_catalog.pg_namespace n
  LEFT JOIN (
       SELECT c.relnamespace AS namespace_oid,
              'pg_catalog.pg_class'::pg_catalog.regclass::oid AS class_oid,
              c.oid AS object_oid,
              CASE WHEN c.relkind IN ('r', 'p', 'f') THEN 'table'
                   WHEN c.relkind IN ('v', 'm') THEN 'view'
                   WHEN c.relkind IN ('i', 'I') THEN 'index'
                   ELSE 'sequence' END AS kind,
              CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_table_size(c.oid)
                   WHEN c.relkind = 'i' THEN pg_catalog.pg_relation_size(c.oid)
                   ELSE 0 END AS bytes
         FROM pg_catalog.pg_class c
        WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'i', 'I', 'S')
          AND ('pg_catalog.pg_class'::pg_catalog.regclass, c.oid) NOT IN (SELECT classid, objid FROM members)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x
                           WHERE x.indexrelid = c.oid
                             AND (x.indrelid, 'pg_catalog.pg_class'::pg_catalog.regclass) IN
                                 (SELECT objid, classid FROM members))
       UNION ALL
       SELECT p.pronamespace, 'pg_catalog.pg_proc'::pg_catalog.regclass::oid, p.oid, 'function', 0
         FROM pg_catalog.pg_proc p
        WHERE ('pg_catalog.pg_proc'::pg_catalog.regclass, p.oid) NOT IN (SELECT classid, objid FROM members)
       ) o ON o.namespace_oid = n.oid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND ('pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid) NOT IN (SELECT classid, objid FROM members)
 ORDER BY n.nspname, o.kind, o.object_oid

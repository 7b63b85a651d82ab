-- The tables list tables shows: those list_tables.sql copies (ordinary tables and leaf
-- partitions, extension members left out), with the planner's row estimate (reltuples;
-- -1 on PostgreSQL 14 and later means never analyzed) and pg_table_size, largest first.
-- partition_parent is the nearest partitioned ancestor, schema.name unquoted.
SELECT c.oid AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       c.reltuples::bigint AS estimated_rows,
       pg_catalog.pg_table_size(c.oid) AS table_bytes,
       (SELECT pn.nspname || '.' || pc.relname
          FROM pg_catalog.pg_inherits i
          JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE c.relispartition AND i.inhrelid = c.oid) AS partition_parent
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r'
   AND c.relpersistence IN ('p', 'u')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY table_bytes DESC, n.nspname, c.relname

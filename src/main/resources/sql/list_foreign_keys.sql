-- Foreign keys of the source's tables, for restore post-data: a key valid on the source,
-- on a plain table (PostgreSQL before 18 refuses NOT VALID on a partitioned one), is
-- created NOT VALID and then validated, the keys in parallel, largest table first.
-- VALIDATE CONSTRAINT locks its table in SHARE UPDATE EXCLUSIVE mode and the referenced
-- one in ROW SHARE mode only, so keys that reference one table validate at once, where
-- ADD FOREIGN KEY locks both tables in SHARE ROW EXCLUSIVE mode, one key at a time.
-- The others (NOT VALID on the source, on a partitioned table, inherited by a partition
-- from its parent) are listed too, and left to pg_restore.
-- Run with search_path = '' (or pg_catalog) so that pg_get_constraintdef qualifies every
-- name it prints.
SELECT co.oid AS constraint_oid,
       co.conrelid AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       co.conname AS constraint_name,
       pg_catalog.pg_get_constraintdef(co.oid) AS definition,
       co.convalidated AS is_validated,
       c.relkind = 'p' AS on_partitioned,
       co.conparentid <> 0 AS is_inherited,
       pg_catalog.pg_relation_size(c.oid) AS table_bytes
  FROM pg_catalog.pg_constraint co
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE co.contype = 'f'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY table_bytes DESC, co.oid

-- Indexes and table constraints already on the target, by schema, table and name: the
-- post-data restore skips those the copy built, and restores the ones it did not build.
SELECT 'index' AS kind, n.nspname AS schema_name, t.relname AS table_name, i.relname AS object_name
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
UNION ALL
SELECT 'constraint', n.nspname, t.relname, c.conname
  FROM pg_catalog.pg_constraint c
  JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')

-- Every index list indexes shows: of tables, partitioned tables and materialized views,
-- extension members left out; the constraint it backs (p primary key, u unique, x
-- exclusion), its size (pg_relation_size) and definition. Run with search_path = '' so
-- that pg_get_indexdef qualifies every name.
SELECT i.indexrelid AS index_oid,
       i.indrelid AS table_oid,
       n.nspname AS schema_name,
       tc.relname AS table_name,
       ic.relname AS index_name,
       co.contype AS constraint_type,
       co.conname AS constraint_name,
       pg_catalog.pg_relation_size(i.indexrelid) AS index_bytes,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS index_definition
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
  LEFT JOIN pg_catalog.pg_constraint co
         ON co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')
 WHERE tc.relkind IN ('r', 'p', 'm')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = tc.oid AND d.deptype = 'e')
 ORDER BY n.nspname, tc.relname, ic.relname

-- Indexes the job builds itself, in parallel, as soon as their table is copied: indexes
-- of the copied tables, with the PRIMARY KEY or UNIQUE constraint they back (attached
-- afterwards with ALTER TABLE ... USING INDEX). Left to pg_restore's post-data instead:
-- exclusion constraints (no USING INDEX form), indexes of partitioned tables and the
-- partition indexes attached to them (their ATTACH order matters), invalid indexes.
SELECT i.indexrelid AS index_oid,
       i.indrelid AS table_oid,
       n.nspname AS schema_name,
       tc.relname AS table_name,
       ic.relname AS index_name,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS index_definition,
       co.oid AS constraint_oid,
       co.conname AS constraint_name,
       co.contype AS constraint_type,
       co.condeferrable AS is_deferrable,
       co.condeferred AS is_deferred,
       i.indisclustered AS is_clustered,
       i.indisreplident AS is_replica_identity
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
  LEFT JOIN pg_catalog.pg_constraint co
         ON co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')
 WHERE tc.relkind = 'r'
   AND i.indisvalid
   AND (co.contype IS NULL OR co.contype IN ('p', 'u'))
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
 ORDER BY n.nspname, tc.relname, ic.relname

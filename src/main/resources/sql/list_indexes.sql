-- Indexes the job builds itself, in parallel, as soon as their table is copied: indexes
-- of the copied tables, with the PRIMARY KEY or UNIQUE constraint they back (attached
-- afterwards with ALTER TABLE ... USING INDEX). Left to pg_restore's post-data instead:
-- exclusion constraints (no USING INDEX form), indexes of partitioned tables and the
-- partition indexes attached to them (their ATTACH order matters), invalid indexes.
-- Indexes of extension member tables are the extension's business, as their tables are.
-- constraint_definition ("PRIMARY KEY (id) DEFERRABLE") builds the constraint directly
-- where USING INDEX cannot: on a table the target partitioned after restore pre-data.
-- access_method and index_bytes (the index's size on the source) estimate how long the
-- build takes, so that the longest builds start first. pg_relation_size locks each index
-- for the rest of this transaction (the catalog read), as pg_table_size does the tables;
-- relpages would not, but after pg_upgrade or without ANALYZE it can be far too small.
-- Run with search_path = '' so that pg_get_indexdef qualifies every name it prints.
SELECT i.indexrelid AS index_oid,
       i.indrelid AS table_oid,
       n.nspname AS schema_name,
       tc.relname AS table_name,
       ic.relname AS index_name,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS index_definition,
       co.oid AS constraint_oid,
       co.conname AS constraint_name,
       co.contype AS constraint_type,
       pg_catalog.pg_get_constraintdef(co.oid) AS constraint_definition,
       co.condeferrable AS is_deferrable,
       co.condeferred AS is_deferred,
       i.indisclustered AS is_clustered,
       i.indisreplident AS is_replica_identity,
       ts.spcname AS tablespace_name,
       (SELECT pg_catalog.string_agg(a.attnum || '=' || a.attstattarget, ',' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0) AS column_statistics,
       am.amname AS access_method,
       pg_catalog.pg_relation_size(i.indexrelid) AS index_bytes
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = ic.relam
  JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
  LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace
  LEFT JOIN pg_catalog.pg_constraint co
         ON co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')
 WHERE tc.relkind = 'r'
   AND i.indisvalid
   AND (co.contype IS NULL OR co.contype IN ('p', 'u'))
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = tc.oid AND d.deptype = 'e')
 ORDER BY n.nspname, tc.relname, ic.relname

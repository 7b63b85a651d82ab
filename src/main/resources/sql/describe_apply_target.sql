-- The target table a change stream's relation is applied to, and whether it is
-- partitioned (its rows then live in partitions, where ctid alone does not name a row).
-- No row when the target has no table or partitioned table of that name.
SELECT c.relkind = 'p' AS is_partitioned
  FROM pg_catalog.pg_class c
 WHERE c.oid = pg_catalog.to_regclass(?)
   AND c.relkind IN ('r', 'p')

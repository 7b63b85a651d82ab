-- The target table a change stream's relation is applied to, and whether it is
-- partitioned (its rows then live in partitions, where ctid alone does not name a row).
-- No row when the target has no table or partitioned table of that name.
-- has_replica_triggers: a user trigger on it or on one of its partitions fires under
-- session_replication_role = replica (ENABLE ALWAYS or ENABLE REPLICA): it may write
-- other tables, which no key of this one shows.
SELECT c.relkind = 'p' AS is_partitioned,
       EXISTS (SELECT 1
                 FROM pg_catalog.pg_trigger t
                WHERE (t.tgrelid = c.oid
                       OR t.tgrelid IN (SELECT p.relid FROM pg_catalog.pg_partition_tree(c.oid) p))
                  AND NOT t.tgisinternal AND t.tgenabled IN ('A', 'R')) AS has_replica_triggers
  FROM pg_catalog.pg_class c
 WHERE c.oid = pg_catalog.to_regclass(?)
   AND c.relkind IN ('r', 'p')

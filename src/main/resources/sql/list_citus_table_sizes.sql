-- The size of each Citus table over all its shards, wherever they are (pg_table_size of a
-- distributed table is its empty shell on the coordinator): for the copy's order only.
-- Each call reaches every node holding a shard of the table.
SELECT p.logicalrelid::pg_catalog.oid AS table_oid, pg_catalog.citus_table_size(p.logicalrelid) AS table_bytes
  FROM pg_catalog.pg_dist_partition p
  JOIN pg_catalog.pg_class c ON c.oid = p.logicalrelid
 WHERE c.relkind = 'r'

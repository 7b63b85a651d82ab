-- The shards' own relations (a table per shard, named after its table and shard id, in
-- the table's schema), so that a catalog that sees them (citus.override_table_visibility
-- off) never takes them for user tables.
SELECT n.nspname AS schema_name,
       (pg_catalog.parse_ident(pg_catalog.shard_name(s.logicalrelid, s.shardid)))[
         pg_catalog.array_length(pg_catalog.parse_ident(pg_catalog.shard_name(s.logicalrelid, s.shardid)), 1)]
         AS shard_name
  FROM pg_catalog.pg_dist_shard s
  JOIN pg_catalog.pg_class c ON c.oid = s.logicalrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace

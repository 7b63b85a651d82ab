-- The schemas distributed by schema-based sharding (Citus 12 and later): each is one
-- colocation group, its tables single-shard tables of that group.
SELECT n.nspname AS schema_name, s.colocationid
  FROM pg_catalog.pg_dist_schema s
  JOIN pg_catalog.pg_namespace n ON n.oid = s.schemaid
 ORDER BY n.nspname

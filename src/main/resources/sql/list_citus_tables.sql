-- The Citus tables of the database (pg_dist_partition), with what a distribution script
-- needs to make them again elsewhere:
--   partmethod h: hash-distributed, by distribution_column; n with repmodel t: a
--   reference table; n with repmodel s: a single-shard table (colocationid <> 0) or a
--   Citus-local table (colocationid 0); a and r: the deprecated append and range methods.
-- shard_count is the table's shards, colocationid its colocation group: tables of a group
-- are distributed with colocate_with the group's first table. citus_partition marks a
-- partition of a Citus partitioned table: distributing the parent distributes it, so a
-- script leaves it out. autoconverted (Citus 11 and later) marks a Citus-local table that
-- Citus added itself for a foreign key to a reference table.
SELECT c.oid AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       p.partmethod::text AS partmethod,
       p.repmodel::text AS repmodel,
       p.colocationid,
       CASE WHEN p.partkey IS NOT NULL
            THEN pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) END AS distribution_column,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid)
         AS shard_count,
       COALESCE((pg_catalog.to_jsonb(p) ->> 'autoconverted')::boolean, false) AS autoconverted,
       (c.relispartition AND EXISTS (SELECT 1
                                       FROM pg_catalog.pg_inherits i
                                       JOIN pg_catalog.pg_dist_partition pp ON pp.logicalrelid = i.inhparent
                                      WHERE i.inhrelid = c.oid)) AS citus_partition
  FROM pg_catalog.pg_dist_partition p
  JOIN pg_catalog.pg_class c ON c.oid = p.logicalrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 ORDER BY p.colocationid, n.nspname, c.relname

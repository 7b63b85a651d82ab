-- The nodes of the Citus cluster, as this database's metadata has them (group 0 is the
-- coordinator), with the shard placements each holds.
SELECT d.nodename, d.nodeport, d.groupid, d.noderole::text AS noderole, d.isactive, d.shouldhaveshards,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_placement pl WHERE pl.groupid = d.groupid) AS placements
  FROM pg_catalog.pg_dist_node d
 ORDER BY d.groupid, d.nodeid

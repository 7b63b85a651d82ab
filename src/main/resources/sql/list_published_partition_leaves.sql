-- The partitioned tables the follow's publications name (quoted, qualified) and the leaf
-- partitions under each: with publish_via_partition_root the leaves' changes arrive under
-- the root's name, so the target needs the root.
SELECT pg_catalog.format('%I.%I', rn.nspname, r.relname) AS root,
       pg_catalog.array_agg(pg_catalog.format('%I.%I', ln.nspname, l.relname) ORDER BY ln.nspname, l.relname)
         AS leaves
  FROM pg_catalog.pg_publication p
  JOIN pg_catalog.pg_publication_rel pr ON pr.prpubid = p.oid
  JOIN pg_catalog.pg_class r ON r.oid = pr.prrelid AND r.relkind = 'p'
  JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
 CROSS JOIN LATERAL pg_catalog.pg_partition_tree(r.oid) t
  JOIN pg_catalog.pg_class l ON l.oid = t.relid
  JOIN pg_catalog.pg_namespace ln ON ln.oid = l.relnamespace
 WHERE p.pubname = ANY (?) AND t.isleaf
 GROUP BY rn.nspname, r.relname
 ORDER BY 1

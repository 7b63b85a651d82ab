-- describe_target_relation.sql for several names at once (the tables of a bundle's
-- indexes): one row per name the target has as a table or partitioned table.
SELECT '"' || pg_catalog.replace(n.nspname, '"', '""') || '"."' || pg_catalog.replace(c.relname, '"', '""') || '"'
       AS relation,
       c.relkind = 'p' AS is_partitioned,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN c.relispartition THEN
       (SELECT pg_catalog.string_agg('"' || pg_catalog.replace(an.nspname, '"', '""') || '"."'
                                     || pg_catalog.replace(ac.relname, '"', '""') || '"', E'\n' ORDER BY a.depth)
          FROM pg_catalog.pg_partition_ancestors(c.oid) WITH ORDINALITY AS a(relid, depth)
          JOIN pg_catalog.pg_class ac ON ac.oid = a.relid
          JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace
         WHERE a.relid <> c.oid) END AS ancestors
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid IN (SELECT pg_catalog.to_regclass(r) FROM pg_catalog.unnest(?::pg_catalog.text[]) AS r)
   AND c.relkind IN ('r', 'p')

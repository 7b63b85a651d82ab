-- Every table and partitioned table of the target, as describe_target_relation.sql
-- describes one: the plan of where rows land reads them all in one query, not one query
-- per table (10,000 tables took 10,000 round trips).
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
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'

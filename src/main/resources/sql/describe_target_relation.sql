-- One relation of the target by name, and its place in a partition tree: where the copy
-- writes a source table's rows, and what a TRUNCATE of it empties. No row when the
-- target has no table or partitioned table of that name.
-- Names are qualified and always quoted, as the tool quotes them, so that they compare
-- equal to its own; ancestors nearest first, the relation itself excluded.
SELECT '"' || pg_catalog.replace(n.nspname, '"', '""') || '"."' || pg_catalog.replace(c.relname, '"', '""') || '"'
       AS relation,
       c.relkind = 'p' AS is_partitioned,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       (SELECT pg_catalog.string_agg('"' || pg_catalog.replace(an.nspname, '"', '""') || '"."'
                                     || pg_catalog.replace(ac.relname, '"', '""') || '"', E'\n' ORDER BY a.depth)
          FROM pg_catalog.pg_partition_ancestors(c.oid) WITH ORDINALITY AS a(relid, depth)
          JOIN pg_catalog.pg_class ac ON ac.oid = a.relid
          JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace
         WHERE a.relid <> c.oid) AS ancestors
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = pg_catalog.to_regclass(?)
   AND c.relkind IN ('r', 'p')

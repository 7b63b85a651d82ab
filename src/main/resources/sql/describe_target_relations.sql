-- Relations of the target by name, and their place in a partition tree: where the copy
-- writes a source table's rows, and what a TRUNCATE of it empties. One row per name the
-- target has as a table or partitioned table; the first parameter, an array of names
-- (quoted and qualified), given again as the second; both NULL: every table of the
-- target outside the system schemas. One query for all names: plan targets once made
-- one round trip per table, 10,000 of them.
-- Names are qualified and always quoted, as the tool quotes them, so that they compare
-- equal to its own; ancestors nearest first, the relation itself excluded.
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
   AND CASE WHEN ?::pg_catalog.text[] IS NULL
            THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
            ELSE c.oid IN (SELECT pg_catalog.to_regclass(r) FROM pg_catalog.unnest(?::pg_catalog.text[]) AS r)
       END

-- The column lists of one target table's unique indexes, one row each, key columns in
-- index order (expression and partial indexes left out: they do not name a row by its
-- columns). What decides whether two changes of one group may conflict.
SELECT pg_catalog.array_agg(a.attname::text ORDER BY u.ord) AS column_names
  FROM pg_catalog.pg_index x
 CROSS JOIN LATERAL pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS u(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
 WHERE x.indrelid = pg_catalog.to_regclass(?) AND x.indisunique
   AND x.indexprs IS NULL AND x.indpred IS NULL AND u.ord <= x.indnkeyatts
 GROUP BY x.indexrelid

-- What may make two changes of one target table conflict: the column lists of its unique
-- indexes, one row each, key columns in index order; and one empty list for each unique
-- index with an expression or a predicate, each exclusion constraint, and each unique
-- index with a nondeterministic collation, since no list of column values says which rows
-- those compare (lower(email) makes 'A' and 'a' one value, and so may a collation).
-- An empty list never matches a replica identity, so such a table is applied in order.
-- A partitioned table's partitions count too: a unique index of one partition only is
-- checked on rows written through the root (pg_partition_tree lists nothing for a table
-- that is not partitioned).
WITH t(oid) AS (SELECT pg_catalog.to_regclass(?)::pg_catalog.oid)
SELECT CASE WHEN pg_catalog.bool_and(x.indexprs IS NULL AND x.indpred IS NULL AND x.indisunique
                                     AND coalesce(c.collisdeterministic, true))
            THEN pg_catalog.array_agg(a.attname::text ORDER BY u.ord)
            ELSE '{}'::text[] END AS column_names
  FROM pg_catalog.pg_index x
 CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(x.indkey::pg_catalog.int2[]),
                               pg_catalog.unnest(x.indcollation::pg_catalog.oid[]))
       WITH ORDINALITY AS u(attnum, coll, ord)
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
  LEFT JOIN pg_catalog.pg_collation c ON c.oid = u.coll
 WHERE x.indrelid IN (SELECT t.oid FROM t UNION ALL SELECT p.relid FROM t, pg_catalog.pg_partition_tree(t.oid) p)
   AND (x.indisunique OR x.indisexclusion)
   AND u.ord <= x.indnkeyatts
 GROUP BY x.indexrelid

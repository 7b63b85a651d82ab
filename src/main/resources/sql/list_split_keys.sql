-- The key that cuts a large table into slices (same-table concurrency): one column of
-- type int2, int4 or int8 carrying a valid unique index of that column alone, without
-- predicate or expression. A primary key first, then a NOT NULL column, then the oldest
-- index. The parameter: the OIDs (int8) of the tables to split. A column that allows NULL gets a slice of
-- its own for the NULL keys.
SELECT DISTINCT ON (i.indrelid)
       i.indrelid AS table_oid,
       pg_catalog.quote_ident(a.attname) AS key_column,
       a.attnotnull AS not_null
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
 WHERE i.indrelid::pg_catalog.int8 = ANY (?)
   AND i.indnatts = 1
   AND i.indisunique
   AND i.indisvalid
   AND i.indpred IS NULL
   AND i.indexprs IS NULL
   AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                      'pg_catalog.int8'::pg_catalog.regtype)
 ORDER BY i.indrelid, i.indisprimary DESC, a.attnotnull DESC, i.indexrelid

-- list_target_column_types.sql for several tables at once (a bundle of small tables):
-- each row is the table's position in the array (from 1) and one "name type" column.
SELECT r.ordinal, pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, NULL) AS column_type
  FROM pg_catalog.unnest(?::pg_catalog.text[]) WITH ORDINALITY AS r(relation, ordinal)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = pg_catalog.to_regclass(r.relation)
 WHERE a.attnum > 0 AND NOT a.attisdropped

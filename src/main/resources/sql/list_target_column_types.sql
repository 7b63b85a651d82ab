-- The target's column types of one table, in the same "name type" form as
-- list_tables.sql's column_types, to check that a binary COPY would read each column
-- as the type the source wrote.
SELECT pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, NULL) AS column_type
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped

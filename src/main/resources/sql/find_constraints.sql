-- find_constraint.sql for several constraints at once (the indexes of a bundle of small
-- tables): those of the (schema, table, constraint) names given as three arrays that the
-- target already has.
SELECT n.nspname, t.relname, c.conname
  FROM ROWS FROM (pg_catalog.unnest(?::pg_catalog.text[]), pg_catalog.unnest(?::pg_catalog.text[]),
                  pg_catalog.unnest(?::pg_catalog.text[])) AS k(nspname, relname, conname)
  JOIN pg_catalog.pg_namespace n ON n.nspname = k.nspname
  JOIN pg_catalog.pg_class t ON t.relnamespace = n.oid AND t.relname = k.relname
  JOIN pg_catalog.pg_constraint c ON c.conrelid = t.oid AND c.conname = k.conname

-- Whether a table on the target already has a constraint of this name: an index build
-- retried after its constraint was attached must not build the index again.
SELECT 1
  FROM pg_catalog.pg_constraint c
  JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = ? AND t.relname = ? AND c.conname = ?

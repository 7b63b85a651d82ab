-- The tables a follow publishes, with what decides whether the source may still UPDATE
-- and DELETE them once published: the replica identity (d default = the primary key,
-- n nothing, f full, i an index), whether the primary key or the identity index exists
-- (a dropped identity index leaves relreplident = 'i' and behaves as nothing), and the
-- persistence (unlogged tables cannot be published).
-- Parameter: the tables' OIDs, an oid[].
SELECT c.oid AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       c.relpersistence,
       c.relreplident,
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                WHERE i.indrelid = c.oid AND i.indisprimary) AS has_primary_key,
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                WHERE i.indrelid = c.oid AND i.indisreplident) AS has_identity_index
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = ANY (?::oid[])
 ORDER BY n.nspname, c.relname

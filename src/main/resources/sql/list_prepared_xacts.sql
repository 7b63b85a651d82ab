-- Prepared transactions also hold back a new logical replication slot until they are
-- committed or rolled back.
SELECT p.gid, p.database, p.owner, p.prepared::text AS prepared
  FROM pg_catalog.pg_prepared_xacts p
 ORDER BY p.prepared

-- The sessions holding or waiting for a lock that conflicts with ACCESS SHARE on a table
-- of the current database (ACCESS EXCLUSIVE: TRUNCATE, ALTER TABLE, DROP, VACUUM FULL,
-- LOCK TABLE), to name them when the run cannot lock or read it. A waiter counts: a new
-- ACCESS SHARE request queues behind it, and it waits for the run's own locks.
-- Parameters: a table's qualified name, twice; NULL for every table of the database.
SELECT a.pid, a.usename, a.application_name, a.state, l.granted, l.relation::pg_catalog.regclass::text AS locked
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'relation'
   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
   AND (?::text IS NULL OR l.relation = pg_catalog.to_regclass(?::text))
   AND l.mode = 'AccessExclusiveLock'
   AND a.pid <> pg_catalog.pg_backend_pid()
 ORDER BY a.pid
 LIMIT 5;

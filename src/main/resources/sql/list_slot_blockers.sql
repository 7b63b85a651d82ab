-- The source sessions whose open transactions a new logical replication slot waits for:
-- every transaction that had an xid when the slot creation began must end first, in any
-- database of the cluster. Never their query text: it may hold a secret or data.
-- Parameter: the pid of the walsender creating the slot.
SELECT a.pid, a.datname, a.usename, a.application_name, a.state,
       a.xact_start::text AS xact_start, a.query_start::text AS query_start
  FROM pg_catalog.pg_stat_activity a
 WHERE a.backend_xid IS NOT NULL
   AND a.pid <> ?
 ORDER BY a.xact_start NULLS LAST, a.pid

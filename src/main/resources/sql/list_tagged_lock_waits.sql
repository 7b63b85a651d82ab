-- The sessions of this process on this server that wait for a lock and that the stall
-- watcher does not watch by pid: those of the child tools (pg_dump, pg_restore, psql),
-- which carry the process's session tag in their application_name (see SessionTag), and
-- any session opened without registering. The purpose after the tag says what each does.
-- Parameters: the application_name prefix of this process ("pgcopydb[tag] "), and the
-- pids already watched, an int[].
SELECT a.pid, a.application_name, pg_catalog.pg_blocking_pids(a.pid) AS blockers
  FROM pg_catalog.pg_stat_activity a
 WHERE a.pid <> pg_catalog.pg_backend_pid()
   AND a.wait_event_type = 'Lock'
   AND pg_catalog.left(a.application_name, pg_catalog.length(?)) = ?
   AND a.pid <> ALL (?::int[])
 ORDER BY a.pid;

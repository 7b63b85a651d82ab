-- The sessions named as blocking one of the run's sessions, as a person identifies them:
-- user, application and state. Never their query: the last statement of an idle session
-- may hold a secret (ALTER ROLE ... PASSWORD) or data.
-- Parameter: the blocking pids, an int[].
SELECT a.pid, a.usename, a.application_name, a.state
  FROM pg_catalog.pg_stat_activity a
 WHERE a.pid = ANY (?::int[])
 ORDER BY a.pid;

-- The backends, in any database of the server, whose application_name starts with one of
-- the given pgcopydb session tags: sessions and child tools of earlier processes of one
-- --dir, which a killed process may have left working (an index build, a COPY waiting
-- for a lock). What each runs is told by its first keyword only: the query text may hold
-- data. Another role's query reads '<insufficient privilege>' without pg_read_all_stats.
-- Parameter: the tags, as text[].
SELECT a.pid, a.datname, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event,
       CASE WHEN a.query IS NULL OR a.query LIKE '<%' THEN NULL
            ELSE pg_catalog.upper(pg_catalog.split_part(pg_catalog.ltrim(a.query), ' ', 1)) END AS command,
       pg_catalog.floor(extract(epoch FROM pg_catalog.now() - coalesce(a.query_start, a.backend_start)))::bigint AS seconds
  FROM pg_catalog.pg_stat_activity a
 WHERE a.pid <> pg_catalog.pg_backend_pid()
   AND pg_catalog.substring(a.application_name, '^pgcopydb\[([a-z0-9]{8})\]') = ANY (?::text[])
 ORDER BY a.pid;

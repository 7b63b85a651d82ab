-- list_session_activity for PostgreSQL 12 and 13, which have no pg_stat_progress_copy:
-- a COPY is judged by its state and wait only.
-- Parameter: the backend pids, an int[].
SELECT a.pid, a.state, a.wait_event_type, a.wait_event,
       pg_catalog.pg_blocking_pids(a.pid) AS blockers,
       pg_catalog.concat_ws('/', i.phase, i.blocks_done, i.tuples_done, i.partitions_done, v.phase,
                            v.heap_blks_scanned, v.heap_blks_vacuumed) AS progress,
       false AS counts_every_row
  FROM pg_catalog.pg_stat_activity a
  LEFT JOIN pg_catalog.pg_stat_progress_create_index i ON i.pid = a.pid
  LEFT JOIN pg_catalog.pg_stat_progress_vacuum v ON v.pid = a.pid
 WHERE a.pid = ANY (?::int[]);

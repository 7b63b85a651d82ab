-- What each of the run's sessions on this server is doing, for the stall watcher (one
-- query per side and interval, on a session of its own): state and wait, the sessions
-- blocking it, and a text key of its server-side progress counters (COPY, CREATE INDEX,
-- VACUUM): a key that changes between samples means the backend made progress. COPY FROM
-- counts every row it stores, so a COPY FROM whose counters stand still is not working.
-- PostgreSQL 14 and later (pg_stat_progress_copy); see the _pre14 variant.
-- Parameter: the backend pids, an int[].
SELECT a.pid, a.state, a.wait_event_type, a.wait_event,
       pg_catalog.pg_blocking_pids(a.pid) AS blockers,
       pg_catalog.concat_ws('/', c.bytes_processed, c.tuples_processed, i.phase, i.blocks_done, i.tuples_done,
                            i.partitions_done, v.phase, v.heap_blks_scanned, v.heap_blks_vacuumed) AS progress,
       c.command = 'COPY FROM' AS counts_every_row
  FROM pg_catalog.pg_stat_activity a
  LEFT JOIN pg_catalog.pg_stat_progress_copy c ON c.pid = a.pid
  LEFT JOIN pg_catalog.pg_stat_progress_create_index i ON i.pid = a.pid
  LEFT JOIN pg_catalog.pg_stat_progress_vacuum v ON v.pid = a.pid
 WHERE a.pid = ANY (?::int[]);

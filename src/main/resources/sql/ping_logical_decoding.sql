-- Whether the source lets a follow decode its WAL: wal_level, the role's REPLICATION
-- (or superuser), free replication slots and WAL senders.
SELECT pg_catalog.current_setting('wal_level') AS wal_level,
       r.rolsuper OR r.rolreplication AS can_replicate,
       pg_catalog.current_setting('max_replication_slots')::int AS max_slots,
       (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int AS used_slots,
       pg_catalog.current_setting('max_wal_senders')::int AS max_wal_senders,
       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int AS used_wal_senders
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = current_user

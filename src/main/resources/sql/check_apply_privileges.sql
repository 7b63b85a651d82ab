-- What the apply session needs that PostgreSQL gives only to superusers by default: the
-- replication origin functions (grantable with GRANT EXECUTE) and setting
-- session_replication_role (grantable on PostgreSQL 15 with GRANT SET ON PARAMETER).
SELECT r.rolsuper AS is_superuser,
       pg_catalog.has_function_privilege('pg_catalog.pg_replication_origin_session_setup(text)', 'EXECUTE')
       AS can_setup_session,
       pg_catalog.has_function_privilege(
           'pg_catalog.pg_replication_origin_xact_setup(pg_catalog.pg_lsn, timestamp with time zone)', 'EXECUTE')
       AS can_setup_xact,
       pg_catalog.has_function_privilege('pg_catalog.pg_replication_origin_progress(text, boolean)', 'EXECUTE')
       AS can_read_progress
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = CURRENT_USER

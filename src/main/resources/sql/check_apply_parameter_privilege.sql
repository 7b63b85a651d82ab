-- Whether the current role may SET session_replication_role (PostgreSQL 15 and later,
-- where the privilege can be granted: GRANT SET ON PARAMETER).
SELECT pg_catalog.has_parameter_privilege('session_replication_role', 'SET') AS can_set_replication_role

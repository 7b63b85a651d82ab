-- The settings of the current database (ALTER DATABASE ... SET: role_name is NULL) and
-- of roles in it (ALTER ROLE ... IN DATABASE ... SET), one row per setting, in the
-- "name=value" form pg_db_role_setting stores.
SELECT r.rolname AS role_name, s.setting
  FROM pg_catalog.pg_db_role_setting rs
  JOIN pg_catalog.pg_database d ON d.oid = rs.setdatabase
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = rs.setrole
 CROSS JOIN LATERAL pg_catalog.unnest(rs.setconfig) WITH ORDINALITY AS s(setting, ordinal)
 WHERE d.datname = pg_catalog.current_database()
 ORDER BY r.rolname NULLS FIRST, s.ordinal;

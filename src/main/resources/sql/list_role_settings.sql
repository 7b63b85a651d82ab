-- The settings of roles in every database (ALTER ROLE ... SET), in the "name=value" form
-- pg_db_role_setting stores; the settings of roles in one database go with that
-- database's properties.
SELECT r.rolname AS role_name, s.setting
  FROM pg_catalog.pg_db_role_setting rs
  JOIN pg_catalog.pg_roles r ON r.oid = rs.setrole
 CROSS JOIN LATERAL pg_catalog.unnest(rs.setconfig) WITH ORDINALITY AS s(setting, ordinal)
 WHERE rs.setdatabase = 0
   AND r.rolname !~ '^pg_'
 ORDER BY r.rolname, s.ordinal;

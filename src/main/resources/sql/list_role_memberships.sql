-- Role memberships (GRANT role TO member), predefined pg_* roles included as granted
-- roles, with the admin option.
SELECT g.rolname AS granted_role, m.rolname AS member, am.admin_option
  FROM pg_catalog.pg_auth_members am
  JOIN pg_catalog.pg_roles g ON g.oid = am.roleid
  JOIN pg_catalog.pg_roles m ON m.oid = am.member
 WHERE m.rolname !~ '^pg_'
 ORDER BY 1, 2;

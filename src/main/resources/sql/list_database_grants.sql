-- The privileges granted on the current database (CONNECT, CREATE, TEMPORARY), but for
-- the owner's own, which follow the owner. grantee_name is NULL for PUBLIC.
SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee_name,
       a.privilege_type,
       a.is_grantable
  FROM pg_catalog.pg_database d
 CROSS JOIN LATERAL pg_catalog.aclexplode(d.datacl) a
 WHERE d.datname = pg_catalog.current_database()
   AND a.grantee <> d.datdba
 ORDER BY 1 NULLS FIRST, 2;

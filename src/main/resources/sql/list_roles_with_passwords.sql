-- The cluster's roles but the predefined pg_* ones, with their attributes and password
-- hashes (pg_authid: readable by superusers only).
SELECT a.rolname, a.rolsuper, a.rolinherit, a.rolcreaterole, a.rolcreatedb, a.rolcanlogin,
       a.rolreplication, a.rolbypassrls, a.rolconnlimit, a.rolvaliduntil::text AS rolvaliduntil,
       a.rolpassword,
       pg_catalog.shobj_description(a.oid, 'pg_authid') AS comment
  FROM pg_catalog.pg_authid a
 WHERE a.rolname !~ '^pg_'
 ORDER BY a.rolname;

-- The cluster's roles but the predefined pg_* ones, with their attributes, without
-- passwords (pg_roles shows them as ********): the variant for a connection that may not
-- read pg_authid.
SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
       r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil::text AS rolvaliduntil,
       NULL::text AS rolpassword,
       pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
  FROM pg_catalog.pg_roles r
 WHERE r.rolname !~ '^pg_'
 ORDER BY r.rolname;

-- Tables and sequences (what the copy reads: materialized views are refreshed on the
-- target, partitioned parents hold no rows) whose rows this session's role cannot read
-- in full: no SELECT privilege, or row-level security that would filter rows (enabled,
-- and the role neither owns the table nor bypasses RLS). The copy would fail on them.
-- schema_name, table_name and is_table let a filtered run pass over what it leaves out.
SELECT pg_catalog.format('%s.%s', n.nspname, c.relname) AS name,
       n.nspname AS schema_name, c.relname AS table_name, c.relkind = 'r' AS is_table,
       CASE WHEN NOT pg_catalog.has_table_privilege(c.oid, 'SELECT') THEN 'select' ELSE 'rls' END AS reason
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'S')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                      AND d.deptype = 'e')
   AND (NOT pg_catalog.has_table_privilege(c.oid, 'SELECT')
        OR (c.relrowsecurity
            AND NOT pg_catalog.pg_has_role(c.relowner, 'USAGE')
            AND NOT (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r
                      WHERE r.rolname = pg_catalog.current_user())))
 ORDER BY 1;

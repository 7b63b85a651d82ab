-- The roles owning what a clone restores (schemas, relations, functions, types, large
-- objects; extension members, system schemas and schemas holding an extension, which
-- CREATE EXTENSION or copy extensions create, left out), so that a non-superuser
-- target role can be checked for the right to give each object its owner.
SELECT DISTINCT pg_catalog.pg_get_userbyid(o.owner) AS owner
  FROM (SELECT n.nspowner FROM pg_catalog.pg_namespace n
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extnamespace = n.oid)
        UNION
        SELECT c.relowner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                              AND d.deptype = 'e')
        UNION
        SELECT p.proowner FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
                              AND d.deptype = 'e')
        UNION
        SELECT l.lomowner FROM pg_catalog.pg_largeobject_metadata l) AS o(owner)
 ORDER BY 1;

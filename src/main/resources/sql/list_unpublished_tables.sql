-- The source's tables that no publication of a pgoutput follow names ($1: the follow's
-- publication names): ordinary and partitioned tables, logged (unlogged tables cannot be
-- published), no partition (a partition's changes are published through its root),
-- no extension member, outside the system schemas. Setup published every such table
-- the run keeps, so one listed here and kept by the run's filters was created on the
-- source after setup: its changes are not streamed.
SELECT n.nspname AS schema_name, c.relname AS table_name
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT c.relispartition
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                      AND d.deptype = 'e')
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel r
                     JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid
                    WHERE p.pubname = ANY (?) AND r.prrelid = c.oid)
 ORDER BY n.nspname, c.relname

-- Of the given tables (those the run's filters leave out), the ones the connected role
-- cannot lock: pg_dump locks every table it dumps (LOCK TABLE ... IN ACCESS SHARE MODE
-- takes SELECT on the table and USAGE on its schema), so these are left out of the dump.
SELECT c.oid
  FROM pg_catalog.pg_class c
 WHERE c.oid::pg_catalog.int8 = ANY (?)
   AND NOT (pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE')
            AND pg_catalog.has_table_privilege(c.oid, 'SELECT'))

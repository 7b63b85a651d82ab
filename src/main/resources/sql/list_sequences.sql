-- Sequences whose current value the job sets on the target (pre-data creates them, at
-- their start value). Identity and serial sequences included; extension members excluded.
-- owner_table and owner_column name the column a sequence is owned by (serial, identity),
-- so the target's own sequence for that column is set even when the table was recreated.
SELECT c.oid AS sequence_oid,
       n.nspname AS schema_name,
       c.relname AS sequence_name,
       own.owner_table,
       own.owner_column
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN LATERAL (
       SELECT '"' || pg_catalog.replace(tn.nspname, '"', '""') || '"."' || pg_catalog.replace(t.relname, '"', '""')
              || '"' AS owner_table,
              a.attname AS owner_column
         FROM pg_catalog.pg_depend d
         JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
         JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0
          AND d.deptype IN ('a', 'i')
        LIMIT 1) own ON true
 WHERE c.relkind = 'S'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY n.nspname, c.relname

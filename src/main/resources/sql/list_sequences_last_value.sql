-- The sequences list sequences shows, as list_sequences.sql finds them, with the last
-- value nextval returned (NULL before the first call, or without SELECT or USAGE on the
-- sequence) and the column that owns it (serial, identity), table unquoted.
SELECT c.oid AS sequence_oid,
       n.nspname AS schema_name,
       c.relname AS sequence_name,
       CASE WHEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE')
            THEN pg_catalog.pg_sequence_last_value(c.oid) END AS last_value,
       own.owner_table_oid,
       own.owner_table,
       own.owner_column
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN LATERAL (
       SELECT t.oid AS owner_table_oid,
              tn.nspname || '.' || t.relname AS owner_table,
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

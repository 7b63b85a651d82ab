-- Foreign keys on the target: --drop-if-exists drops those touching the tables it is
-- about to drop, since pre-data holds no foreign keys and DROP TABLE would refuse.
SELECT n.nspname AS schema_name, c.relname AS table_name, co.conname AS constraint_name,
       rn.nspname AS referenced_schema, rc.relname AS referenced_table
  FROM pg_catalog.pg_constraint co
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE co.contype = 'f'
   AND co.conparentid = 0

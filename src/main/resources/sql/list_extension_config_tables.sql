-- The configuration tables and sequences of extensions (pg_extension_config_dump), whose
-- rows pg_dump dumps as user data: the rows matching the registered condition (all rows
-- when it is empty). column_list leaves generated columns out, as COPY requires.
SELECT e.extname,
       n.nspname AS schema_name,
       c.relname,
       c.relkind,
       cfg.condition,
       (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS column_list
  FROM pg_catalog.pg_extension e
 CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS cfg(reloid, condition) -- the multi-argument form: not schema-qualified
  JOIN pg_catalog.pg_class c ON c.oid = cfg.reloid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 ORDER BY e.extname, n.nspname, c.relname;

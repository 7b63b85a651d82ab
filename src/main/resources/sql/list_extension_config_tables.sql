-- The configuration tables and sequences of extensions (pg_extension_config_dump), whose
-- rows pg_dump dumps as user data: the rows matching the registered condition (all rows
-- when it is empty). column_list leaves generated columns out, as COPY requires;
-- referenced names the tables its foreign keys point to, so that parents are filled
-- first and emptied last.
SELECT e.extname,
       n.nspname AS schema_name,
       c.relname,
       c.relkind,
       cfg.condition,
       (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS column_list,
       ARRAY(SELECT pg_catalog.format('%s.%s', rn.nspname, r.relname)
               FROM pg_catalog.pg_constraint k
               JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
               JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
              WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid <> c.oid) AS referenced
  FROM pg_catalog.pg_extension e
 CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS cfg(reloid, condition) -- the multi-argument form: not schema-qualified
  JOIN pg_catalog.pg_class c ON c.oid = cfg.reloid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 ORDER BY e.extname, n.nspname, c.relname;

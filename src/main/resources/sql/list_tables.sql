-- Tables whose rows the copy moves: ordinary tables and leaf partitions (a partitioned
-- parent holds no rows; its partitions are copied one by one). Extension member tables
-- are left to CREATE EXTENSION. Largest first, so the long copies start early.
-- Columns: generated columns are excluded, as COPY TO does by default; the list is
-- explicit so that a target with extra columns (schema changes) still loads.
-- column_types ("name type" lines) and builtin_types (every type is built in, OID below
-- FirstNormalObjectId, and none is a reg* type: in binary those travel as OIDs, which
-- name other objects or none on the target; as text they are names) decide whether the
-- table may be copied in binary format.
-- partition_ancestors (qualified names quoted as the tool quotes them, always, nearest
-- first) and partition_bound let the
-- copy find where the rows go when the target was partitioned differently after
-- restore pre-data; index_names (every index of the table, one per line) let the
-- post-data restore list the entries of a partition the target no longer has.
SELECT c.oid AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       cols.column_list,
       cols.column_types,
       cols.builtin_types,
       pg_catalog.pg_table_size(c.oid) AS table_bytes,
       (SELECT pg_catalog.string_agg('"' || pg_catalog.replace(an.nspname, '"', '""') || '"."'
                                     || pg_catalog.replace(ac.relname, '"', '""') || '"', E'\n' ORDER BY a.depth)
          FROM pg_catalog.pg_partition_ancestors(c.oid) WITH ORDINALITY AS a(relid, depth)
          JOIN pg_catalog.pg_class ac ON ac.oid = a.relid
          JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace
         WHERE a.relid <> c.oid) AS partition_ancestors,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       (SELECT pg_catalog.string_agg(ic.relname, E'\n' ORDER BY ic.relname)
          FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
         WHERE i.indrelid = c.oid) AS index_names
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL (
       SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) AS column_list,
              pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, NULL),
                                    E'\n' ORDER BY a.attnum) AS column_types,
              COALESCE(pg_catalog.bool_and(a.atttypid < 16384
                                           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type ty
                                                            WHERE ty.oid = a.atttypid AND ty.typname ~ '^_?reg')),
                       true) AS builtin_types
         FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') cols
 WHERE c.relkind = 'r'
   AND c.relpersistence IN ('p', 'u')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY table_bytes DESC, n.nspname, c.relname

-- What compare data reads of one table (given as a quoted, qualified name): its columns
-- in attribute order, and the key rows are told apart by: the primary key, else the
-- unique index with the fewest columns, all NOT NULL, without expression or predicate.
-- key_is_integer: a single smallint, integer or bigint column, whose ranges split the
-- table; key_is_collatable: a key column whose order depends on a collation.
-- column_types: each column's type, by OID for a built-in type (the same on every
-- server), else by name; column_hash_forms: the qualified name of a built-in type's
-- binary send function (exact: numeric sign and scale, float bits), NULL for the others
-- (compared as text), reg* types among them: they send OIDs, which differ between
-- servers, and print names.
-- No row when the table does not exist.
WITH t(oid) AS (SELECT pg_catalog.to_regclass(?)::pg_catalog.oid),
cols AS (
    SELECT pg_catalog.array_agg(pg_catalog.quote_ident(a.attname) ORDER BY a.attnum) AS columns,
           pg_catalog.array_agg(CASE WHEN a.atttypid < 16384 THEN a.atttypid::pg_catalog.text
                                     ELSE pg_catalog.format_type(a.atttypid, NULL) END ORDER BY a.attnum) AS column_types,
           pg_catalog.array_agg(CASE WHEN a.atttypid < 16384 AND ty.typsend <> 0 AND ty.typname !~ '^_?reg'
                                     THEN 'pg_catalog.' || pg_catalog.quote_ident(sp.proname) END
                                ORDER BY a.attnum) AS column_hash_forms
      FROM t
      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid
      JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_proc sp ON sp.oid = ty.typsend
     WHERE a.attnum > 0 AND NOT a.attisdropped
),
key AS (
    SELECT x.indexrelid, x.indisprimary,
           pg_catalog.array_agg(pg_catalog.quote_ident(a.attname) ORDER BY u.ord) AS key_columns,
           pg_catalog.array_agg(a.atttypid ORDER BY u.ord) AS key_types,
           pg_catalog.bool_and(a.attnotnull) AS not_null,
           pg_catalog.bool_or(a.attcollation <> 0) AS collatable
      FROM t
      JOIN pg_catalog.pg_index x ON x.indrelid = t.oid
     CROSS JOIN LATERAL pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS u(attnum, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum
     WHERE x.indisunique AND x.indisvalid AND x.indexprs IS NULL AND x.indpred IS NULL
       AND u.ord <= x.indnkeyatts
     GROUP BY x.indexrelid, x.indisprimary
)
SELECT c.relkind::text AS kind, cols.columns, cols.column_types, cols.column_hash_forms,
       k.key_columns,
       coalesce(pg_catalog.array_length(k.key_columns, 1) = 1
                AND k.key_types[1] IN ('int2'::pg_catalog.regtype, 'int4'::pg_catalog.regtype,
                                       'int8'::pg_catalog.regtype), false) AS key_is_integer,
       coalesce(k.collatable, false) AS key_is_collatable,
       -- the key's type by its qualified name (format_type would give "character", that
       -- is char(1), for bpchar); only built-in types, whose operators resolve with an
       -- empty search_path, and not bit (bit without a length is bit(1))
       (SELECT 'pg_catalog.' || pg_catalog.quote_ident(ty.typname)
          FROM pg_catalog.pg_type ty
         WHERE ty.oid = k.key_types[1] AND ty.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
           AND ty.typname NOT IN ('bit', 'varbit')) AS first_key_type,
       -- never analyzed (reltuples 0, or -1 from PostgreSQL 14): from the table's size; a
       -- partitioned table: its partitions'
       (CASE WHEN c.relkind <> 'p' THEN
                 CASE WHEN c.reltuples > 0 THEN c.reltuples ELSE pg_catalog.pg_relation_size(c.oid) / 64 END
             ELSE (SELECT pg_catalog.sum(CASE WHEN pc.reltuples > 0 THEN pc.reltuples
                                               ELSE pg_catalog.pg_relation_size(pc.oid) / 64 END)
                     FROM pg_catalog.pg_partition_tree(c.oid) pt
                     JOIN pg_catalog.pg_class pc ON pc.oid = pt.relid
                    WHERE pt.isleaf) END)::bigint AS estimated_rows
  FROM t
  JOIN pg_catalog.pg_class c ON c.oid = t.oid
 CROSS JOIN cols
  LEFT JOIN LATERAL (SELECT * FROM key WHERE key.not_null
                      ORDER BY key.indisprimary DESC, pg_catalog.array_length(key.key_columns, 1), key.indexrelid
                      LIMIT 1) k ON true

-- What cannot be changed once a database exists: its encoding, locale provider and
-- locale, and the collation version recorded for it; and the database-level
-- lc_monetary, which decides how money values read (NULL when not set there).
-- PostgreSQL 15 and later; find_database_facts_pre15.sql for older servers.
SELECT pg_catalog.pg_encoding_to_char(d.encoding) AS encoding,
       d.datcollate,
       d.datctype,
       d.datlocprovider::text AS locale_provider,
       d.datcollversion AS collation_version,
       (SELECT pg_catalog.substr(s, pg_catalog.strpos(s, '=') + 1)
          FROM pg_catalog.pg_db_role_setting rs, pg_catalog.unnest(rs.setconfig) s
         WHERE rs.setdatabase = d.oid AND rs.setrole = 0 AND s LIKE 'lc\_monetary=%') AS lc_monetary,
       EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                WHERE a.atttypid = 'pg_catalog.money'::pg_catalog.regtype AND NOT a.attisdropped
                  AND c.relkind IN ('r', 'p')) AS has_money
  FROM pg_catalog.pg_database d
 WHERE d.datname = pg_catalog.current_database();

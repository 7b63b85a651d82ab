-- The server's databases a user can copy (templates left out), for list databases:
-- owner, encoding, and size (NULL where the user may not connect, as pg_database_size
-- refuses then).
SELECT d.oid AS database_oid,
       d.datname AS database_name,
       pg_catalog.pg_get_userbyid(d.datdba) AS owner,
       pg_catalog.pg_encoding_to_char(d.encoding) AS encoding,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
            THEN pg_catalog.pg_database_size(d.oid) END AS database_bytes
  FROM pg_catalog.pg_database d
 WHERE NOT d.datistemplate
 ORDER BY d.datname

-- The schemas of publications FOR TABLES IN SCHEMA (PostgreSQL 15 and later), as
-- pg_dump's archive names them: schema, then the tag "publication schema".
SELECT 'PUBLICATION TABLES IN SCHEMA' AS kind, n.nspname AS schema_name, pub.pubname || ' ' || n.nspname AS tag,
       NULL AS detail
  FROM pg_catalog.pg_publication_namespace pn
  JOIN pg_catalog.pg_publication pub ON pub.oid = pn.pnpubid
  JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid

-- The collations created in the database (not those initdb or an extension created),
-- with their provider (c libc, i ICU, d default), locale, and the collation version
-- recorded at creation next to the version the library gives now.
SELECT n.nspname AS schema_name,
       c.collname,
       c.collprovider,
       c.collcollate,
       c.collctype,
       c.collversion,
       pg_catalog.pg_collation_actual_version(c.oid) AS actual_version
  FROM pg_catalog.pg_collation c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
 WHERE c.oid >= 16384
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_collation'::pg_catalog.regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 1, 2;

-- Every named object of the database that a pg_dump archive entry could create, one row
-- each, as the archive names it: kind is pg_dump's entry type (TABLE, VIEW, FK
-- CONSTRAINT...), schema_name its schema (null for objects outside schemas) and tag
-- pg_dump's tag: "table name" for constraints, triggers, rules and policies, "f(integer,
-- text)" for functions, "CAST (a AS b)", "pubname table" for a publication's table. Run
-- with search_path = '' so format_type qualifies types as pg_dump does. detail is the
-- columns of a table ("name type" lines, generated columns left out, as list_tables.sql),
-- the owner of a schema, and "definition <md5>" of a view's query or a function's body
-- and result type. With ? false, extension members are left out (pg_dump does
-- not dump them); the target's are kept, since the archive's objects cannot be created
-- over them either. The public schema is left out: pg_dump never creates it. Large
-- objects are listed by OID, the tag of pg_dump's BLOB entries.
WITH members AS (
    SELECT d.classid, d.objid
      FROM pg_catalog.pg_depend d
     WHERE d.deptype = 'e' AND NOT ?::boolean
), schemas AS (
    SELECT n.oid, n.nspname
      FROM pg_catalog.pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname !~ '^pg_(toast|temp)'
)
SELECT 'SCHEMA' AS kind, NULL AS schema_name, n.nspname AS tag,
       pg_catalog.pg_get_userbyid(n.nspowner) AS detail
  FROM pg_catalog.pg_namespace n
 WHERE n.oid IN (SELECT oid FROM schemas) AND n.nspname <> 'public'
   AND ('pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW'
                      WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                      WHEN 'c' THEN 'TYPE' ELSE 'INDEX' END,
       s.nspname, c.relname,
       CASE WHEN c.relkind IN ('r', 'p') THEN
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' '
                                         || pg_catalog.format_type(a.atttypid, NULL), E'\n' ORDER BY a.attnum)
              FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')
            WHEN c.relkind IN ('v', 'm') THEN 'definition ' || pg_catalog.md5(pg_catalog.pg_get_viewdef(c.oid))
       END
  FROM pg_catalog.pg_class c JOIN schemas s ON s.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c', 'i', 'I')
   AND ('pg_catalog.pg_class'::pg_catalog.regclass, c.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'TABLE ATTACH', s.nspname, c.relname, NULL
  FROM pg_catalog.pg_class c JOIN schemas s ON s.oid = c.relnamespace
 WHERE c.relispartition AND c.relkind IN ('r', 'p', 'f')
UNION ALL
SELECT 'INDEX ATTACH', s.nspname, c.relname, NULL
  FROM pg_catalog.pg_class c JOIN schemas s ON s.oid = c.relnamespace
 WHERE c.relispartition AND c.relkind IN ('i', 'I')
UNION ALL
-- base, enum, range and shell types (composite types are pg_class rows above); array
-- types and the row types of relations are made with their element or relation
SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' WHEN NOT t.typisdefined THEN 'SHELL TYPE' ELSE 'TYPE' END,
       s.nspname, t.typname, NULL
  FROM pg_catalog.pg_type t JOIN schemas s ON s.oid = t.typnamespace
 WHERE t.typrelid = 0
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
   AND ('pg_catalog.pg_type'::pg_catalog.regclass, t.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
       s.nspname,
       p.proname || '(' || CASE WHEN p.prokind = 'a' AND p.pronargs = 0 THEN '*' ELSE
           COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.type, NULL), ', ' ORDER BY a.ord)
                       FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS a(type, ord)), '') END || ')',
       CASE WHEN p.prokind IN ('f', 'p') THEN
           'definition ' || pg_catalog.md5(COALESCE(p.prosrc, '') || ' ' || COALESCE(p.probin, '') || ' '
                                           || pg_catalog.format_type(p.prorettype, NULL))
       END
  FROM pg_catalog.pg_proc p JOIN schemas s ON s.oid = p.pronamespace
 WHERE ('pg_catalog.pg_proc'::pg_catalog.regclass, p.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT CASE co.contype WHEN 'f' THEN 'FK CONSTRAINT' WHEN 'c' THEN 'CHECK CONSTRAINT' ELSE 'CONSTRAINT' END,
       s.nspname, COALESCE(c.relname, t.typname) || ' ' || co.conname, NULL
  FROM pg_catalog.pg_constraint co
  JOIN schemas s ON s.oid = co.connamespace
  LEFT JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  LEFT JOIN pg_catalog.pg_type t ON t.oid = co.contypid
 WHERE co.contype <> 't' AND (c.oid IS NOT NULL OR t.oid IS NOT NULL)
UNION ALL
SELECT 'TRIGGER', s.nspname, c.relname || ' ' || tg.tgname, NULL
  FROM pg_catalog.pg_trigger tg
  JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN schemas s ON s.oid = c.relnamespace
 WHERE NOT tg.tgisinternal
UNION ALL
SELECT 'RULE', s.nspname, c.relname || ' ' || r.rulename, NULL
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN schemas s ON s.oid = c.relnamespace
 WHERE r.rulename <> '_RETURN'
UNION ALL
SELECT 'POLICY', s.nspname, c.relname || ' ' || pol.polname, NULL
  FROM pg_catalog.pg_policy pol
  JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid JOIN schemas s ON s.oid = c.relnamespace
UNION ALL
SELECT 'STATISTICS', s.nspname, st.stxname, NULL
  FROM pg_catalog.pg_statistic_ext st JOIN schemas s ON s.oid = st.stxnamespace
UNION ALL
SELECT 'COLLATION', s.nspname, co.collname, NULL
  FROM pg_catalog.pg_collation co JOIN schemas s ON s.oid = co.collnamespace
 WHERE ('pg_catalog.pg_collation'::pg_catalog.regclass, co.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'CONVERSION', s.nspname, cv.conname, NULL
  FROM pg_catalog.pg_conversion cv JOIN schemas s ON s.oid = cv.connamespace
 WHERE ('pg_catalog.pg_conversion'::pg_catalog.regclass, cv.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'TEXT SEARCH CONFIGURATION', s.nspname, x.cfgname, NULL
  FROM pg_catalog.pg_ts_config x JOIN schemas s ON s.oid = x.cfgnamespace
 WHERE ('pg_catalog.pg_ts_config'::pg_catalog.regclass, x.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'TEXT SEARCH DICTIONARY', s.nspname, x.dictname, NULL
  FROM pg_catalog.pg_ts_dict x JOIN schemas s ON s.oid = x.dictnamespace
 WHERE ('pg_catalog.pg_ts_dict'::pg_catalog.regclass, x.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'TEXT SEARCH PARSER', s.nspname, x.prsname, NULL
  FROM pg_catalog.pg_ts_parser x JOIN schemas s ON s.oid = x.prsnamespace
 WHERE ('pg_catalog.pg_ts_parser'::pg_catalog.regclass, x.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'TEXT SEARCH TEMPLATE', s.nspname, x.tmplname, NULL
  FROM pg_catalog.pg_ts_template x JOIN schemas s ON s.oid = x.tmplnamespace
 WHERE ('pg_catalog.pg_ts_template'::pg_catalog.regclass, x.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'OPERATOR', s.nspname, o.oprname, NULL
  FROM pg_catalog.pg_operator o JOIN schemas s ON s.oid = o.oprnamespace
 WHERE ('pg_catalog.pg_operator'::pg_catalog.regclass, o.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'OPERATOR CLASS', s.nspname, oc.opcname, NULL
  FROM pg_catalog.pg_opclass oc JOIN schemas s ON s.oid = oc.opcnamespace
 WHERE ('pg_catalog.pg_opclass'::pg_catalog.regclass, oc.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'OPERATOR FAMILY', s.nspname, f.opfname, NULL
  FROM pg_catalog.pg_opfamily f JOIN schemas s ON s.oid = f.opfnamespace
 WHERE ('pg_catalog.pg_opfamily'::pg_catalog.regclass, f.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'CAST', NULL,
       'CAST (' || pg_catalog.format_type(ca.castsource, NULL) || ' AS '
       || pg_catalog.format_type(ca.casttarget, NULL) || ')', NULL
  FROM pg_catalog.pg_cast ca
 WHERE ca.oid >= 16384
   AND ('pg_catalog.pg_cast'::pg_catalog.regclass, ca.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'ACCESS METHOD', NULL, am.amname, NULL
  FROM pg_catalog.pg_am am
 WHERE am.oid >= 16384
   AND ('pg_catalog.pg_am'::pg_catalog.regclass, am.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'FOREIGN DATA WRAPPER', NULL, w.fdwname, NULL
  FROM pg_catalog.pg_foreign_data_wrapper w
 WHERE ('pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'SERVER', NULL, fs.srvname, NULL
  FROM pg_catalog.pg_foreign_server fs
 WHERE ('pg_catalog.pg_foreign_server'::pg_catalog.regclass, fs.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'USER MAPPING', NULL, 'USER MAPPING ' || um.usename || ' SERVER ' || um.srvname, NULL
  FROM pg_catalog.pg_user_mappings um
UNION ALL
SELECT 'EVENT TRIGGER', NULL, et.evtname, NULL
  FROM pg_catalog.pg_event_trigger et
 WHERE ('pg_catalog.pg_event_trigger'::pg_catalog.regclass, et.oid) NOT IN (SELECT classid, objid FROM members)
UNION ALL
SELECT 'PUBLICATION', NULL, pub.pubname, NULL
  FROM pg_catalog.pg_publication pub
UNION ALL
SELECT 'PUBLICATION TABLE', s.nspname, pub.pubname || ' ' || c.relname, NULL
  FROM pg_catalog.pg_publication_rel pr
  JOIN pg_catalog.pg_publication pub ON pub.oid = pr.prpubid
  JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid JOIN schemas s ON s.oid = c.relnamespace
UNION ALL
SELECT 'SUBSCRIPTION', NULL, sub.subname, NULL
  FROM pg_catalog.pg_subscription sub
 WHERE sub.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
UNION ALL
-- pre-data creates every large object (pg_restore's lo_create); the job fills them
SELECT 'BLOB', NULL, lo.oid::pg_catalog.text, NULL
  FROM pg_catalog.pg_largeobject_metadata lo

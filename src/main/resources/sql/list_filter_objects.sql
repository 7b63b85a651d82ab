-- Every object of the source database that --filters may leave out, directly or because
-- it depends on something left out (io.pgcopydb.catalog.SourceGraph): user schemas and
-- their relations, indexes, constraints, triggers, rules, policies, functions, types,
-- extended statistics, publication memberships and column defaults; collations, text
-- search configurations, dictionaries, parsers and templates, operators, operator
-- classes and families, conversions, and default privileges set IN SCHEMA (so nothing
-- of a left-out schema is restored into a schema the target lacks); extensions; the
-- toast table and index of each table. System schemas are never filtered.
-- part_of names the object whose definition includes this one (a view's _RETURN rule,
-- a column default or CHECK/NOT NULL constraint, a relation's row and array type, a toast
-- table): when a part is left out, its whole is too, so nothing is half-created.
-- One query for the whole catalog (no per-object round trip), PostgreSQL 13 to 18.
WITH user_namespace AS (
     SELECT n.oid, n.nspname
       FROM pg_catalog.pg_namespace n
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
),
object AS (
     SELECT 'pg_catalog.pg_namespace'::regclass::oid AS class_oid, n.oid AS object_oid, 'schema' AS kind,
            NULL::name AS schema_name, n.nspname::text AS object_name, NULL::oid AS table_oid,
            NULL::oid AS part_of_class, NULL::oid AS part_of_oid, NULL::oid AS references_oid
       FROM user_namespace n
      UNION ALL
     SELECT 'pg_catalog.pg_extension'::regclass::oid, e.oid, 'extension', NULL, e.extname, NULL, NULL, NULL, NULL
       FROM pg_catalog.pg_extension e
      UNION ALL
     SELECT 'pg_catalog.pg_class'::regclass::oid, c.oid,
            CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table'
                           WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                           WHEN 'c' THEN 'type' ELSE 'index' END,
            n.nspname, c.relname, i.indrelid, NULL, NULL, NULL
       FROM pg_catalog.pg_class c
       JOIN user_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c', 'i', 'I')
      UNION ALL
     SELECT 'pg_catalog.pg_class'::regclass::oid, t.oid, 'toast table', 'pg_toast', t.relname, c.oid,
            'pg_catalog.pg_class'::regclass::oid, c.oid, NULL
       FROM pg_catalog.pg_class c
       JOIN user_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
      UNION ALL
     SELECT 'pg_catalog.pg_class'::regclass::oid, ti.indexrelid, 'toast index', 'pg_toast', tic.relname, t.oid,
            'pg_catalog.pg_class'::regclass::oid, t.oid, NULL
       FROM pg_catalog.pg_class c
       JOIN user_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
       JOIN pg_catalog.pg_index ti ON ti.indrelid = t.oid
       JOIN pg_catalog.pg_class tic ON tic.oid = ti.indexrelid
      UNION ALL
     SELECT 'pg_catalog.pg_constraint'::regclass::oid, co.oid,
            CASE co.contype WHEN 'f' THEN 'foreign key' ELSE 'constraint' END,
            n.nspname, co.conname, NULLIF(co.conrelid, 0),
            CASE WHEN co.contypid <> 0 THEN 'pg_catalog.pg_type'::regclass::oid
                 WHEN co.contype IN ('c', 'n') THEN 'pg_catalog.pg_class'::regclass::oid END,
            CASE WHEN co.contypid <> 0 THEN co.contypid WHEN co.contype IN ('c', 'n') THEN co.conrelid END,
            NULLIF(co.confrelid, 0)
       FROM pg_catalog.pg_constraint co
       JOIN user_namespace n ON n.oid = co.connamespace
      UNION ALL
     SELECT 'pg_catalog.pg_trigger'::regclass::oid, tg.oid, 'trigger', n.nspname, tg.tgname, tg.tgrelid,
            NULL, NULL, NULL
       FROM pg_catalog.pg_trigger tg
       JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
       JOIN user_namespace n ON n.oid = c.relnamespace
      WHERE NOT tg.tgisinternal
      UNION ALL
     SELECT 'pg_catalog.pg_rewrite'::regclass::oid, r.oid, 'rule', n.nspname, r.rulename, r.ev_class,
            CASE WHEN r.rulename = '_RETURN' THEN 'pg_catalog.pg_class'::regclass::oid END,
            CASE WHEN r.rulename = '_RETURN' THEN r.ev_class END, NULL
       FROM pg_catalog.pg_rewrite r
       JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
       JOIN user_namespace n ON n.oid = c.relnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_policy'::regclass::oid, pol.oid, 'policy', n.nspname, pol.polname, pol.polrelid,
            NULL, NULL, NULL
       FROM pg_catalog.pg_policy pol
       JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
       JOIN user_namespace n ON n.oid = c.relnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_proc'::regclass::oid, p.oid,
            CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
            n.nspname, p.proname, NULL, NULL, NULL, NULL
       FROM pg_catalog.pg_proc p
       JOIN user_namespace n ON n.oid = p.pronamespace
      UNION ALL
     SELECT 'pg_catalog.pg_type'::regclass::oid, t.oid, CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,
            n.nspname, t.typname, NULL,
            CASE WHEN t.typrelid <> 0 OR elem.typrelid <> 0 THEN 'pg_catalog.pg_class'::regclass::oid
                 WHEN elem.oid IS NOT NULL THEN 'pg_catalog.pg_type'::regclass::oid END,
            CASE WHEN t.typrelid <> 0 THEN t.typrelid WHEN elem.typrelid <> 0 THEN elem.typrelid ELSE elem.oid END,
            NULL
       FROM pg_catalog.pg_type t
       JOIN user_namespace n ON n.oid = t.typnamespace
       LEFT JOIN pg_catalog.pg_type elem ON t.typelem <> 0 AND elem.oid = t.typelem AND elem.typarray = t.oid
      UNION ALL
     SELECT 'pg_catalog.pg_statistic_ext'::regclass::oid, s.oid, 'statistics', n.nspname, s.stxname, s.stxrelid,
            NULL, NULL, NULL
       FROM pg_catalog.pg_statistic_ext s
       JOIN user_namespace n ON n.oid = s.stxnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_publication_rel'::regclass::oid, pr.oid, 'publication table', n.nspname,
            pub.pubname, pr.prrelid, NULL, NULL, NULL
       FROM pg_catalog.pg_publication_rel pr
       JOIN pg_catalog.pg_publication pub ON pub.oid = pr.prpubid
       JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
       JOIN user_namespace n ON n.oid = c.relnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_attrdef'::regclass::oid, ad.oid, 'default', n.nspname, a.attname, ad.adrelid,
            'pg_catalog.pg_class'::regclass::oid, ad.adrelid, NULL
       FROM pg_catalog.pg_attrdef ad
       JOIN pg_catalog.pg_class c ON c.oid = ad.adrelid
       JOIN user_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
      UNION ALL
     SELECT 'pg_catalog.pg_collation'::regclass::oid, co.oid, 'collation', n.nspname, co.collname, NULL, NULL, NULL,
            NULL
       FROM pg_catalog.pg_collation co
       JOIN user_namespace n ON n.oid = co.collnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_ts_config'::regclass::oid, c.oid, 'text search configuration', n.nspname, c.cfgname,
            NULL, NULL, NULL, NULL
       FROM pg_catalog.pg_ts_config c
       JOIN user_namespace n ON n.oid = c.cfgnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_ts_dict'::regclass::oid, d.oid, 'text search dictionary', n.nspname, d.dictname, NULL,
            NULL, NULL, NULL
       FROM pg_catalog.pg_ts_dict d
       JOIN user_namespace n ON n.oid = d.dictnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_ts_parser'::regclass::oid, p.oid, 'text search parser', n.nspname, p.prsname, NULL,
            NULL, NULL, NULL
       FROM pg_catalog.pg_ts_parser p
       JOIN user_namespace n ON n.oid = p.prsnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_ts_template'::regclass::oid, t.oid, 'text search template', n.nspname, t.tmplname,
            NULL, NULL, NULL, NULL
       FROM pg_catalog.pg_ts_template t
       JOIN user_namespace n ON n.oid = t.tmplnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_operator'::regclass::oid, o.oid, 'operator', n.nspname, o.oprname, NULL, NULL, NULL,
            NULL
       FROM pg_catalog.pg_operator o
       JOIN user_namespace n ON n.oid = o.oprnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_opclass'::regclass::oid, oc.oid, 'operator class', n.nspname, oc.opcname, NULL, NULL,
            NULL, NULL
       FROM pg_catalog.pg_opclass oc
       JOIN user_namespace n ON n.oid = oc.opcnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_opfamily'::regclass::oid, f.oid, 'operator family', n.nspname, f.opfname, NULL, NULL,
            NULL, NULL
       FROM pg_catalog.pg_opfamily f
       JOIN user_namespace n ON n.oid = f.opfnamespace
      UNION ALL
     SELECT 'pg_catalog.pg_conversion'::regclass::oid, cv.oid, 'conversion', n.nspname, cv.conname, NULL, NULL,
            NULL, NULL
       FROM pg_catalog.pg_conversion cv
       JOIN user_namespace n ON n.oid = cv.connamespace
      UNION ALL
     SELECT 'pg_catalog.pg_default_acl'::regclass::oid, da.oid, 'default privileges', n.nspname,
            pg_catalog.pg_get_userbyid(da.defaclrole)::text, NULL, NULL, NULL, NULL
       FROM pg_catalog.pg_default_acl da
       JOIN user_namespace n ON n.oid = da.defaclnamespace
)
SELECT o.class_oid, o.object_oid, o.kind, o.schema_name, o.object_name, o.table_oid, o.part_of_class,
       o.part_of_oid, o.references_oid,
       CASE WHEN o.kind = 'foreign key' THEN pg_catalog.pg_get_constraintdef(o.object_oid) END AS definition,
       pg_catalog.pg_describe_object(o.class_oid, o.object_oid, 0) AS description
  FROM object o
 ORDER BY o.class_oid, o.object_oid

-- What compare schema reads of one database: every object a clone copies, one row per
-- object, its properties as a JSON object of texts (a NULL value: the property is not set).
-- Run with search_path = pg_catalog and pinned DateStyle, IntervalStyle,
-- extra_float_digits and TimeZone, so that both sides print names and constants alike.
-- kind and object name the object (object is quoted and qualified as SQL takes it);
-- class_oid and object_oid give its identity for filters, table_oid the table it belongs
-- to (0 for none). owner_oid and acl are left raw: ACLs are compared after
-- acldefault() fills a NULL and the owner's own entry is named "(owner)", so that only
-- the owner property tells who owns it. Objects of extensions and system schemas are
-- left out; an extension is compared by name, version and schema. What a restore derives
-- again from a parent is left out too: triggers cloned onto partitions, constraints
-- derived from a parent's (a foreign key's per-partition copies), and the column
-- position of inheritance children (pg_dump puts inherited columns first).
-- {{attcompression}} and {{not_cloned_trigger}} are filled in for the server's version.
WITH member AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype = 'e'
),
nsp AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
      FROM pg_catalog.pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND n.nspname !~ '^pg_(toast_)?temp_'
       AND NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND m.objid = n.oid)
),
rel AS (
    SELECT c.*, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS qname
      FROM pg_catalog.pg_class c
      JOIN nsp n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
       AND NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
),
typ AS (
    SELECT t.*, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname) AS qname
      FROM pg_catalog.pg_type t
      JOIN nsp n ON n.oid = t.typnamespace
     WHERE (t.typtype IN ('e', 'd', 'r')
            OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                                             WHERE c.oid = t.typrelid AND c.relkind = 'c')))
       AND NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND m.objid = t.oid)
),
objects(kind, object, class_oid, object_oid, table_oid, owner_oid, acl, comment, props) AS (
    SELECT 'schema', pg_catalog.quote_ident(n.nspname), 'pg_catalog.pg_namespace'::pg_catalog.regclass::pg_catalog.oid,
           n.oid, 0::pg_catalog.oid, n.nspowner, COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner)),
           pg_catalog.obj_description(n.oid, 'pg_namespace'), '{}'::pg_catalog.jsonb
      FROM nsp n
    UNION ALL
    SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'foreign table'
                          WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' END,
           c.qname, 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid,
           CASE WHEN c.relkind IN ('r', 'p', 'f') THEN c.oid ELSE 0 END, c.relowner,
           COALESCE(c.relacl, pg_catalog.acldefault('r', c.relowner)),
           pg_catalog.obj_description(c.oid, 'pg_class'),
           pg_catalog.jsonb_build_object(
               'partitioned', CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
               'partition of', CASE WHEN c.relispartition THEN
                   (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
                      FROM pg_catalog.pg_inherits i
                      JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                     WHERE i.inhrelid = c.oid) || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
               'inherits', CASE WHEN NOT c.relispartition THEN
                   (SELECT pg_catalog.string_agg(p.oid::pg_catalog.regclass::pg_catalog.text, ', ' ORDER BY i.inhseqno)
                      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                     WHERE i.inhrelid = c.oid) END,
               'unlogged', CASE WHEN c.relpersistence = 'u' THEN 'true' END,
               'options', (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o) FROM pg_catalog.unnest(c.reloptions) o),
               'access method', CASE WHEN c.relkind IN ('r', 'm') THEN
                   (SELECT a.amname FROM pg_catalog.pg_am a WHERE a.oid = c.relam) END,
               'replica identity', CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                                                       WHEN 'i' THEN 'index' END,
               'row level security', CASE WHEN c.relrowsecurity THEN
                   CASE WHEN c.relforcerowsecurity THEN 'enabled, forced' ELSE 'enabled' END END,
               'definition', CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
               'populated', CASE WHEN c.relkind = 'm' THEN c.relispopulated::pg_catalog.text END)
      FROM rel c
     WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
    UNION ALL
    SELECT 'sequence', c.qname, 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid,
           COALESCE(o.table_oid, 0), c.relowner,
           COALESCE(c.relacl, pg_catalog.acldefault('s', c.relowner)),
           pg_catalog.obj_description(c.oid, 'pg_class'),
           pg_catalog.jsonb_build_object(
               'type', pg_catalog.format_type(s.seqtypid, NULL),
               'start', s.seqstart, 'increment', s.seqincrement, 'minimum', s.seqmin, 'maximum', s.seqmax,
               'cache', s.seqcache, 'cycle', s.seqcycle,
               'owned by', o.owned_by,
               'last value', CASE WHEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT')
                   THEN COALESCE(pg_catalog.pg_sequence_last_value(c.oid)::pg_catalog.text, '(not called)')
                   ELSE '(not readable)' END)
      FROM rel c
      JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
      LEFT JOIN LATERAL (
          SELECT d.refobjid AS table_oid,
                 pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.relname) || '.'
                     || pg_catalog.quote_ident(a.attname)
                     || CASE WHEN d.deptype = 'i' THEN ' (identity)' ELSE '' END AS owned_by
            FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
            JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
             AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')
           LIMIT 1) o ON true
     WHERE c.relkind = 'S'
    UNION ALL
    SELECT 'column', c.qname || '.' || pg_catalog.quote_ident(a.attname),
           'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid,
           CASE WHEN c.relkind IN ('r', 'p', 'f') THEN c.oid ELSE 0 END, c.relowner,
           COALESCE(a.attacl, pg_catalog.acldefault('c', c.relowner)),
           pg_catalog.col_description(c.oid, a.attnum),
           pg_catalog.jsonb_build_object(
               'position', CASE WHEN c.relispartition OR NOT EXISTS
                   (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
                   THEN pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) END,
               'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
               'not null', a.attnotnull,
               'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
               'generated', CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
               'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
               'collation', CASE WHEN a.attcollation <> t.typcollation THEN
                   (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                      FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                     WHERE co.oid = a.attcollation) END,
               'storage', CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::pg_catalog.text END,
               'compression', {{attcompression}},
               'statistics target', NULLIF(a.attstattarget::pg_catalog.int4, -1),
               -- pg_attver= is an option the server sets itself (Debian's PostgreSQL 15.20 on every
               -- column, its value differing between any two servers) and pg_dump leaves out
               'options', (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o) FROM pg_catalog.unnest(a.attoptions) o
                            WHERE o NOT LIKE 'pg\_attver=%'),
               'foreign options', (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o)
                                     FROM pg_catalog.unnest(a.attfdwoptions) o))
      FROM rel c
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
    UNION ALL
    SELECT 'index', c.qname, 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid, x.indrelid,
           NULL, NULL, pg_catalog.obj_description(c.oid, 'pg_class'),
           pg_catalog.jsonb_build_object(
               'definition', pg_catalog.pg_get_indexdef(c.oid),
               'valid', CASE WHEN NOT x.indisvalid THEN 'false' END,
               'clustered', CASE WHEN x.indisclustered THEN 'true' END,
               'replica identity', CASE WHEN x.indisreplident THEN 'true' END,
               'options', (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o) FROM pg_catalog.unnest(c.reloptions) o))
      FROM rel c
      JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid
     WHERE c.relkind IN ('i', 'I') AND EXISTS (SELECT 1 FROM rel t WHERE t.oid = x.indrelid)
    UNION ALL
    SELECT 'constraint', COALESCE(r.qname, y.qname) || '.' || pg_catalog.quote_ident(k.conname),
           'pg_catalog.pg_constraint'::pg_catalog.regclass::pg_catalog.oid, k.oid, k.conrelid, NULL, NULL,
           pg_catalog.obj_description(k.oid, 'pg_constraint'),
           pg_catalog.jsonb_build_object(
               'definition', pg_catalog.pg_get_constraintdef(k.oid),
               'deferrable', k.condeferrable, 'initially deferred', k.condeferred, 'validated', k.convalidated)
      FROM pg_catalog.pg_constraint k
      LEFT JOIN rel r ON r.oid = k.conrelid
      LEFT JOIN typ y ON y.oid = k.contypid
     WHERE (r.oid IS NOT NULL OR y.oid IS NOT NULL)
       AND k.contype <> 'n' AND k.conparentid = 0
    UNION ALL
    SELECT 'trigger', r.qname || '.' || pg_catalog.quote_ident(g.tgname),
           'pg_catalog.pg_trigger'::pg_catalog.regclass::pg_catalog.oid, g.oid, g.tgrelid, NULL, NULL,
           pg_catalog.obj_description(g.oid, 'pg_trigger'),
           pg_catalog.jsonb_build_object(
               'definition', pg_catalog.pg_get_triggerdef(g.oid),
               'enabled', CASE g.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled'
                                           WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END)
      FROM pg_catalog.pg_trigger g
      JOIN rel r ON r.oid = g.tgrelid
     WHERE NOT g.tgisinternal AND {{not_cloned_trigger}}
    UNION ALL
    SELECT 'rule', r.qname || '.' || pg_catalog.quote_ident(w.rulename),
           'pg_catalog.pg_rewrite'::pg_catalog.regclass::pg_catalog.oid, w.oid, w.ev_class, NULL, NULL,
           pg_catalog.obj_description(w.oid, 'pg_rewrite'),
           pg_catalog.jsonb_build_object(
               'definition', pg_catalog.pg_get_ruledef(w.oid),
               'enabled', CASE w.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled'
                                            WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END)
      FROM pg_catalog.pg_rewrite w
      JOIN rel r ON r.oid = w.ev_class
     WHERE w.rulename <> '_RETURN'
    UNION ALL
    SELECT 'policy', r.qname || '.' || pg_catalog.quote_ident(p.polname),
           'pg_catalog.pg_policy'::pg_catalog.regclass::pg_catalog.oid, p.oid, p.polrelid, NULL, NULL,
           pg_catalog.obj_description(p.oid, 'pg_policy'),
           pg_catalog.jsonb_build_object(
               'command', CASE p.polcmd WHEN '*' THEN 'ALL' WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                                        WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' END,
               'permissive', p.polpermissive,
               'roles', (SELECT pg_catalog.string_agg(CASE WHEN o = 0 THEN 'PUBLIC'
                                 ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(o)) END, ', '
                                 ORDER BY CASE WHEN o = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(o) END)
                           FROM pg_catalog.unnest(p.polroles) o),
               'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
               'with check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid))
      FROM pg_catalog.pg_policy p
      JOIN rel r ON r.oid = p.polrelid
    UNION ALL
    SELECT 'statistics', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(s.stxname),
           'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::pg_catalog.oid, s.oid, s.stxrelid, s.stxowner, NULL,
           pg_catalog.obj_description(s.oid, 'pg_statistic_ext'),
           pg_catalog.jsonb_build_object('definition', pg_catalog.pg_get_statisticsobjdef(s.oid))
      FROM pg_catalog.pg_statistic_ext s
      JOIN nsp n ON n.oid = s.stxnamespace
      JOIN rel r ON r.oid = s.stxrelid
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
           p.oid::pg_catalog.regprocedure::pg_catalog.text,
           'pg_catalog.pg_proc'::pg_catalog.regclass::pg_catalog.oid, p.oid, 0, p.proowner,
           COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner)),
           pg_catalog.obj_description(p.oid, 'pg_proc'),
           pg_catalog.jsonb_build_object('definition', CASE WHEN p.prokind = 'a' THEN
               (SELECT pg_catalog.concat_ws(', ', 'kind ' || g.aggkind::pg_catalog.text, 'state ' || g.aggtransfn::pg_catalog.text,
                       'state type ' || pg_catalog.format_type(g.aggtranstype, NULL),
                       'final ' || NULLIF(g.aggfinalfn, 0)::pg_catalog.regproc::pg_catalog.text,
                       'combine ' || NULLIF(g.aggcombinefn, 0)::pg_catalog.regproc::pg_catalog.text,
                       'initial ' || pg_catalog.quote_literal(g.agginitval),
                       'sort operator ' || NULLIF(g.aggsortop, 0)::pg_catalog.regoperator::pg_catalog.text,
                       'returns ' || pg_catalog.format_type(p.prorettype, NULL))
                  FROM pg_catalog.pg_aggregate g WHERE g.aggfnoid = p.oid)
               ELSE pg_catalog.pg_get_functiondef(p.oid) END)
      FROM pg_catalog.pg_proc p
      JOIN nsp n ON n.oid = p.pronamespace
     WHERE NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid)
    UNION ALL
    SELECT 'type', y.qname, 'pg_catalog.pg_type'::pg_catalog.regclass::pg_catalog.oid, y.oid, 0, y.typowner,
           COALESCE(y.typacl, pg_catalog.acldefault('T', y.typowner)),
           pg_catalog.obj_description(y.oid, 'pg_type'),
           pg_catalog.jsonb_build_object(
               'kind', CASE y.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range'
                                      ELSE 'composite' END,
               'labels', CASE WHEN y.typtype = 'e' THEN
                   (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                      FROM pg_catalog.pg_enum e WHERE e.enumtypid = y.oid) END,
               'base type', CASE WHEN y.typtype = 'd' THEN pg_catalog.format_type(y.typbasetype, y.typtypmod) END,
               'not null', CASE WHEN y.typnotnull THEN 'true' END,
               'default', pg_catalog.pg_get_expr(y.typdefaultbin, 0),
               'attributes', CASE WHEN y.typtype = 'c' THEN
                   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' '
                               || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                      FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = y.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
               'subtype', CASE WHEN y.typtype = 'r' THEN
                   (SELECT pg_catalog.format_type(g.rngsubtype, NULL) FROM pg_catalog.pg_range g
                     WHERE g.rngtypid = y.oid) END)
      FROM typ y
    UNION ALL
    SELECT 'collation', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(co.collname),
           'pg_catalog.pg_collation'::pg_catalog.regclass::pg_catalog.oid, co.oid, 0, co.collowner, NULL,
           pg_catalog.obj_description(co.oid, 'pg_collation'),
           pg_catalog.jsonb_build_object(
               'provider', co.collprovider, 'deterministic', co.collisdeterministic,
               'lc_collate', pg_catalog.to_jsonb(co) ->> 'collcollate',
               'lc_ctype', pg_catalog.to_jsonb(co) ->> 'collctype',
               'locale', COALESCE(pg_catalog.to_jsonb(co) ->> 'colllocale',
                                             pg_catalog.to_jsonb(co) ->> 'colliculocale'))
      FROM pg_catalog.pg_collation co
      JOIN nsp n ON n.oid = co.collnamespace
     WHERE NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_collation'::pg_catalog.regclass AND m.objid = co.oid)
    UNION ALL
    SELECT 'extension', pg_catalog.quote_ident(e.extname),
           'pg_catalog.pg_extension'::pg_catalog.regclass::pg_catalog.oid, e.oid, 0, NULL, NULL,
           pg_catalog.obj_description(e.oid, 'pg_extension'),
           pg_catalog.jsonb_build_object('version', e.extversion,
               'schema', (SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n
                           WHERE n.oid = e.extnamespace))
      FROM pg_catalog.pg_extension e
     WHERE e.extname <> 'plpgsql'
    UNION ALL
    SELECT 'event trigger', pg_catalog.quote_ident(v.evtname),
           'pg_catalog.pg_event_trigger'::pg_catalog.regclass::pg_catalog.oid, v.oid, 0, v.evtowner, NULL,
           pg_catalog.obj_description(v.oid, 'pg_event_trigger'),
           pg_catalog.jsonb_build_object('event', v.evtevent, 'function', v.evtfoid::pg_catalog.regproc::pg_catalog.text,
               'enabled', v.evtenabled, 'tags', pg_catalog.array_to_string(v.evttags, ', '))
      FROM pg_catalog.pg_event_trigger v
     WHERE NOT EXISTS (SELECT 1 FROM member m
                        WHERE m.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND m.objid = v.oid)
    UNION ALL
    SELECT 'default privileges',
           'for role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(da.defaclrole))
               || COALESCE(' in schema ' || pg_catalog.quote_ident(dn.nspname), '') || ' on '
               || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                        WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END,
           'pg_catalog.pg_default_acl'::pg_catalog.regclass::pg_catalog.oid, da.oid, 0, da.defaclrole, da.defaclacl,
           NULL, '{}'::pg_catalog.jsonb
      FROM pg_catalog.pg_default_acl da
      LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = da.defaclnamespace
    UNION ALL
    SELECT 'database', '(this database)', 'pg_catalog.pg_database'::pg_catalog.regclass::pg_catalog.oid, d.oid, 0,
           d.datdba, COALESCE(d.datacl, pg_catalog.acldefault('d', d.datdba)),
           pg_catalog.shobj_description(d.oid, 'pg_database'), '{}'::pg_catalog.jsonb
      FROM pg_catalog.pg_database d
     WHERE d.datname = pg_catalog.current_database()
    UNION ALL
    SELECT 'database setting', COALESCE('role ' || pg_catalog.quote_ident(r.rolname) || ': ', '')
                                   || pg_catalog.split_part(s.setting, '=', 1),
           'pg_catalog.pg_db_role_setting'::pg_catalog.regclass::pg_catalog.oid, 0, 0, NULL, NULL, NULL,
           pg_catalog.jsonb_build_object('value', pg_catalog.substr(s.setting, pg_catalog.strpos(s.setting, '=') + 1))
      FROM pg_catalog.pg_db_role_setting rs
      JOIN pg_catalog.pg_database d ON d.oid = rs.setdatabase
      LEFT JOIN pg_catalog.pg_roles r ON r.oid = rs.setrole
     CROSS JOIN LATERAL pg_catalog.unnest(rs.setconfig) AS s(setting)
     WHERE d.datname = pg_catalog.current_database()
)
SELECT o.kind, o.object, o.class_oid, o.object_oid, o.table_oid,
       pg_catalog.pg_get_userbyid(o.owner_oid) AS owner,
       (SELECT pg_catalog.string_agg(g.entry, '; ' ORDER BY g.entry)
          FROM (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' WHEN x.grantee = o.owner_oid THEN '(owner)'
                            ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END
                       || '=' || pg_catalog.string_agg(x.privilege_type
                                     || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                                     ', ' ORDER BY x.privilege_type) AS entry
                  FROM pg_catalog.aclexplode(o.acl) x
                 GROUP BY x.grantee) g) AS acl,
       o.acl IS NOT NULL AS has_acl, o.comment, o.props::pg_catalog.text AS props
  FROM objects o
 ORDER BY o.kind, o.object;

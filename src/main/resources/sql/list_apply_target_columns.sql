-- The columns of one target table as apply writes and matches them: the type as
-- format_type prints it (with its modifier), whether the server computes it (generated:
-- never written), whether it is an identity GENERATED ALWAYS column (written only with
-- OVERRIDING SYSTEM VALUE, never in an UPDATE's SET), and whether the type (after its
-- domain and array element) has a default btree operator class, that is an "=" that
-- means equality. json, xml, point or box have none (box's "=" compares areas): a row is
-- matched on such a column by its text. A type binary-coercible to another implicitly
-- (varchar to text) uses that one's class, as operator resolution does. The type's OID,
-- its name without modifier and its schema and name are what a change stream's shape is
-- compared with (a type changed on the source, a typmod change aside). The type is also
-- printed without its modifier for casts (format_type with -1: bpchar, "bit", not
-- character or bit, which mean length 1), after which an assignment applies the modifier
-- and refuses a value too long rather than cutting it as an explicit cast to it would.
SELECT a.attname AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
       pg_catalog.format_type(a.atttypid, -1) AS unmodified_type_name,
       a.atttypid::pg_catalog.int8 AS type_oid,
       pg_catalog.format_type(a.atttypid, NULL) AS base_type_name,
       tn.nspname AS type_schema,
       t0.typname AS type_local_name,
       a.attgenerated <> '' AS is_generated,
       a.attidentity = 'a' AS is_identity_always,
       EXISTS (SELECT 1
                 FROM pg_catalog.pg_opclass oc
                 JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
                WHERE am.amname = 'btree' AND oc.opcdefault
                  AND (oc.opcintype = e.oid
                       OR (oc.opcintype = 'pg_catalog.anyenum'::pg_catalog.regtype AND e.typtype = 'e')
                       OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast k
                                   WHERE k.castsource = e.oid AND k.casttarget = oc.opcintype
                                     AND k.castmethod = 'b' AND k.castcontext = 'i')))
       AS has_equality
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t0 ON t0.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t0.typnamespace
  JOIN pg_catalog.pg_type t1 ON t1.oid = CASE WHEN t0.typtype = 'd' THEN t0.typbasetype ELSE t0.oid END
  JOIN pg_catalog.pg_type t2 ON t2.oid = CASE WHEN t1.typcategory = 'A' AND t1.typelem <> 0 THEN t1.typelem
                                              ELSE t1.oid END
  JOIN pg_catalog.pg_type e ON e.oid = CASE WHEN t2.typtype = 'd' THEN t2.typbasetype ELSE t2.oid END
 WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum

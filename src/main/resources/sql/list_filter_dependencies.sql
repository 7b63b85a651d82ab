-- The dependencies a filter follows (io.pgcopydb.catalog.SourceGraph): pg_depend rows
-- between user objects, columns folded into their relation (objsubid dropped) and
-- deduplicated, plus pg_inherits as 'h' (a partition of) or 'H' (inherits from), which
-- pg_depend does not record for tables. Pin rows and what initdb created are left out
-- (OID below 16384, FirstNormalObjectId), except dependencies on a schema: public is
-- 2200. deptype 'x' (auto extension) and 'p' are not followed and not read.
-- A constraint cloned from a parent one (pg_constraint.conparentid, PostgreSQL 12 and
-- later: a foreign key's copy on each partition, and one per partition of the table it
-- references, which pg_depend records as 'i' only) is a 'P' dependent of its parent, so
-- it counts as the parent's, not as a foreign key of its own.
-- One query for the whole catalog, PostgreSQL 13 to 18.
SELECT d.classid AS class_oid, d.objid AS object_oid, d.refclassid AS referenced_class_oid,
       d.refobjid AS referenced_oid, d.deptype::text AS dependency_type
  FROM pg_catalog.pg_depend d
 WHERE d.deptype IN ('n', 'a', 'i', 'P', 'S', 'e')
   AND d.objid >= 16384
   AND (d.refobjid >= 16384 OR d.refclassid = 'pg_catalog.pg_namespace'::regclass)
   AND NOT (d.classid = d.refclassid AND d.objid = d.refobjid)
 UNION
SELECT 'pg_catalog.pg_class'::regclass::oid, i.inhrelid, 'pg_catalog.pg_class'::regclass::oid, i.inhparent,
       CASE WHEN c.relispartition THEN 'h' ELSE 'H' END
  FROM pg_catalog.pg_inherits i
  JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
 UNION
SELECT 'pg_catalog.pg_constraint'::regclass::oid, co.oid, 'pg_catalog.pg_constraint'::regclass::oid, co.conparentid,
       'P'
  FROM pg_catalog.pg_constraint co
 WHERE co.conparentid <> 0
 ORDER BY 1, 2, 3, 4, 5

-- Tables of the plan that were renamed, replaced, truncated or rewritten (ALTER TABLE
-- that rewrites, VACUUM FULL, CLUSTER) after the run's snapshot was taken: TRUNCATE and
-- rewrites are not MVCC-safe, so a COPY in the snapshot would read them empty.
-- Run in the snapshot's transaction, after the tables are locked: the pg_class row read
-- here is the snapshot's, while to_regclass and pg_relation_filenode see the catalog as
-- it is now.
-- Parameters: the planned tables' OIDs, then their qualified names in the same order.
SELECT planned.oid
  FROM unnest(?::pg_catalog.oid[], ?::pg_catalog.text[]) AS planned(oid, name)
  LEFT JOIN pg_catalog.pg_class c ON c.oid = planned.oid
 WHERE pg_catalog.to_regclass(planned.name) IS DISTINCT FROM planned.oid
    OR c.relfilenode IS DISTINCT FROM pg_catalog.pg_relation_filenode(planned.oid)
 ORDER BY planned.name;

-- The work plan of a run, written once by the catalog step and read by the partitioned
-- steps (also after a restart, so a resumed run works on exactly the same plan).
-- Portable DDL: the same file runs on the embedded SQLite repository and on PostgreSQL.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_TABLE (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	ORDINAL INTEGER NOT NULL,
	SCHEMA_NAME VARCHAR(128) NOT NULL,
	TABLE_NAME VARCHAR(128) NOT NULL,
	COLUMN_LIST TEXT NOT NULL,
	COLUMN_TYPES TEXT NOT NULL,
	BUILTIN_TYPES INTEGER NOT NULL,
	TABLE_BYTES BIGINT NOT NULL,
	PARTITION_ANCESTORS TEXT,
	PARTITION_BOUND TEXT,
	INDEX_NAMES TEXT,
	PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID)
);
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_INDEX (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	INDEX_OID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	SCHEMA_NAME VARCHAR(128) NOT NULL,
	TABLE_NAME VARCHAR(128) NOT NULL,
	INDEX_NAME VARCHAR(128) NOT NULL,
	INDEX_DEFINITION TEXT NOT NULL,
	CONSTRAINT_OID BIGINT NOT NULL,
	CONSTRAINT_NAME VARCHAR(128),
	CONSTRAINT_TYPE VARCHAR(1),
	CONSTRAINT_DEFINITION TEXT,
	IS_DEFERRABLE INTEGER NOT NULL,
	IS_DEFERRED INTEGER NOT NULL,
	IS_CLUSTERED INTEGER NOT NULL,
	IS_REPLICA_IDENTITY INTEGER NOT NULL,
	TABLESPACE_NAME VARCHAR(128),
	COLUMN_STATISTICS TEXT,
	ACCESS_METHOD VARCHAR(64),
	INDEX_BYTES BIGINT,
	PRIMARY KEY (JOB_INSTANCE_ID, INDEX_OID)
);
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_SEQUENCE (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	SEQUENCE_OID BIGINT NOT NULL,
	SCHEMA_NAME VARCHAR(128) NOT NULL,
	SEQUENCE_NAME VARCHAR(128) NOT NULL,
	OWNER_TABLE TEXT,
	OWNER_COLUMN VARCHAR(128),
	PRIMARY KEY (JOB_INSTANCE_ID, SEQUENCE_OID)
);
-- Foreign keys of the planned tables (io.pgcopydb.catalog.SourceForeignKey), read by
-- the catalog step in the run's snapshot: restore post-data creates those valid on the
-- source NOT VALID, then validates them in parallel. A run planned before this table
-- existed has no rows here, and pg_restore creates its keys as it did.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_FOREIGN_KEY (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	CONSTRAINT_OID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	SCHEMA_NAME VARCHAR(128) NOT NULL,
	TABLE_NAME VARCHAR(128) NOT NULL,
	CONSTRAINT_NAME VARCHAR(128) NOT NULL,
	CONSTRAINT_DEFINITION TEXT NOT NULL,
	IS_VALIDATED INTEGER NOT NULL,
	IS_ON_PARTITIONED INTEGER NOT NULL,
	IS_INHERITED INTEGER NOT NULL,
	TABLE_BYTES BIGINT NOT NULL,
	PRIMARY KEY (JOB_INSTANCE_ID, CONSTRAINT_OID)
);
-- Where each table's rows land on the target (io.pgcopydb.copy.CopyTarget), written once
-- when the run first copies data, after restore pre-data and any schema change, and read
-- by every copy partition after it, a resumed one included: a retry empties and refills
-- the same units.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_TARGET (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	TARGET_RELATION TEXT NOT NULL,
	IS_ROUTED INTEGER NOT NULL,
	UNIT_OID BIGINT NOT NULL,
	UNIT_RELATION TEXT NOT NULL,
	IS_UNIT_PARTITIONED INTEGER NOT NULL,
	PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID)
);
-- What the run's --filters leave out (io.pgcopydb.filter.FilterPlan), decided once by the
-- catalog step in the run's snapshot and read back by every later step and command of
-- the run. One row per item, ROLE saying which part of the plan it belongs to:
-- skipped (an object left out; VERDICT the entry that named it, or CAUSE_* and REASON the
-- left-out object it needs), data (a kept table whose rows stay behind), not-valid (a
-- foreign key created NOT VALID, DEFINITION its pg_get_constraintdef), unowned (a
-- sequence kept without OWNED BY), unmatched (an entry that matched nothing), warning.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_FILTER (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	ORDINAL INTEGER NOT NULL,
	ROLE VARCHAR(16) NOT NULL,
	CLASS_OID BIGINT,
	OBJECT_OID BIGINT,
	KIND VARCHAR(64),
	SCHEMA_NAME TEXT,
	OBJECT_NAME TEXT,
	TABLE_CLASS_OID BIGINT,
	TABLE_OID BIGINT,
	PART_OF_CLASS_OID BIGINT,
	PART_OF_OID BIGINT,
	REFERENCES_CLASS_OID BIGINT,
	REFERENCES_OID BIGINT,
	DEFINITION TEXT,
	IS_EXTENSION_MEMBER INTEGER,
	DESCRIPTION TEXT,
	CAUSE_CLASS_OID BIGINT,
	CAUSE_OID BIGINT,
	REASON TEXT,
	VERDICT TEXT,
	VERDICT_SECTION VARCHAR(32),
	VERDICT_OPTION VARCHAR(64),
	ENTRY_LINE INTEGER,
	ENTRY_TEXT TEXT,
	ENTRY_SCHEMA TEXT,
	ENTRY_NAME TEXT,
	ENTRY_REGEX TEXT,
	ENTRY_REGEX_FLAGS INTEGER,
	PRIMARY KEY (JOB_INSTANCE_ID, ORDINAL)
);
-- Same-table concurrency (io.pgcopydb.copy.TableSlice): the slices of each table the
-- planTargets step decided to split (with the first command that copies data), with
-- their bounds read in the run's snapshot. KIND is KEY (a range of KEY_COLUMN, or its
-- NULLs) or CTID (a range of heap pages); a NULL bound is open. A table whose rows land
-- in another relation than its own is copied whole, with its copy unit, and has none.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_SLICE (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	SLICE INTEGER NOT NULL,
	SLICE_COUNT INTEGER NOT NULL,
	KIND VARCHAR(4) NOT NULL,
	KEY_COLUMN TEXT,
	LOWER_BOUND BIGINT,
	UPPER_BOUND BIGINT,
	NULL_KEYS INTEGER NOT NULL,
	PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID, SLICE)
);
-- The generation of each split table's slicing: the slices' partition names carry it
-- (copyTable:16384.g2.s3). A CTID slice that may have committed without being recorded
-- cannot be undone alone, so the run empties the table and starts a new generation, whose
-- partitions Spring Batch has never seen completed: every slice runs again.
-- SNAPSHOT_ID is the snapshot the generation's slices read: page ranges are positions in
-- one snapshot, so a resume reading another one (--not-consistent) starts a table split
-- by CTID over.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_SLICING (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	GENERATION INTEGER NOT NULL,
	SNAPSHOT_ID VARCHAR(64),
	PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID)
);
-- A CTID slice about to commit on the target: written just before its commit, so a slice
-- that did not complete without such a mark is known to have left nothing (its
-- transaction rolled back) and runs again alone; one with the mark may have committed,
-- and its table starts over.
CREATE TABLE IF NOT EXISTS PGCOPYDB_SLICE_COMMIT (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	STEP_NAME VARCHAR(100) NOT NULL,
	PRIMARY KEY (JOB_INSTANCE_ID, STEP_NAME)
);
-- Bundles: small tables copied together by one copy partition (copyTable:b3), in one
-- transaction of one source and one target session, written by the planTargets step
-- with the slices. A table in no bundle is copied by a partition of its own.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_BUNDLE (
	JOB_INSTANCE_ID BIGINT NOT NULL,
	TABLE_OID BIGINT NOT NULL,
	BUNDLE INTEGER NOT NULL,
	PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID)
);
-- A Citus source's distribution (io.pgcopydb.database.CitusLayout, as JSON), read by the
-- catalog step in the run's snapshot, for the tables the filters keep: the distribute
-- step gives the target the same, and the copy reads those tables through a query. No
-- row for a source without Citus. DISTRIBUTE is 0 when the run's first command had
-- --skip-citus-distribution (plain tables): the whole run keeps that choice.
CREATE TABLE IF NOT EXISTS PGCOPYDB_PLAN_CITUS (
	JOB_INSTANCE_ID BIGINT NOT NULL PRIMARY KEY,
	LAYOUT TEXT NOT NULL,
	DISTRIBUTE INTEGER NOT NULL
);

-- The streaming job's state in the repository of a --dir. Portable DDL (SQLite and
-- PostgreSQL). One row each (ID = 1): a --dir follows one source at a time.
-- The sentinel: what the operator asks (STARTPOS, ENDPOS, APPLY) and where the job is.
CREATE TABLE IF NOT EXISTS PGCOPYDB_SENTINEL (
	ID INTEGER NOT NULL PRIMARY KEY,
	STARTPOS VARCHAR(32) NOT NULL,
	ENDPOS VARCHAR(32) NOT NULL,
	APPLY INTEGER NOT NULL,
	WRITE_LSN VARCHAR(32) NOT NULL,
	FLUSH_LSN VARCHAR(32) NOT NULL,
	REPLAY_LSN VARCHAR(32) NOT NULL,
	REPLAY_TIME VARCHAR(40),
	UPDATED VARCHAR(40) NOT NULL
);
-- What setup created, so that cleanup drops exactly that and a resume refuses another
-- source: slot, publication, origin, plugin, the source's system identifier.
CREATE TABLE IF NOT EXISTS PGCOPYDB_STREAM (
	ID INTEGER NOT NULL PRIMARY KEY,
	PLUGIN VARCHAR(32) NOT NULL,
	SLOT_NAME VARCHAR(128) NOT NULL,
	PUBLICATION_NAME VARCHAR(128),
	INSERT_ONLY_PUBLICATION VARCHAR(128),
	ORIGIN_NAME VARCHAR(128) NOT NULL,
	SYSTEM_IDENTIFIER VARCHAR(32) NOT NULL,
	SOURCE_IDENTITY TEXT NOT NULL,
	TARGET_IDENTITY TEXT,
	CONSISTENT_POINT VARCHAR(32) NOT NULL,
	SNAPSHOT_NAME VARCHAR(64),
	CREATED VARCHAR(40) NOT NULL
);
-- The tables a pgoutput follow found on the source outside its publications (created
-- after setup: not followed), as its last check saw them, for job show.
CREATE TABLE IF NOT EXISTS PGCOPYDB_UNFOLLOWED (
	TABLE_NAME VARCHAR(300) NOT NULL PRIMARY KEY,
	SEEN VARCHAR(40) NOT NULL
);

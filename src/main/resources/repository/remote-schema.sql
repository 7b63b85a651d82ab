-- Distributed clones (clone --distributed, pgcopydb worker): the partition requests the
-- manager sends and the workers take, the workers that serve the run, and which job
-- execution they work for. Portable DDL; only a PostgreSQL repository has workers.
-- A request per partition step execution, kept after it ended: which host ran it, how
-- many times it was sent (a worker whose lease expired loses its requests to others).
CREATE TABLE IF NOT EXISTS PGCOPYDB_REMOTE_REQUEST (
	STEP_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	JOB_EXECUTION_ID BIGINT NOT NULL,
	STEP_NAME VARCHAR(250) NOT NULL,
	POOL VARCHAR(16) NOT NULL,
	SEQ BIGINT NOT NULL,
	STATE VARCHAR(16) NOT NULL,
	ATTEMPTS INTEGER NOT NULL,
	WORKER_ID VARCHAR(100),
	WORKER_HOST VARCHAR(255),
	QUEUED VARCHAR(40),
	CLAIMED VARCHAR(40),
	ENDED VARCHAR(40)
);
CREATE INDEX IF NOT EXISTS PGCOPYDB_REMOTE_REQUEST_STATE ON PGCOPYDB_REMOTE_REQUEST (STATE, POOL, SEQ);
-- The workers that joined the run; a worker is alive while a session holds its lease
-- (an advisory lock on LEASE_KEY in the repository database).
CREATE TABLE IF NOT EXISTS PGCOPYDB_REMOTE_WORKER (
	WORKER_ID VARCHAR(100) NOT NULL PRIMARY KEY,
	HOST VARCHAR(255) NOT NULL,
	PID BIGINT NOT NULL,
	TABLE_JOBS INTEGER NOT NULL,
	INDEX_JOBS INTEGER NOT NULL,
	LEASE_KEY BIGINT NOT NULL,
	STARTED VARCHAR(40) NOT NULL
);
-- One row: the job execution whose requests workers take (none while no manager runs
-- one), whether its manager asked them to stop, whether the run ended (workers leave),
-- the backend of the session holding that manager's lease (workers take requests only
-- while it holds it), and the servers it works on, which a worker's own connection
-- strings must reach.
CREATE TABLE IF NOT EXISTS PGCOPYDB_REMOTE_RUN (
	ID INTEGER NOT NULL PRIMARY KEY,
	JOB_EXECUTION_ID BIGINT,
	STOP_REQUESTED INTEGER NOT NULL,
	FINISHED INTEGER NOT NULL,
	MANAGER_PID BIGINT,
	SOURCE_SERVER TEXT NOT NULL,
	TARGET_SERVER TEXT NOT NULL,
	COPY_FORMAT VARCHAR(16) NOT NULL,
	UPDATED VARCHAR(40) NOT NULL
);

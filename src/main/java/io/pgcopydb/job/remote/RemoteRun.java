package io.pgcopydb.job.remote;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.config.SharedRepository;

/**
 * The tables of a distributed run in its schema of the shared repository
 * ({@code repository/remote-schema.sql}): the partition requests, the workers, and the
 * execution they serve. Every change a worker and the manager could race on is one
 * statement: a request is taken with {@code FOR UPDATE SKIP LOCKED}, sent again only
 * while still taken by the worker found gone, ended only by the worker holding it.
 */
public final class RemoteRun {

	/** Copies and VACUUM: --table-jobs threads per worker. */
	public static final String TABLE_POOL = "table";

	/** Index and constraint builds: --index-jobs threads per worker. */
	public static final String INDEX_POOL = "index";

	static final String QUEUED = "QUEUED";

	static final String CLAIMED = "CLAIMED";

	static final String ENDED = "ENDED";

	private static final String NOW = "CAST(now() AS TEXT)";

	private final JdbcTemplate jdbc;

	private final SharedRepository repository;

	RemoteRun(JdbcTemplate jdbc, SharedRepository repository) {
		this.jdbc = jdbc;
		this.repository = repository;
	}

	/** A worker that joined the run. */
	public record Worker(String id, String host, long pid, int tableJobs, int indexJobs, long leaseKey) {
	}

	/** A request a worker took and has not ended. */
	public record Claim(long stepExecutionId, String stepName, String workerId, String host) {
	}

	/** A request as a worker takes it. */
	public record Request(long stepExecutionId, long jobExecutionId, String stepName, int attempt) {
	}

	/**
	 * The run's servers and execution as the manager recorded them.
	 *
	 * @param jobExecutionId the execution whose requests workers take, or null
	 */
	public record State(Long jobExecutionId, boolean stopRequested, boolean finished, String sourceServer,
			String targetServer, String copyFormat) {
	}

	/** The notification channel that wakes the run's workers. */
	public String channel() {
		return "pgcopydb_" + Long.toHexString(io.pgcopydb.config.RepositoryLease.key(this.repository));
	}

	void open(long jobExecutionId, String sourceServer, String targetServer, String copyFormat) {
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_REQUEST WHERE STATE = ? AND JOB_EXECUTION_ID <> ?", QUEUED,
				jobExecutionId);
		// the backend holding this manager's lease: a manager that dies loses it, and
		// its successor's lease is another backend
		String managerPid = "(SELECT l.pid FROM pg_catalog.pg_locks l WHERE " + leaseMatch("l", "CAST(? AS BIGINT)")
				+ " LIMIT 1)";
		long lease = io.pgcopydb.config.RepositoryLease.key(this.repository);
		int updated = this.jdbc.update(
				"UPDATE PGCOPYDB_REMOTE_RUN SET JOB_EXECUTION_ID = ?, STOP_REQUESTED = 0,"
						+ " FINISHED = 0, MANAGER_PID = " + managerPid + ", SOURCE_SERVER = ?, TARGET_SERVER = ?,"
						+ " COPY_FORMAT = ?, UPDATED = " + NOW + " WHERE ID = 1",
				jobExecutionId, lease, lease, sourceServer, targetServer, copyFormat);
		if (updated == 0) {
			this.jdbc.update(
					"INSERT INTO PGCOPYDB_REMOTE_RUN (ID, JOB_EXECUTION_ID, STOP_REQUESTED, FINISHED,"
							+ " MANAGER_PID, SOURCE_SERVER, TARGET_SERVER, COPY_FORMAT, UPDATED) VALUES (1, ?, 0, 0, "
							+ managerPid + ", ?, ?, ?, " + NOW + ")",
					jobExecutionId, lease, lease, sourceServer, targetServer, copyFormat);
		}
	}

	/**
	 * Closes the run to workers before a new manager takes it over: requests not taken
	 * are dropped; those taken stay, for their workers to end.
	 */
	public void closeForTakeOver() {
		this.jdbc.update("UPDATE PGCOPYDB_REMOTE_RUN SET JOB_EXECUTION_ID = NULL, UPDATED = " + NOW + " WHERE ID = 1");
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_REQUEST WHERE STATE = ?", QUEUED);
	}

	void close(long jobExecutionId, boolean finished) {
		this.jdbc.update("UPDATE PGCOPYDB_REMOTE_RUN SET JOB_EXECUTION_ID = NULL, FINISHED = ?, UPDATED = " + NOW
				+ " WHERE ID = 1 AND JOB_EXECUTION_ID = ?", finished ? 1 : 0, jobExecutionId);
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_REQUEST WHERE STATE = ? AND JOB_EXECUTION_ID = ?", QUEUED,
				jobExecutionId);
		this.jdbc.update("NOTIFY " + channel());
	}

	void send(StepExecution partition, String pool, long sequence) {
		this.jdbc.update(
				"INSERT INTO PGCOPYDB_REMOTE_REQUEST (STEP_EXECUTION_ID, JOB_EXECUTION_ID, STEP_NAME, POOL,"
						+ " SEQ, STATE, ATTEMPTS, QUEUED) VALUES (?, ?, ?, ?, ?, ?, 0, " + NOW + ")",
				partition.getId(), partition.getJobExecutionId(), partition.getStepName(), pool, sequence, QUEUED);
		this.jdbc.update("NOTIFY " + channel());
	}

	void requestStop(long jobExecutionId) {
		this.jdbc.update("UPDATE PGCOPYDB_REMOTE_RUN SET STOP_REQUESTED = 1, UPDATED = " + NOW
				+ " WHERE ID = 1 AND JOB_EXECUTION_ID = ?", jobExecutionId);
		this.jdbc.update("NOTIFY " + channel());
	}

	/** Of {@code waited}, the step executions whose requests workers ended. */
	List<Long> ended(long jobExecutionId, Collection<Long> waited) {
		if (waited.isEmpty()) {
			return List.of();
		}
		// the ids waited on are the partitions in flight: a few per worker thread
		String ids = waited.stream().map(String::valueOf).collect(Collectors.joining(","));
		return this.jdbc.queryForList(
				"SELECT STEP_EXECUTION_ID FROM PGCOPYDB_REMOTE_REQUEST WHERE"
						+ " JOB_EXECUTION_ID = ? AND STATE = ? AND STEP_EXECUTION_ID IN (" + ids + ")",
				Long.class, jobExecutionId, ENDED);
	}

	/** Drops the requests of {@code jobExecutionId} not taken; returns their ids. */
	List<Long> dropQueued(long jobExecutionId) {
		return this.jdbc.queryForList("DELETE FROM PGCOPYDB_REMOTE_REQUEST WHERE JOB_EXECUTION_ID = ? AND STATE = ?"
				+ " RETURNING STEP_EXECUTION_ID", Long.class, jobExecutionId, QUEUED);
	}

	/** The requests taken and not ended, by worker; all executions when -1. */
	public Map<String, List<Claim>> claimed(long jobExecutionId) {
		List<Claim> claims = this.jdbc.query(
				"SELECT STEP_EXECUTION_ID, STEP_NAME, WORKER_ID, WORKER_HOST FROM PGCOPYDB_REMOTE_REQUEST"
						+ " WHERE STATE = ? AND (JOB_EXECUTION_ID = ? OR ? = -1)",
				(rs, row) -> new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)), CLAIMED,
				jobExecutionId, jobExecutionId);
		return claims.stream().collect(Collectors.groupingBy(Claim::workerId, LinkedHashMap::new, Collectors.toList()));
	}

	/** Queues {@code claim} again, if its worker still has it; false when not. */
	boolean requeue(Claim claim) {
		return this.jdbc
			.update("UPDATE PGCOPYDB_REMOTE_REQUEST SET STATE = ?, WORKER_ID = NULL, WORKER_HOST = NULL,"
					+ " CLAIMED = NULL, QUEUED = " + NOW + " WHERE STEP_EXECUTION_ID = ? AND STATE = ?"
					+ " AND WORKER_ID = ?", QUEUED, claim.stepExecutionId(), CLAIMED, claim.workerId()) == 1
				&& notifyWorkers();
	}

	/** Marks the request of a worker found gone as given up (the manager takes over). */
	public boolean abandon(Claim claim) {
		return this.jdbc.update(
				"UPDATE PGCOPYDB_REMOTE_REQUEST SET STATE = ?, ENDED = " + NOW
						+ " WHERE STEP_EXECUTION_ID = ? AND STATE = ? AND WORKER_ID = ?",
				ENDED, claim.stepExecutionId(), CLAIMED, claim.workerId()) == 1;
	}

	private boolean notifyWorkers() {
		this.jdbc.update("NOTIFY " + channel());
		return true;
	}

	/**
	 * Whether an advisory lock {@code key} (a bigint column or parameter) is held by a
	 * live session of the repository's database.
	 */
	private static String leaseHeld(String key) {
		return "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE " + leaseMatch("l", key) + ")";
	}

	/**
	 * The condition on pg_locks row {@code l} for the advisory lock {@code key}, granted,
	 * in the repository's database.
	 */
	private static String leaseMatch(String l, String key) {
		return l + ".locktype = 'advisory' AND " + l + ".granted AND " + l + ".objsubid = 1 AND " + l
				+ ".database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())"
				+ " AND " + l + ".classid = ((" + key + " >> 32) & 4294967295)::oid AND " + l + ".objid = (" + key
				+ " & 4294967295)::oid";
	}

	/** The workers whose lease is held: alive. */
	public List<Worker> aliveWorkers() {
		return this.jdbc.query(
				"SELECT WORKER_ID, HOST, PID, TABLE_JOBS, INDEX_JOBS, LEASE_KEY FROM PGCOPYDB_REMOTE_WORKER w WHERE "
						+ leaseHeld("w.LEASE_KEY"),
				(rs, row) -> new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
						rs.getLong(6)));
	}

	/** Forgets the workers gone (lease not held) that hold no request any more. */
	void forgetGoneWorkers() {
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_WORKER w WHERE NOT " + leaseHeld("w.LEASE_KEY")
				+ " AND NOT EXISTS (SELECT 1 FROM PGCOPYDB_REMOTE_REQUEST r WHERE r.WORKER_ID = w.WORKER_ID"
				+ " AND r.STATE = '" + CLAIMED + "')");
	}

	/**
	 * A new manager process of the run starts: workers waiting for it must not take the
	 * run for finished (a run started again with --restart keeps its name).
	 */
	public void managerStarts() {
		this.jdbc.update("UPDATE PGCOPYDB_REMOTE_RUN SET FINISHED = 0, UPDATED = " + NOW + " WHERE ID = 1");
	}

	void join(Worker worker) {
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_WORKER WHERE WORKER_ID = ?", worker.id());
		this.jdbc.update(
				"INSERT INTO PGCOPYDB_REMOTE_WORKER (WORKER_ID, HOST, PID, TABLE_JOBS, INDEX_JOBS, LEASE_KEY,"
						+ " STARTED) VALUES (?, ?, ?, ?, ?, ?, " + NOW + ")",
				worker.id(), worker.host(), worker.pid(), worker.tableJobs(), worker.indexJobs(), worker.leaseKey());
	}

	void leave(String workerId) {
		this.jdbc.update("DELETE FROM PGCOPYDB_REMOTE_WORKER WHERE WORKER_ID = ?", workerId);
	}

	/** The run's state, or null before a manager opened it. */
	State state() {
		List<State> states = this.jdbc.query(
				"SELECT JOB_EXECUTION_ID, STOP_REQUESTED, FINISHED, SOURCE_SERVER, TARGET_SERVER, COPY_FORMAT"
						+ " FROM PGCOPYDB_REMOTE_RUN WHERE ID = 1",
				(rs, row) -> new State((Long) rs.getObject(1, Long.class), rs.getInt(2) != 0, rs.getInt(3) != 0,
						rs.getString(4), rs.getString(5), rs.getString(6)));
		return states.isEmpty() ? null : states.get(0);
	}

	/**
	 * Takes the first queued request of {@code pool} of {@code jobExecutionId} (the one
	 * this worker opened) while that execution is open, not stopped, and its manager
	 * lives (the backend that held the run's lease {@code managerLease} when it opened
	 * the execution still holds it): the requests of a dead manager wait for the next, or
	 * the snapshot they read may be gone. Null when there is none.
	 */
	Request claim(String pool, String workerId, String host, long jobExecutionId, long managerLease) {
		List<Request> taken = this.jdbc.query("UPDATE PGCOPYDB_REMOTE_REQUEST SET STATE = ?, WORKER_ID = ?,"
				+ " WORKER_HOST = ?, CLAIMED = " + NOW + ", ATTEMPTS = ATTEMPTS + 1 WHERE STEP_EXECUTION_ID = ("
				+ "SELECT STEP_EXECUTION_ID FROM PGCOPYDB_REMOTE_REQUEST WHERE STATE = ? AND POOL = ?"
				+ " AND JOB_EXECUTION_ID = ? AND EXISTS (SELECT 1 FROM PGCOPYDB_REMOTE_RUN r"
				+ " JOIN pg_catalog.pg_locks l ON l.pid = r.MANAGER_PID AND " + leaseMatch("l", "CAST(? AS BIGINT)")
				+ " WHERE r.ID = 1 AND r.JOB_EXECUTION_ID = ? AND r.STOP_REQUESTED = 0)"
				+ " ORDER BY SEQ LIMIT 1 FOR UPDATE SKIP LOCKED)"
				+ " RETURNING STEP_EXECUTION_ID, JOB_EXECUTION_ID, STEP_NAME, ATTEMPTS",
				(rs, row) -> new Request(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4)), CLAIMED,
				workerId, host, QUEUED, pool, jobExecutionId, managerLease, managerLease, jobExecutionId);
		return taken.isEmpty() ? null : taken.get(0);
	}

	/** Records that the run completed without this process opening it to workers. */
	void markFinished() {
		this.jdbc.update("UPDATE PGCOPYDB_REMOTE_RUN SET JOB_EXECUTION_ID = NULL, FINISHED = 1, UPDATED = " + NOW
				+ " WHERE ID = 1");
		notifyWorkers();
	}

	/**
	 * Gives back a request this worker holds and did not run to its end (the worker was
	 * stopped): another worker takes it.
	 */
	boolean giveBack(long stepExecutionId, String workerId) {
		return this.jdbc.update("UPDATE PGCOPYDB_REMOTE_REQUEST SET STATE = ?, WORKER_ID = NULL, WORKER_HOST = NULL,"
				+ " CLAIMED = NULL, QUEUED = " + NOW + " WHERE STEP_EXECUTION_ID = ? AND STATE = ? AND WORKER_ID = ?",
				QUEUED, stepExecutionId, CLAIMED, workerId) == 1 && notifyWorkers();
	}

	/** Ends a request this worker holds; false when it no longer held it. */
	boolean end(long stepExecutionId, String workerId) {
		int ended = this.jdbc.update(
				"UPDATE PGCOPYDB_REMOTE_REQUEST SET STATE = ?, ENDED = " + NOW
						+ " WHERE STEP_EXECUTION_ID = ? AND STATE = ? AND WORKER_ID = ?",
				ENDED, stepExecutionId, CLAIMED, workerId);
		return ended == 1;
	}

	/** A run's tables on {@code jdbc}, the repository in the run's schema. */
	public static RemoteRun of(JdbcTemplate jdbc, SharedRepository repository) {
		return new RemoteRun(jdbc, repository);
	}

}

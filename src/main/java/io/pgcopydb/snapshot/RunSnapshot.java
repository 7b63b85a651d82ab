package io.pgcopydb.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.SqlStates;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;

/**
 * The snapshot a run reads the source in, in this process: exported and held here for the
 * whole run, or adopted from a {@link SnapshotSource} that someone else holds. Every
 * source session of the run comes from {@link #sourceSession}. Closing releases an
 * exported snapshot.
 */
public final class RunSnapshot implements AutoCloseable {

	/** SQLSTATE of SET TRANSACTION SNAPSHOT with an id no live session exports. */
	private static final String INVALID_PARAMETER_VALUE = "22023";

	private static final Logger logger = LoggerFactory.getLogger(RunSnapshot.class);

	private final PgEndpoint source;

	private volatile SourceSnapshot held;

	private volatile String id;

	/** pg_postmaster_start_time() when the snapshot was exported here, or null. */
	private volatile String serverStart;

	/** The session holding the table locks when the snapshot is not held here. */
	private Connection lockSession;

	private final Duration lockTimeout;

	/**
	 * @param lockTimeout how long a source session of the run waits for a table lock
	 * before failing (zero: no limit); a TRUNCATE queued behind the run's own locks would
	 * otherwise make every later reader of the table wait forever
	 */
	public RunSnapshot(PgEndpoint source, Duration lockTimeout) {
		this.source = source;
		this.lockTimeout = lockTimeout;
	}

	/**
	 * Exports a snapshot ({@link SnapshotSource.Export}) or checks that the given or held
	 * one can be imported; returns its id.
	 */
	public synchronized String take(SnapshotSource from) {
		return (from instanceof SnapshotSource.Export) ? export() : adopt(from.id());
	}

	private String export() {
		try {
			this.held = SourceSnapshot.export(this.source.connect("snapshot"));
			this.serverStart = serverStart(this.held.session());
		}
		catch (SQLException ex) {
			throw this.source.failure("exporting a snapshot", ex);
		}
		this.id = this.held.id();
		return this.id;
	}

	/** When the source server started: a later value means it restarted since. */
	private static String serverStart(Connection session) throws SQLException {
		try (Statement statement = session.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_postmaster_start_time()::text")) {
			rs.next();
			return rs.getString(1);
		}
	}

	/**
	 * Whether work that lost its session may be retried in this snapshot: the session
	 * holding it (when this process exported it) still answers, or (when adopted) a new
	 * session can still import it.
	 */
	public synchronized boolean stillValid() {
		String current = this.id;
		if (current == null) {
			return false;
		}
		if (this.held != null) {
			try {
				this.held.checkAlive();
				return true;
			}
			catch (SQLException ex) {
				logger.debug("the session holding snapshot {} is gone", current, ex);
				return false;
			}
		}
		try (Connection connection = this.source.connect("snapshot check")) {
			SourceSnapshot.begin(connection, current);
			connection.rollback();
			return true;
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("snapshot {} can no longer be imported", current, ex);
			return false;
		}
	}

	/**
	 * The error for work that needed the snapshot after it was lost: says so, why, what
	 * was being done, and the two ways on.
	 * @param doing what was being done, such as "copying table public.big"
	 * @param resume the command that resumes the run (without --not-consistent)
	 */
	public SnapshotLostException lost(String doing, String resume, Throwable cause) {
		return new SnapshotLostException("the source snapshot " + this.id + " is lost (" + lossReason() + ") while "
				+ doing + ": finish from a new snapshot with " + resume + " --not-consistent (tables copied before"
				+ " and after then reflect different moments of the source), or start over with --restart --drop-if-exists",
				cause);
	}

	private String lossReason() {
		String was = this.serverStart;
		try (Connection connection = this.source.connect("snapshot check")) {
			String now = serverStart(connection);
			return (was != null && !was.equals(now)) ? "the source server restarted" : "the session holding it ended";
		}
		catch (SQLException | RuntimeException ex) {
			return "the source server is down or restarting";
		}
	}

	private String adopt(String snapshotId) {
		try (Connection connection = this.source.connect("snapshot check")) {
			SourceSnapshot.begin(connection, snapshotId);
			connection.rollback();
		}
		catch (SQLException ex) {
			if (!INVALID_PARAMETER_VALUE.equals(ex.getSQLState())) {
				throw this.source.failure("importing snapshot " + snapshotId, ex);
			}
			throw new BadStateException(
					"snapshot \"" + snapshotId + "\" cannot be used on the " + this.source + ": "
							+ SqlStates.firstLine(ex.getMessage())
							+ "; the session that exported it must stay open: restart it, or run without --snapshot",
					ex);
		}
		this.id = snapshotId;
		return snapshotId;
	}

	/**
	 * Takes ACCESS SHARE locks on {@code tables} for the rest of the run, in the session
	 * holding the snapshot when this process exported it, else in a session of its own
	 * inside the snapshot; see {@link TableLocks}.
	 */
	public synchronized void lockTables(List<SourceTable> tables) {
		lockTables(tables, null);
	}

	/**
	 * As {@link #lockTables(List)}, the locking session registered with {@code stop}
	 * (null: none) while it waits: a stop cancels the wait, and the stall watcher names
	 * the sessions it waits for.
	 */
	public synchronized void lockTables(List<SourceTable> tables, StopSignal stop) {
		if (tables.isEmpty()) {
			return;
		}
		Connection session = (this.held != null) ? this.held.session() : this.lockSession;
		if (session == null) {
			session = sourceSession("table locks");
			this.lockSession = session;
		}
		try (WorkSession registered = (stop != null) ? stop.register(session, Side.SOURCE, "locking the source tables")
				: null) {
			TableLocks.lock(this.source, session, tables, this.lockTimeout);
			logger.debug("locked {} source tables in snapshot {}", tables.size(), this.id);
		}
		catch (SQLException ex) {
			throw this.source.failure("locking the source tables", ex);
		}
	}

	/**
	 * A new source session inside the run's snapshot (REPEATABLE READ, READ ONLY, empty
	 * search_path, row_security off, lock waits bounded by the lock timeout); the caller
	 * closes it.
	 * @param purpose what the session is for, shown in pg_stat_activity and in errors
	 */
	public Connection sourceSession(String purpose) {
		return sourceSession(this.source.connect(purpose), purpose);
	}

	/**
	 * {@code connection} (an open autocommit session of the source, such as one a
	 * {@link io.pgcopydb.config.SessionPool} kept) in a transaction in the run's
	 * snapshot; closed when that fails.
	 */
	public Connection sourceSession(Connection connection, String purpose) {
		String snapshotId;
		try {
			snapshotId = id();
		}
		catch (RuntimeException ex) {
			closeQuietly(connection);
			throw ex;
		}
		try {
			SourceSnapshot.begin(connection, snapshotId, this.lockTimeout);
			return connection;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw this.source.failure("importing snapshot " + snapshotId + " for " + purpose, ex);
		}
	}

	/**
	 * The error for a source read that failed with {@code ex}: when it waited longer than
	 * the lock timeout for a table lock, naming the sessions that hold or wait for one.
	 */
	public RuntimeException readFailure(String doing, SQLException ex) {
		return TableLocks.isLockTimeout(ex) ? TableLocks.lockWaitFailure(this.source, null, this.lockTimeout, ex)
				: this.source.failure(doing, ex);
	}

	/** How long a source session of the run waits for a table lock. */
	public Duration lockTimeout() {
		return this.lockTimeout;
	}

	/**
	 * The snapshot id; fails when this process has taken none (a restart in a new
	 * process).
	 */
	public String id() {
		String current = this.id;
		if (current == null) {
			throw new BadStateException("no source snapshot is available to this run: the snapshot of the earlier run"
					+ " ended with its process; pass --snapshot with a snapshot that is still held");
		}
		return current;
	}

	@Override
	public synchronized void close() {
		if (this.lockSession != null) {
			closeQuietly(this.lockSession);
			this.lockSession = null;
		}
		if (this.held != null) {
			try {
				this.held.close();
				logger.debug("released snapshot {}", this.id);
			}
			catch (SQLException ex) {
				logger.debug("closing the snapshot session failed", ex);
			}
			this.held = null;
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ignored) {
			// reporting the original failure matters more
		}
	}

}

package io.pgcopydb.signal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.SessionPool;
import io.pgcopydb.config.Side;

/**
 * A database session doing a piece of a run's work, as the {@link StopSignal} and the
 * stall watcher know it: which side, what it does ("copy of public."Orders""), its
 * backend pid, and a client-side counter the worker bumps whenever data moves through it.
 * The watcher compares that counter and the server's own progress counters between
 * samples; when it gives up on the session it records why ({@link #failure()}), so the
 * worker's error names the stall instead of the broken connection that follows.
 * <p>
 * Closing unregisters the session; it does not close the connection.
 */
public final class WorkSession implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkSession.class);

	private final Connection connection;

	private final Side side;

	private final String work;

	private final int pid;

	private final AtomicLong clientProgress = new AtomicLong();

	private final Consumer<WorkSession> unregister;

	private volatile String failure;

	WorkSession(Connection connection, Side side, String work, Consumer<WorkSession> unregister) {
		this.connection = connection;
		this.side = side;
		this.work = work;
		this.pid = backendPid(connection);
		this.unregister = unregister;
	}

	private static int backendPid(Connection connection) {
		try {
			return connection.unwrap(PGConnection.class).getBackendPID();
		}
		catch (SQLException ex) {
			return 0;
		}
	}

	public Connection connection() {
		return this.connection;
	}

	/** The side, or null when unknown (a session registered without a description). */
	public Side side() {
		return this.side;
	}

	public String work() {
		return this.work;
	}

	/** The backend pid on its server, or 0 when unknown. */
	public int pid() {
		return this.pid;
	}

	/** Records that data moved through this session (cheap: one atomic add). */
	public void progressed(long amount) {
		this.clientProgress.addAndGet(amount);
	}

	public long clientProgress() {
		return this.clientProgress.get();
	}

	/** Why the stall watcher cancelled this session's work, or null. */
	public String failure() {
		return this.failure;
	}

	public void failed(String why) {
		this.failure = why;
	}

	public boolean isClosed() {
		try {
			return this.connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	/** Asks the server to cancel the statement in flight (pg_cancel_backend). */
	public void cancel() {
		// a cancel reaches the server later: a session given back meanwhile must not
		// take it into the next work
		SessionPool.discard(this.connection);
		try {
			this.connection.unwrap(PGConnection.class).cancelQuery();
		}
		catch (SQLException ex) {
			logger.debug("cancelling the statement of {} failed: {}", this, ex.getMessage());
		}
	}

	/**
	 * Closes the session's socket from this thread without waiting for the driver's lock,
	 * which the worker holds while blocked on a backend that never answers (frozen,
	 * network gone): the worker's read or write then fails at once, and the server rolls
	 * back when it notices.
	 */
	public void abort() {
		SessionPool.discard(this.connection);
		try {
			this.connection.abort(Runnable::run);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("aborting the session of {} failed: {}", this, ex.getMessage());
		}
	}

	@Override
	public void close() {
		this.unregister.accept(this);
	}

	@Override
	public String toString() {
		return ((this.work != null) ? this.work : "a session") + " (" + ((this.side != null) ? this.side.label() : "")
				+ " backend " + this.pid + ")";
	}

}

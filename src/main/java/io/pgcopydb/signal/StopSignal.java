package io.pgcopydb.signal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request to stop the running command cleanly (SIGTERM, Ctrl-C, {@code job stop}): no
 * new partition or step starts, and the statements in flight on registered sessions are
 * cancelled, so the server rolls their transactions back; a running pg_dump or pg_restore
 * is terminated (see {@link #interruptible}). What committed stays committed; everything
 * not recorded COMPLETED is redone by {@code --resume} (a table whose COPY committed just
 * as the stop came may be copied again, from an empty table): a stop never leaves a
 * half-copied table counted as done.
 * <p>
 * One per command: the launcher of a job, or the snapshot holder, creates it and wires it
 * to the process's signals with {@link Signals}.
 */
public final class StopSignal {

	private static final Logger logger = LoggerFactory.getLogger(StopSignal.class);

	private final Set<Connection> sessions = ConcurrentHashMap.newKeySet();

	private final Set<Thread> toolThreads = ConcurrentHashMap.newKeySet();

	private final AtomicReference<String> reasonRef = new AtomicReference<>();

	private final CountDownLatch requested = new CountDownLatch(1);

	private final String consequence;

	private volatile String reason;

	/** The stop of a job: what committed is kept, and --resume finishes the run. */
	public StopSignal() {
		this("committed work is kept, resume with --resume");
	}

	/**
	 * @param consequence what the stop means for the user, for the log line of the
	 * request
	 */
	public StopSignal(String consequence) {
		this.consequence = consequence;
	}

	/** Asks the command to stop; returns false when a stop was already requested. */
	public boolean request(String why) {
		// set once, then cancel outside any lock: a cancel may wait on an unreachable
		// server, and a second signal must still be able to exit at once
		if (!this.reasonRef.compareAndSet(null, why)) {
			return false;
		}
		this.reason = why;
		this.requested.countDown();
		logger.warn("Stopping ({}): cancelling {} statements in flight; {}", why, this.sessions.size(),
				this.consequence);
		this.sessions.forEach(StopSignal::cancel);
		this.toolThreads.forEach(Thread::interrupt);
		return true;
	}

	/**
	 * Waits up to {@code timeout} for a stop request; returns whether one came.
	 */
	public boolean await(Duration timeout) throws InterruptedException {
		return this.requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Runs {@code work}, which waits on a child process (pg_dump, pg_restore), so that a
	 * stop interrupts it: the runner then terminates the child. Only such threads are
	 * interrupted; threads in JDBC calls are stopped by cancelling their statements.
	 */
	public <T> T interruptible(Callable<T> work) throws Exception {
		Thread current = Thread.currentThread();
		this.toolThreads.add(current);
		try {
			if (requested()) {
				current.interrupt();
			}
			return work.call();
		}
		finally {
			this.toolThreads.remove(current);
			Thread.interrupted();
		}
	}

	public boolean requested() {
		return this.reason != null;
	}

	/** Why the stop was requested, or null. */
	public String reason() {
		return this.reason;
	}

	/**
	 * Registers a session whose statements a stop cancels; closed sessions are dropped at
	 * the next registration. A session registered after the stop is cancelled at once.
	 */
	public void register(Connection session) {
		this.sessions.removeIf(StopSignal::isClosed);
		this.sessions.add(session);
		if (requested()) {
			cancel(session);
		}
	}

	private static boolean isClosed(Connection session) {
		try {
			return session.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	private static void cancel(Connection session) {
		try {
			session.unwrap(PGConnection.class).cancelQuery();
		}
		catch (SQLException ex) {
			logger.debug("cancelling a statement failed: {}", ex.getMessage());
		}
	}

}

package io.pgcopydb.signal;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.Side;

/**
 * A request to stop the running command cleanly (SIGTERM, Ctrl-C, {@code job stop}): no
 * new partition or step starts, and the statements in flight on registered sessions are
 * cancelled, so the server rolls their transactions back; a running pg_dump or pg_restore
 * is terminated (see {@link #interruptible}). What committed stays committed; everything
 * not recorded COMPLETED is redone by {@code --resume} (a table whose COPY committed just
 * as the stop came may be copied again, from an empty table): a stop never leaves a
 * half-copied table counted as done.
 * <p>
 * A backend that does not react to the cancel within {@link #ABORT_AFTER} (frozen, or its
 * network gone: it never reads the cancel) has its session aborted: the socket is closed
 * under the worker, whose blocked read or write then fails, so a stop takes about a
 * second whatever the servers do.
 * <p>
 * One per command: the launcher of a job, or the snapshot holder, creates it and wires it
 * to the process's signals with {@link Signals}.
 */
public final class StopSignal {

	private static final Logger logger = LoggerFactory.getLogger(StopSignal.class);

	/** How long a cancelled session may take to react before it is aborted. */
	public static final Duration ABORT_AFTER = Duration.ofSeconds(1);

	private final Set<WorkSession> sessions = ConcurrentHashMap.newKeySet();

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
		List<WorkSession> cancelled = List.copyOf(this.sessions);
		// the aborts are due in a second whatever the cancels do: a cancel to an
		// unreachable server may wait its whole timeout, so each runs on its own thread
		abortLater(cancelled);
		this.toolThreads.forEach(Thread::interrupt);
		for (WorkSession session : cancelled) {
			Thread canceller = new Thread(session::cancel, "stop-cancel");
			canceller.setDaemon(true);
			canceller.start();
		}
		return true;
	}

	/**
	 * Aborts, after {@link #ABORT_AFTER}, the sessions still open and registered: their
	 * worker did not get out of the cancelled statement.
	 */
	private void abortLater(List<WorkSession> cancelled) {
		Thread aborter = new Thread(() -> {
			try {
				Thread.sleep(ABORT_AFTER.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			for (WorkSession session : cancelled) {
				if (this.sessions.contains(session) && !session.isClosed()) {
					logger.warn("Stopping: {} did not react to the cancel within {} s; closing its connection", session,
							ABORT_AFTER.toSeconds());
					session.abort();
				}
			}
		}, "stop-abort");
		aborter.setDaemon(true);
		aborter.start();
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
		register(session, null, null);
	}

	/**
	 * Registers a session doing {@code work} on {@code side}, for the stop and the stall
	 * watcher; close the returned handle to unregister it before its connection is used
	 * for something else.
	 */
	public WorkSession register(Connection connection, Side side, String work) {
		this.sessions.removeIf(WorkSession::isClosed);
		WorkSession session = new WorkSession(connection, side, work, this.sessions::remove);
		this.sessions.add(session);
		if (requested()) {
			session.cancel();
		}
		return session;
	}

	/** The registered sessions still open, for the stall watcher. */
	public List<WorkSession> sessions() {
		return this.sessions.stream().filter((session) -> !session.isClosed()).toList();
	}

}

package io.pgcopydb.cdc.apply;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the apply session's statements on a thread of their own, in the order they are
 * given, while the applying thread reads the change store and builds the next ones: the
 * target's work on one group overlaps the client's work on the next (measured on pgbench
 * transactions, the client took about 8 µs of the 28 µs a transaction cost, all of it
 * waiting for the server before).
 * <p>
 * At most {@link #DEPTH} pieces of work wait or run; {@link #submit} blocks past that, so
 * the memory bound stays a small multiple of a batch. The first piece that fails stops
 * the ones after it (they would run in an aborted transaction), and its exception is
 * thrown, as it was thrown, by the next {@link #submit} or {@link #sync} of the applying
 * thread. Not for use by more than one applying thread.
 */
final class SessionPipeline implements AutoCloseable {

	/** Pieces of work waiting or running: the group being sent and its commit. */
	static final int DEPTH = 2;

	/** A piece of work on the session. */
	@FunctionalInterface
	interface Work {

		void run() throws SQLException;

	}

	private final ExecutorService executor;

	SessionPipeline() {
		this("apply-sql");
	}

	/**
	 * @param threadName the name of the thread the work runs on
	 */
	SessionPipeline(String threadName) {
		this.executor = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, threadName);
			thread.setDaemon(true);
			return thread;
		});
	}

	private final ArrayDeque<Future<?>> queued = new ArrayDeque<>();

	/** Set by the first failure, or by {@link #abandon}: later work is skipped. */
	private volatile boolean stopped;

	/**
	 * Queues {@code work} after what is queued; first waits while {@link #DEPTH} pieces
	 * are queued.
	 * @throws SQLException (or the RuntimeException) of a piece that failed before
	 */
	void submit(Work work) throws SQLException, InterruptedException {
		while (!this.queued.isEmpty() && (this.queued.size() >= DEPTH || this.queued.peek().isDone())) {
			await(this.queued.poll());
		}
		this.queued.add(this.executor.submit(() -> {
			if (this.stopped) {
				return null;
			}
			try {
				work.run();
			}
			catch (SQLException | RuntimeException | Error ex) {
				this.stopped = true;
				throw ex;
			}
			return null;
		}));
	}

	/**
	 * Waits until everything queued has run.
	 * @throws SQLException (or the RuntimeException) of the first piece that failed
	 */
	void sync() throws SQLException, InterruptedException {
		while (!this.queued.isEmpty()) {
			await(this.queued.poll());
		}
	}

	/** Whether nothing is queued or running. */
	boolean idle() {
		this.queued.removeIf(Future::isDone);
		return this.queued.isEmpty();
	}

	/**
	 * Drops the queued work after {@code close} (which ends the session, so that a
	 * statement in flight fails at once), and waits for the piece running to end; its
	 * failure, and any before, are forgotten: the session is gone with them.
	 */
	void abandon(Runnable close) {
		this.stopped = true;
		close.run();
		while (!this.queued.isEmpty()) {
			Future<?> next = this.queued.poll();
			try {
				next.get();
			}
			catch (ExecutionException | CancellationException ex) {
				// the session is gone; what failed on it does not matter any more
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.queued.forEach((future) -> future.cancel(false));
				this.queued.clear();
			}
		}
		this.stopped = false;
	}

	private static void await(Future<?> future) throws SQLException, InterruptedException {
		try {
			future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof SQLException sql) {
				throw sql;
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(cause);
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}

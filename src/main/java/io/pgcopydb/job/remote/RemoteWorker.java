package io.pgcopydb.job.remote;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.pgcopydb.config.RepositoryLease;
import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.signal.StopSignal;

/**
 * A worker process of a distributed run ({@code pgcopydb worker}): takes the run's
 * partition requests from the shared repository, at most {@code --table-jobs} copies or
 * VACUUMs and {@code --index-jobs} builds at a time, and runs each with the clone's own
 * worker steps in the manager's snapshot ({@link Execution}, one per job execution
 * served). It holds its lease in the repository while it lives; it leaves when the run
 * completed or when stopped (SIGTERM): then the partitions it runs end STOPPED, which the
 * manager's resume runs again.
 */
public final class RemoteWorker {

	private static final Logger logger = LoggerFactory.getLogger(RemoteWorker.class);

	/** How often the worker looks at the run when nothing wakes it. */
	private static final Duration WAIT = Duration.ofSeconds(1);

	/** How long it waits for a notification at a time. */
	private static final Duration NAP = Duration.ofMillis(50);

	/**
	 * The worker leaves (stopped, or failing): what it cuts short goes back to the run.
	 */
	private final java.util.concurrent.atomic.AtomicBoolean leaving = new java.util.concurrent.atomic.AtomicBoolean();

	/** A thread of a pool became free: take the next request at once. */
	private final java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();

	/** What runs the partitions of one job execution: the clone's context in a worker. */
	public interface Execution extends AutoCloseable {

		/**
		 * Runs the partition of {@code request}; returns, once it is recorded, how it
		 * ended.
		 */
		BatchStatus run(RemoteRun.Request request, String host);

		/** Stops the partitions running (they end STOPPED). */
		void stop(String why);

		@Override
		void close();

	}

	/** Builds the {@link Execution} of a job execution, after checking the servers. */
	public interface Executions {

		Execution open(long jobExecutionId, RemoteRun.State state);

	}

	private final SharedRepository repository;

	private final StopSignal stop;

	private final int tableJobs;

	private final int indexJobs;

	private final Executions executions;

	private final String id;

	private final String host;

	public RemoteWorker(SharedRepository repository, StopSignal stop, int tableJobs, int indexJobs,
			Executions executions) {
		this.repository = repository;
		this.stop = stop;
		this.tableJobs = tableJobs;
		this.indexJobs = indexJobs;
		this.executions = executions;
		this.host = SharedRepository.hostName();
		this.id = this.host + ":" + ProcessHandle.current().pid() + ":"
				+ Long.toHexString(System.nanoTime() & 0xffffff);
	}

	/**
	 * Serves the run until it completes (true) or the worker is stopped (false).
	 */
	public boolean serve() throws SQLException, InterruptedException {
		long leaseKey = RepositoryLease.keyOf("pgcopydb worker " + this.repository.schema() + " " + this.id);
		long managerLease = RepositoryLease.key(this.repository);
		SingleConnectionDataSource single = new SingleConnectionDataSource();
		single.setSuppressClose(true);
		single.setUrl(this.repository.jdbcUrl());
		single.setConnectionProperties(this.repository.jdbcProperties("worker"));
		RemoteRun run = RemoteRun.of(new JdbcTemplate(single), this.repository);
		Pool tables = new Pool(RemoteRun.TABLE_POOL, this.tableJobs);
		Pool indexes = new Pool(RemoteRun.INDEX_POOL, this.indexJobs);
		Map<Long, RemoteRun.Request> running = new ConcurrentHashMap<>();
		Execution execution = null;
		long served = -1;
		boolean waitingLogged = false;
		// the lease is given up last: until then the manager leaves this worker's
		// partitions to it, and they must first end and be recorded
		try (RepositoryLease lease = RepositoryLease.hold(this.repository, leaseKey,
				"the lease of worker " + this.id + " of run " + this.repository.schema(),
				() -> this.stop.request("the worker's lease in the repository was lost"))) {
			try (Connection listening = this.repository.connect("worker notifications")) {
				synchronized (run) {
					run.join(new RemoteRun.Worker(this.id, this.host, ProcessHandle.current().pid(), this.tableJobs,
							this.indexJobs, leaseKey));
				}
				try (Statement statement = listening.createStatement()) {
					statement.execute("LISTEN " + run.channel());
				}
				keepListening(listening);
				logger.info("Worker {} serves run {} in {} with {} table and {} index threads", this.id,
						this.repository.schema(), this.repository.connection().endpoint(), this.tableJobs,
						this.indexJobs);
				long looked = 0;
				while (!this.stop.requested()) {
					// a notification (requests sent), a thread freed here, or a second
					// gone
					org.postgresql.PGNotification[] woken = listening.unwrap(PGConnection.class)
						.getNotifications((int) NAP.toMillis());
					boolean freed = this.freed.getAndSet(false);
					if ((woken == null || woken.length == 0) && !freed && System.nanoTime() - looked < WAIT.toNanos()) {
						continue;
					}
					looked = System.nanoTime();
					RemoteRun.State state;
					synchronized (run) {
						state = run.state();
					}
					if (state != null && state.finished() && running.isEmpty()) {
						logger.info("Run {} completed: worker {} leaves", this.repository.schema(), this.id);
						return true;
					}
					Long open = (state != null) ? state.jobExecutionId() : null;
					boolean current = open != null && open == served;
					if (execution != null && !current && running.isEmpty()) {
						// the execution served ended, or its manager died and another
						// took the run over: its context goes once its partitions ended
						execution.close();
						execution = null;
						served = -1;
					}
					if (execution != null && current && state.stopRequested()) {
						execution.stop("the manager stops the run");
					}
					if (open != null && execution == null) {
						execution = this.executions.open(open, state);
						served = open;
						current = true;
						waitingLogged = false;
						logger.info("Worker {} takes partitions of job execution {}", this.id, open);
					}
					else if (open == null && execution == null && !waitingLogged) {
						waitingLogged = true;
						logger.info("Worker {} waits for a manager to open run {}", this.id, this.repository.schema());
					}
					if (execution != null && current && !state.stopRequested()) {
						take(run, tables, served, managerLease, execution, running);
						take(run, indexes, served, managerLease, execution, running);
					}
				}
				return false;
			}
			finally {
				// a stop (or a failure here) ends the partitions running: STOPPED, given
				// back for another worker; then the context goes
				this.leaving.set(true);
				if (execution != null && !running.isEmpty()) {
					execution.stop(this.stop.requested() ? this.stop.reason() : "the worker fails");
				}
				tables.executor.shutdown();
				indexes.executor.shutdown();
				tables.executor.awaitTermination(10, TimeUnit.MINUTES);
				indexes.executor.awaitTermination(10, TimeUnit.MINUTES);
				if (execution != null) {
					execution.close();
				}
				try {
					synchronized (run) {
						run.leave(this.id);
					}
				}
				catch (RuntimeException ex) {
					logger.debug("leaving the run failed", ex);
				}
			}
		}
		finally {
			single.destroy();
		}
	}

	/**
	 * The LISTEN session waits idle between notifications: a server-wide
	 * idle_session_timeout must not end it (best effort: PostgreSQL 14's setting).
	 */
	private static void keepListening(Connection listening) {
		try (Statement statement = listening.createStatement()) {
			statement.execute("SET idle_session_timeout = 0");
		}
		catch (SQLException ex) {
			logger.debug("idle_session_timeout not set on the LISTEN session: {}", ex.getMessage());
		}
	}

	/** The threads of one pool, and how many run a partition. */
	private static final class Pool {

		final String name;

		final int threads;

		final ExecutorService executor;

		final AtomicInteger busy = new AtomicInteger();

		Pool(String name, int threads) {
			this.name = name;
			this.threads = threads;
			this.executor = Executors.newFixedThreadPool(threads, named("worker-" + name + "-"));
		}

	}

	private void take(RemoteRun run, Pool pool, long served, long managerLease, Execution execution,
			Map<Long, RemoteRun.Request> running) {
		while (pool.busy.get() < pool.threads && !this.stop.requested()) {
			RemoteRun.Request request;
			synchronized (run) {
				request = run.claim(pool.name, this.id, this.host, served, managerLease);
			}
			if (request == null) {
				return;
			}
			pool.busy.incrementAndGet();
			running.put(request.stepExecutionId(), request);
			logger.info("{} on {} (attempt {})", request.stepName(), this.host, request.attempt());
			pool.executor.execute(() -> {
				BatchStatus status = null;
				try {
					status = execution.run(request, this.host);
				}
				catch (RuntimeException ex) {
					logger.error("{} could not run: {}", request.stepName(), ex.getMessage());
					logger.debug("", ex);
				}
				finally {
					try {
						finishRetrying(run, request, status);
					}
					finally {
						running.remove(request.stepExecutionId());
						pool.busy.decrementAndGet();
						this.freed.set(true);
					}
				}
			});
		}
	}

	/**
	 * Records the request's end, retried a few times: while it stays taken by a live
	 * worker the manager waits for it. When the repository keeps refusing, the worker
	 * stops, so that its lease ends and the manager gives the request to another (who
	 * finds the partition complete, if it was).
	 */
	private void finishRetrying(RemoteRun run, RemoteRun.Request request, BatchStatus status) {
		for (int attempt = 1;; attempt++) {
			try {
				finish(run, request, status);
				return;
			}
			catch (RuntimeException ex) {
				if (attempt == 5) {
					logger.error("{}: recording its end in the repository failed {} times ({}): this worker stops",
							request.stepName(), attempt, ex.getMessage());
					this.stop.request("the repository refused to record the end of " + request.stepName());
					return;
				}
				logger.warn("{}: recording its end in the repository failed ({}): trying again", request.stepName(),
						ex.getMessage());
				try {
					Thread.sleep(1000L << attempt);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Ends the request, or gives it back when this worker's own stop cut its partition
	 * short: another worker runs it, the run goes on.
	 */
	private void finish(RemoteRun run, RemoteRun.Request request, BatchStatus status) {
		boolean handed;
		synchronized (run) {
			if (status == BatchStatus.STOPPED && this.leaving.get()) {
				handed = run.giveBack(request.stepExecutionId(), this.id);
				if (handed) {
					logger.info("{} stopped with this worker: given back to the run", request.stepName());
				}
			}
			else {
				handed = run.end(request.stepExecutionId(), this.id);
			}
		}
		if (!handed) {
			logger.warn("{} was given to another worker meanwhile (this worker was taken for gone)",
					request.stepName());
		}
	}

	/** The worker's id in the repository: host, pid and a nonce. */
	public String id() {
		return this.id;
	}

	private static java.util.concurrent.ThreadFactory named(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> new Thread(task, prefix + count.incrementAndGet());
	}

	/** Refuses a worker whose servers are not the manager's. */
	public static void checkServer(String side, String expected, String actual) {
		if (!expected.equals(actual)) {
			throw new BadStateException(
					"this worker's --" + side + " reaches " + actual + ", not the " + side + " of the run (" + expected
							+ "): workers connect to the manager's " + side + " server and database");
		}
	}

}

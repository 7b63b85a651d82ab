package io.pgcopydb.job.remote;

import java.sql.Connection;
import java.sql.SQLException;
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

	private static final Duration WAIT = Duration.ofSeconds(1);

	/** What runs the partitions of one job execution: the clone's context in a worker. */
	public interface Execution extends AutoCloseable {

		/** Runs the partition of {@code request}; returns once it is recorded. */
		void run(RemoteRun.Request request, String host);

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
		SingleConnectionDataSource single = new SingleConnectionDataSource();
		single.setSuppressClose(true);
		single.setUrl(this.repository.jdbcUrl());
		single.setConnectionProperties(this.repository.jdbcProperties("worker"));
		RemoteRun run = RemoteRun.of(new JdbcTemplate(single), this.repository);
		ExecutorService tablePool = Executors.newFixedThreadPool(this.tableJobs, named("worker-table-"));
		ExecutorService indexPool = Executors.newFixedThreadPool(this.indexJobs, named("worker-index-"));
		AtomicInteger tableBusy = new AtomicInteger();
		AtomicInteger indexBusy = new AtomicInteger();
		Map<Long, RemoteRun.Request> running = new ConcurrentHashMap<>();
		Execution execution = null;
		long served = -1;
		boolean waitingLogged = false;
		try (RepositoryLease lease = RepositoryLease.hold(this.repository, leaseKey,
				"the lease of worker " + this.id + " of run " + this.repository.schema(),
				() -> this.stop.request("the worker's lease in the repository was lost"));
				Connection listening = this.repository.connect("worker notifications")) {
			synchronized (run) {
				run.join(new RemoteRun.Worker(this.id, this.host, ProcessHandle.current().pid(), this.tableJobs,
						this.indexJobs, leaseKey));
			}
			try (var statement = listening.createStatement()) {
				statement.execute("LISTEN " + run.channel());
			}
			logger.info("Worker {} serves run {} in {} with {} table and {} index threads", this.id,
					this.repository.schema(), this.repository.connection().endpoint(), this.tableJobs, this.indexJobs);
			while (true) {
				RemoteRun.State state;
				synchronized (run) {
					state = run.state();
				}
				if (this.stop.requested()) {
					if (execution != null) {
						execution.stop(this.stop.reason());
					}
					break;
				}
				if (state != null && state.finished() && running.isEmpty()) {
					logger.info("Run {} completed: worker {} leaves", this.repository.schema(), this.id);
					return true;
				}
				Long open = (state != null) ? state.jobExecutionId() : null;
				if (execution != null && served != -1 && (open == null || open != served)) {
					if (running.isEmpty()) {
						execution.close();
						execution = null;
						served = -1;
					}
				}
				if (execution != null && state != null && state.stopRequested() && open != null && open == served) {
					execution.stop("the manager stops the run");
				}
				if (open != null && execution == null) {
					execution = this.executions.open(open, state);
					served = open;
					waitingLogged = false;
					logger.info("Worker {} takes partitions of job execution {}", this.id, open);
				}
				else if (open == null && execution == null && !waitingLogged) {
					waitingLogged = true;
					logger.info("Worker {} waits for a manager to open run {}", this.id, this.repository.schema());
				}
				if (execution != null && open != null && open == served && !state.stopRequested()) {
					Execution current = execution;
					take(run, RemoteRun.TABLE_POOL, this.tableJobs, tableBusy, tablePool, current, running);
					take(run, RemoteRun.INDEX_POOL, this.indexJobs, indexBusy, indexPool, current, running);
				}
				((PGConnection) listening.unwrap(PGConnection.class)).getNotifications((int) WAIT.toMillis());
			}
			return false;
		}
		finally {
			tablePool.shutdown();
			indexPool.shutdown();
			// the partitions running end STOPPED and are recorded before the worker
			// leaves
			tablePool.awaitTermination(1, TimeUnit.MINUTES);
			indexPool.awaitTermination(1, TimeUnit.MINUTES);
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
			single.destroy();
		}
	}

	private void take(RemoteRun run, String pool, int threads, AtomicInteger busy, ExecutorService executor,
			Execution execution, Map<Long, RemoteRun.Request> running) {
		while (busy.get() < threads && !this.stop.requested()) {
			RemoteRun.Request request;
			synchronized (run) {
				request = run.claim(pool, this.id, this.host);
			}
			if (request == null) {
				return;
			}
			busy.incrementAndGet();
			running.put(request.stepExecutionId(), request);
			logger.info("{} on {} (attempt {})", request.stepName(), this.host, request.attempt());
			executor.execute(() -> {
				try {
					execution.run(request, this.host);
				}
				catch (RuntimeException ex) {
					logger.error("{} could not run: {}", request.stepName(), ex.getMessage());
					logger.debug("", ex);
				}
				finally {
					boolean ended;
					synchronized (run) {
						ended = run.end(request.stepExecutionId(), this.id);
					}
					if (!ended) {
						logger.warn("{} was given to another worker meanwhile (this worker was taken for gone)",
								request.stepName());
					}
					running.remove(request.stepExecutionId());
					busy.decrementAndGet();
				}
			});
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

package io.pgcopydb.job.remote;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.job.partition.PartitionDispatcher;
import io.pgcopydb.job.partition.PartitionSpec;
import io.pgcopydb.signal.StopSignal;

/**
 * The manager's side of a distributed clone: partitions become requests in the run's
 * schema of the shared repository ({@link RemoteRun}), which {@code pgcopydb worker}
 * processes take; the workers record each partition's end in the JobRepository and mark
 * the request ended, which one polling thread here turns into the partition's completed
 * future.
 * <p>
 * A worker is alive while its lease is held (an advisory lock in the repository's
 * database). The requests a worker took are sent again only once its lease is gone: a
 * worker that is merely slow (a long COPY touches nothing in the repository for hours)
 * keeps its work, and the target fences every partition's writes
 * ({@code pg_advisory_xact_lock}), so that one presumed dead that still commits cannot
 * interleave with its replacement.
 */
public final class RemoteRequests implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RemoteRequests.class);

	/**
	 * How long queued work waits for a first worker before the log says how to start one.
	 */
	private static final Duration NO_WORKER_WARNING = Duration.ofSeconds(20);

	private final RemoteRun run;

	private final JobRepository jobRepository;

	private final StopSignal stop;

	private final SharedRepository repository;

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final ScheduledExecutorService poller;

	private final Duration pollInterval;

	private volatile long jobExecutionId = -1;

	private volatile Map<String, Integer> capacity = Map.of();

	private long lastLeaseCheck;

	private long waitingSince;

	private long lastWarning;

	private boolean stopSent;

	private boolean polling;

	private record Pending(StepExecution partition, CompletableFuture<StepExecution> future) {
	}

	/**
	 * @param dataSource the repository's pool (the run's schema)
	 * @param pollInterval how often ended requests are looked for
	 */
	public RemoteRequests(DataSource dataSource, SharedRepository repository, JobRepository jobRepository,
			StopSignal stop, Duration pollInterval) {
		this.run = new RemoteRun(new JdbcTemplate(dataSource), repository);
		this.repository = repository;
		this.jobRepository = jobRepository;
		this.stop = stop;
		this.pollInterval = pollInterval;
		this.poller = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "remote-requests");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** The run's requests and workers, for the commands that report on them. */
	public RemoteRun run() {
		return this.run;
	}

	/**
	 * Opens job execution {@code jobExecutionId} to workers: requests of earlier
	 * executions still queued are dropped (their partitions are planned anew), and
	 * workers check their servers against {@code sourceServer} and {@code targetServer}.
	 */
	public synchronized void open(long jobExecutionId, String sourceServer, String targetServer, String copyFormat) {
		if (this.jobExecutionId == jobExecutionId) {
			return;
		}
		this.run.open(jobExecutionId, sourceServer, targetServer, copyFormat);
		this.waitingSince = System.nanoTime();
		if (!this.polling) {
			long every = this.pollInterval.toMillis();
			this.poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
			this.polling = true;
		}
		// last: a failure above lets the next partitioned step open it again
		this.jobExecutionId = jobExecutionId;
		logger.info(
				"Partitions of job execution {} go to workers: start them on any host with pgcopydb worker {}"
						+ " <url> {} {} --source <uri> --target <uri>",
				jobExecutionId, SharedRepository.URL_OPTION, SharedRepository.NAME_OPTION, this.repository.schema());
	}

	/**
	 * The dispatcher of one pool of worker threads: {@code table} (copies and VACUUM,
	 * --table-jobs per worker) or {@code index} (builds, --index-jobs per worker).
	 */
	public PartitionDispatcher dispatcher(String pool) {
		return new PartitionDispatcher() {

			@Override
			public CompletableFuture<StepExecution> dispatch(StepExecution partition) {
				return send(pool, partition);
			}

			@Override
			public int capacity() {
				// twice the workers' threads: a worker whose partition ends finds the
				// next one queued, rather than waiting for this process to notice the
				// end; at least one, queued for the first worker to join
				return Math.max(1, 2 * RemoteRequests.this.capacity.getOrDefault(pool, 0));
			}

		};
	}

	private CompletableFuture<StepExecution> send(String pool, StepExecution partition) {
		if (this.jobExecutionId != partition.getJobExecutionId()) {
			throw new IllegalStateException("job execution " + partition.getJobExecutionId() + " is not open");
		}
		CompletableFuture<StepExecution> future = new CompletableFuture<>();
		this.pending.put(partition.getId(), new Pending(partition, future));
		try {
			this.run.send(partition, pool, this.sequence.incrementAndGet());
		}
		catch (RuntimeException ex) {
			this.pending.remove(partition.getId());
			throw ex;
		}
		return future;
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			logger.warn("Looking for the partitions workers ended failed (tried again): {}", ex.getMessage());
			logger.debug("", ex);
		}
	}

	private synchronized void poll() {
		long execution = this.jobExecutionId;
		if (execution < 0) {
			return;
		}
		if (this.stop.requested() && !this.stopSent) {
			this.run.requestStop(execution);
			this.stopSent = true;
		}
		if (!this.pending.isEmpty()) {
			for (long ended : this.run.ended(execution, this.pending.keySet())) {
				// removed only once read: a failed read is tried again on the next poll
				// (the request stays ENDED)
				StepExecution recorded = this.jobRepository.getStepExecution(ended);
				if (recorded.getStatus().isRunning()) {
					// the worker could not run it nor record how it ended
					recorded.setStatus(BatchStatus.FAILED);
					recorded.setExitStatus(ExitStatus.FAILED
						.addExitDescription("the worker that took it could not run it: see its log"));
					this.jobRepository.update(recorded);
				}
				Pending done = this.pending.remove(ended);
				if (done != null) {
					logger.info("{} ended {} on {}", recorded.getStepName(), recorded.getStatus(),
							PartitionSpec.host(recorded));
					done.future().complete(recorded);
				}
			}
		}
		if (this.stopSent) {
			for (long dropped : this.run.dropQueued(execution)) {
				Pending notSent = this.pending.remove(dropped);
				if (notSent != null) {
					recordNotSent(notSent);
				}
			}
		}
		long now = System.nanoTime();
		if (now - this.lastLeaseCheck >= TimeUnit.SECONDS.toNanos(1)) {
			this.lastLeaseCheck = now;
			List<RemoteRun.Worker> alive = this.run.aliveWorkers();
			refreshCapacity(alive);
			resendLost(execution, alive);
			warnWithoutWorkers(now);
		}
	}

	/**
	 * A request dropped by the stop before a worker took it: its partition is recorded
	 * STOPPED (read anew: a worker found gone may have started it), so a resume runs it;
	 * the future completes whatever happens, or the manager would wait for ever.
	 */
	private void recordNotSent(Pending notSent) {
		try {
			StepExecution partition = this.jobRepository.getStepExecution(notSent.partition().getId());
			partition.setStatus(BatchStatus.STOPPED);
			partition.setExitStatus(ExitStatus.STOPPED.addExitDescription("not started: " + this.stop.reason()));
			this.jobRepository.update(partition);
			notSent.future().complete(partition);
		}
		catch (RuntimeException ex) {
			notSent.future().completeExceptionally(ex);
		}
	}

	/** The threads of the workers alive, per pool. */
	private void refreshCapacity(List<RemoteRun.Worker> alive) {
		Map<String, Integer> threads = new HashMap<>();
		for (RemoteRun.Worker worker : alive) {
			threads.merge(RemoteRun.TABLE_POOL, worker.tableJobs(), Integer::sum);
			threads.merge(RemoteRun.INDEX_POOL, worker.indexJobs(), Integer::sum);
		}
		this.capacity = threads;
	}

	/**
	 * Sends again the requests taken by workers whose lease is gone: only then, since a
	 * worker can hold a partition for hours without a word.
	 */
	private void resendLost(long execution, List<RemoteRun.Worker> alive) {
		Map<String, List<RemoteRun.Claim>> claimed = this.run.claimed(execution);
		Set<String> aliveIds = new HashSet<>();
		for (RemoteRun.Worker worker : alive) {
			aliveIds.add(worker.id());
		}
		for (Map.Entry<String, List<RemoteRun.Claim>> entry : claimed.entrySet()) {
			if (aliveIds.contains(entry.getKey())) {
				continue;
			}
			for (RemoteRun.Claim claim : entry.getValue()) {
				if (this.run.requeue(claim)) {
					logger.warn("Worker {} on {} is gone (its lease in the repository ended) while running {}: sent"
							+ " to another worker", claim.workerId(), claim.host(), claim.stepName());
				}
			}
		}
		this.run.forgetGoneWorkers();
	}

	private void warnWithoutWorkers(long now) {
		if (!this.capacity.isEmpty()) {
			this.waitingSince = now;
			return;
		}
		if (this.pending.isEmpty() || now - this.waitingSince < NO_WORKER_WARNING.toNanos()
				|| now - this.lastWarning < TimeUnit.MINUTES.toNanos(1)) {
			return;
		}
		this.lastWarning = now;
		logger.warn(
				"{} partitions wait and no worker serves the run: start pgcopydb worker {} <url> {} {} --source"
						+ " <uri> --target <uri> on one host or more",
				this.pending.size(), SharedRepository.URL_OPTION, SharedRepository.NAME_OPTION,
				this.repository.schema());
	}

	/**
	 * Ends the manager's service: workers take no more requests of this execution (a
	 * finished run also tells them to leave).
	 * @param finished the run completed
	 */
	public synchronized void finish(boolean finished) {
		this.poller.shutdownNow();
		if (this.jobExecutionId >= 0) {
			this.run.close(this.jobExecutionId, finished);
		}
		else if (finished) {
			// a resume that found the run complete: the workers waiting may leave
			this.run.markFinished();
		}
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
	}

}

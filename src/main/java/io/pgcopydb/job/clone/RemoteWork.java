package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.partition.PartitionDispatcher;
import io.pgcopydb.job.remote.RemoteRequests;
import io.pgcopydb.job.remote.RemoteRun;
import io.pgcopydb.signal.StopSignal;

/**
 * The distributed side of a clone's manager ({@code --distributed}): the dispatchers that
 * send the copy, index and VACUUM partitions to workers, opened for the job execution
 * when its first partitioned step starts, and closed when the run ends. A manager taking
 * over a run whose previous manager died first lets the workers finish the partitions
 * they hold ({@link #takeOver}).
 */
final class RemoteWork implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RemoteWork.class);

	private final CloneRequest request;

	private final RemoteRequests requests;

	private final String copyFormat;

	RemoteWork(CloneRequest request, DataSource repository, JobRepository jobRepository, StopSignal stop,
			String copyFormat, Duration pollInterval) {
		this.request = request;
		this.copyFormat = copyFormat;
		SharedRepository shared = request.workDirectory().sharedRepository();
		this.requests = (request.distributed() && shared != null)
				? new RemoteRequests(repository, shared, jobRepository, stop, pollInterval) : null;
	}

	boolean distributed() {
		return this.requests != null;
	}

	PartitionDispatcher dispatcher(String pool) {
		return this.requests.dispatcher(pool);
	}

	/** Opens the job execution to workers before its first partition is sent. */
	StepExecutionListener opener() {
		return new StepExecutionListener() {
			@Override
			public void beforeStep(StepExecution stepExecution) {
				RemoteWork.this.requests.open(stepExecution.getJobExecutionId(),
						server(RemoteWork.this.request.source()), server(RemoteWork.this.request.target()),
						RemoteWork.this.copyFormat);
			}
		};
	}

	/** Tells the workers the run ended; {@code finished}: completed, they leave. */
	void finish(JobExecution execution) {
		if (this.requests != null) {
			this.requests.finish(execution != null && execution.getStatus() == BatchStatus.COMPLETED
					&& !RunOutcome.isPaused(execution));
		}
	}

	/**
	 * Before a run whose manager died is recovered: workers take no more of its
	 * partitions, and those they run end (recorded by them) before the recovery marks
	 * what was left running as failed; the partitions of workers gone are given up.
	 */
	static void takeOver(DataSource repository, SharedRepository shared, long jobExecutionId, StopSignal stop) {
		RemoteRun run = RemoteRun.of(new JdbcTemplate(repository), shared);
		run.closeForTakeOver();
		long lastLog = 0;
		while (true) {
			Map<String, List<RemoteRun.Claim>> claimed = run.claimed(-1);
			int alive = 0;
			for (RemoteRun.Worker worker : run.aliveWorkers()) {
				List<RemoteRun.Claim> claims = claimed.remove(worker.id());
				alive += (claims != null) ? claims.size() : 0;
			}
			for (List<RemoteRun.Claim> gone : claimed.values()) {
				for (RemoteRun.Claim claim : gone) {
					if (run.abandon(claim)) {
						logger.warn("{} was running on worker {} ({}), which is gone: it runs again", claim.stepName(),
								claim.workerId(), claim.host());
					}
				}
			}
			if (alive == 0) {
				return;
			}
			if (stop.requested()) {
				throw new PgCopyException(ExitCode.STOPPED, "stopped while workers still ran " + alive
						+ " partitions of job execution " + jobExecutionId + ": " + stop.reason());
			}
			long now = System.nanoTime();
			if (now - lastLog > TimeUnit.SECONDS.toNanos(30)) {
				lastLog = now;
				logger.info("Waiting for workers to end the {} partitions of job execution {} they run", alive,
						jobExecutionId);
			}
			try {
				stop.await(Duration.ofSeconds(1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new PgCopyException(ExitCode.STOPPED, "interrupted while waiting for workers", ex);
			}
		}
	}

	/** A manager process starts on the run: workers must not take it for finished. */
	void starting() {
		if (this.requests != null) {
			this.requests.run().managerStarts();
		}
	}

	/**
	 * The server and database {@code endpoint} reaches, as workers compare it: the
	 * database's name and the cluster's system identifier.
	 */
	static String server(PgEndpoint endpoint) {
		try (Connection connection = endpoint.connect("server identity");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.current_database() || ' of cluster '"
						+ " || (SELECT system_identifier FROM pg_catalog.pg_control_system())")) {
			rs.next();
			return rs.getString(1);
		}
		catch (SQLException ex) {
			throw endpoint.failure("reading the identity of the server", ex);
		}
	}

	@Override
	public void close() {
		if (this.requests != null) {
			this.requests.close();
		}
	}

}

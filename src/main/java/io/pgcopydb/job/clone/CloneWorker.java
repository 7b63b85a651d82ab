package io.pgcopydb.job.clone;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.copy.TableSlicer;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;
import io.pgcopydb.job.remote.RemoteRun;
import io.pgcopydb.job.remote.RemoteWorker;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.snapshot.RunSnapshot;
import io.pgcopydb.snapshot.SnapshotSource;

/**
 * The clone's side of {@code pgcopydb worker}: for each job execution a manager opens,
 * the clone's Spring context on the shared repository (the run's plan is there), with
 * this worker's own connection strings, checked to reach the manager's servers, and the
 * manager's snapshot, read from the job execution. A partition runs with the very worker
 * step a local clone runs it with.
 */
public final class CloneWorker implements RemoteWorker.Executions {

	private static final Logger logger = LoggerFactory.getLogger(CloneWorker.class);

	private final PgEndpoint source;

	private final PgEndpoint target;

	private final WorkDirectory workDirectory;

	private final int tableJobs;

	private final int indexJobs;

	/**
	 * @param workDirectory the worker's own directory (its log), on the run's repository
	 */
	public CloneWorker(PgEndpoint source, PgEndpoint target, WorkDirectory workDirectory, int tableJobs,
			int indexJobs) {
		this.source = source;
		this.target = target;
		this.workDirectory = workDirectory;
		this.tableJobs = tableJobs;
		this.indexJobs = indexJobs;
	}

	@Override
	public RemoteWorker.Execution open(long jobExecutionId, RemoteRun.State state) {
		RemoteWorker.checkServer("source", state.sourceServer(), RemoteWork.server(this.source));
		RemoteWorker.checkServer("target", state.targetServer(), RemoteWork.server(this.target));
		CloneRequest request = new CloneRequest(this.source, this.target, this.workDirectory, this.tableJobs,
				this.indexJobs, 1, 1, false, false, false, false, false, false, null, null, this.source.serverVersion(),
				this.target.serverVersion(), CloneRequest.Mode.RESUME, false, "worker",
				Set.of(Stage.TABLE_DATA, Stage.INDEXES, Stage.VACUUM), CloneRequest.ObjectOptions.DEFAULT, Filters.NONE,
				TableSlicer.Options.NONE, false);
		StopSignal stop = new StopSignal();
		ConfigurableApplicationContext context = BatchContext.start(this.workDirectory, stop, request,
				CloneContext.class, Map.of("pgcopydb.copy.format", state.copyFormat().toLowerCase()));
		try {
			JobRepository jobRepository = context.getBean(JobRepository.class);
			JobExecution execution = jobRepository.getJobExecution(jobExecutionId);
			String snapshotId = (execution != null)
					? execution.getExecutionContext().getString(SnapshotTasklet.SNAPSHOT_KEY, null) : null;
			if (snapshotId == null) {
				throw new BadStateException("job execution " + jobExecutionId + " of the run records no snapshot");
			}
			try {
				context.getBean(RunSnapshot.class).take(new SnapshotSource.Given(snapshotId, "the run's manager"));
			}
			catch (PgCopyException ex) {
				// a resumed run whose copies are all done reads no new snapshot: its
				// builds and VACUUMs need none, its copies fail here naming the cause
				logger.warn(
						"{} (workers import the manager's snapshot: the manager, or its pgcopydb snapshot, must"
								+ " hold it); copies of job execution {} fail on this worker",
						ex.getMessage(), jobExecutionId);
			}
			Map<String, Step> steps = new HashMap<>();
			for (Step step : context.getBeansOfType(Step.class).values()) {
				steps.put(step.getName(), step);
			}
			return new Execution(context, stop, jobRepository, steps);
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
	}

	private static final class Execution implements RemoteWorker.Execution {

		private final ConfigurableApplicationContext context;

		private final StopSignal stop;

		private final JobRepository jobRepository;

		private final Map<String, Step> steps;

		Execution(ConfigurableApplicationContext context, StopSignal stop, JobRepository jobRepository,
				Map<String, Step> steps) {
			this.context = context;
			this.stop = stop;
			this.jobRepository = jobRepository;
			this.steps = steps;
		}

		@Override
		public BatchStatus run(RemoteRun.Request request, String host) {
			// by id alone: with the job execution's, Spring Batch reads all its steps
			StepExecution partition = this.jobRepository.getStepExecution(request.stepExecutionId());
			if (partition == null) {
				throw new IllegalStateException("no step execution " + request.stepExecutionId());
			}
			if (partition.getStatus() == BatchStatus.COMPLETED) {
				// a worker that ran it died before saying so
				logger.info("{} is already complete", partition.getStepName());
				return BatchStatus.COMPLETED;
			}
			try {
				Step step = this.steps.get(PartitionKey.workerOf(partition.getStepName()));
				if (step == null) {
					throw new IllegalStateException("no worker step runs " + partition.getStepName());
				}
				if (this.stop.requested()) {
					partition.setStatus(BatchStatus.STOPPED);
					partition
						.setExitStatus(ExitStatus.STOPPED.addExitDescription("not started: " + this.stop.reason()));
					this.jobRepository.update(partition);
					return BatchStatus.STOPPED;
				}
				PartitionSpec.recordWorker(partition, host, host + ":" + ProcessHandle.current().pid(),
						request.attempt());
				step.execute(partition);
				logger.info("{} ended {} on {}", partition.getStepName(), partition.getStatus(), host);
			}
			catch (Exception ex) {
				partition.setStatus(BatchStatus.FAILED);
				partition.setExitStatus(ExitStatus.FAILED.addExitDescription(ex));
				partition.addFailureException(ex);
				this.jobRepository.update(partition);
			}
			return partition.getStatus();
		}

		@Override
		public void stop(String why) {
			this.stop.request(why);
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}

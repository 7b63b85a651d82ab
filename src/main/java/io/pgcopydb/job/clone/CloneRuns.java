package io.pgcopydb.job.clone;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.StepNames;

/**
 * Chooses and runs the clone job execution a command asks for, from what the
 * JobRepository of --dir records:
 * <ul>
 * <li>a fresh run starts a new job instance, refused while an unfinished run is there;
 * <li>{@code --resume} restarts the last unfinished run: Spring Batch skips its COMPLETED
 * steps and partitions and reruns the rest;
 * <li>{@code --restart} abandons the last run if unfinished and starts a new one.
 * </ul>
 * The caller holds the directory's lock, so a run recorded as running is stale (its
 * process is gone, e.g. after kill -9): it is recovered (marked FAILED) first.
 */
@Component
public class CloneRuns {

	private static final Logger logger = LoggerFactory.getLogger(CloneRuns.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final Job cloneJob;

	CloneRuns(JobOperator operator, JobRepository repository, Job cloneJob) {
		this.operator = operator;
		this.repository = repository;
		this.cloneJob = cloneJob;
	}

	/** Runs the job as {@code request} says, synchronously; returns its execution. */
	public JobExecution run(CloneRequest request) throws Exception {
		JobExecution last = lastExecution();
		if (last != null && last.getStatus().isRunning()) {
			logger.warn("Job execution {} is recorded {} but its process is gone: recovering it", last.getId(),
					last.getStatus());
			last = this.operator.recover(last);
		}
		return switch (request.mode()) {
			case RESUME -> resume(request, last);
			case RESTART -> restart(request, last);
			case FRESH -> fresh(request, last);
		};
	}

	private JobExecution fresh(CloneRequest request, JobExecution last) throws Exception {
		if (isUnfinished(last)) {
			throw new BadStateException("an unfinished clone is recorded in --dir " + request.workDirectory().root()
					+ " (job execution " + last.getId() + ", " + last.getStatus()
					+ "): use --resume to finish it, or --restart to start over");
		}
		TargetPreflight.check(request);
		return this.operator.start(this.cloneJob, parameters(request));
	}

	private JobExecution restart(CloneRequest request, JobExecution last) throws Exception {
		if (isUnfinished(last)) {
			logger.info("--restart: abandoning job execution {} ({})", last.getId(), last.getStatus());
			this.operator.abandon(last);
		}
		TargetPreflight.check(request);
		return this.operator.start(this.cloneJob, parameters(request));
	}

	private JobExecution resume(CloneRequest request, JobExecution last) throws Exception {
		String dir = request.workDirectory().root().toString();
		if (last == null) {
			throw new BadStateException(
					"nothing to resume: no clone is recorded in --dir " + dir + "; run without --resume to start one");
		}
		if (last.getStatus() == BatchStatus.COMPLETED) {
			logger.info("The clone recorded in --dir {} already completed (job execution {}): nothing to resume", dir,
					last.getId());
			return last;
		}
		if (last.getStatus() == BatchStatus.ABANDONED) {
			throw new BadStateException("the last clone in --dir " + dir + " was abandoned (job execution "
					+ last.getId() + "): use --restart to start a new one");
		}
		checkSameRun(request, last.getJobParameters());
		logger.info("Resuming job execution {} ({}): completed steps, tables and indexes are kept", last.getId(),
				last.getStatus());
		return this.operator.restart(last);
	}

	/** A resume must copy between the same databases as the run it finishes. */
	private static void checkSameRun(CloneRequest request, JobParameters recorded) {
		Map<String, String> now = Map.of("--source", CloneRequest.identity(request.source()), "--target",
				CloneRequest.identity(request.target()));
		Map<String, String> then = Map.of("--source", String.valueOf(recorded.getString("source")), "--target",
				String.valueOf(recorded.getString("target")));
		for (String option : new String[] { "--source", "--target" }) {
			if (!now.get(option).equals(then.get(option))) {
				throw new BadStateException(
						"cannot resume: " + option + " is " + now.get(option) + " but the interrupted run used "
								+ then.get(option) + ": pass the same " + option + ", or use --restart to start over");
			}
		}
	}

	private static boolean isUnfinished(JobExecution execution) {
		return execution != null && execution.getStatus() != BatchStatus.COMPLETED
				&& execution.getStatus() != BatchStatus.ABANDONED;
	}

	private JobExecution lastExecution() {
		JobInstance instance = this.repository.getLastJobInstance(StepNames.CLONE_JOB);
		return (instance != null) ? this.repository.getLastJobExecution(instance) : null;
	}

	private static JobParameters parameters(CloneRequest request) {
		return new JobParametersBuilder().addString("source", CloneRequest.identity(request.source()))
			.addString("target", CloneRequest.identity(request.target()))
			.addLong("run.id", System.currentTimeMillis())
			.addString("dir", request.workDirectory().root().toString(), false)
			.addLong("table-jobs", (long) request.tableJobs(), false)
			.addLong("index-jobs", (long) request.indexJobs(), false)
			.toJobParameters();
	}

}

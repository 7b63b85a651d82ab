package io.pgcopydb.job.stream;

import io.pgcopydb.cdc.receive.StreamRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.Runs;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.clone.CloneRequest;

/**
 * Chooses and runs the streaming job execution a command asks for, from what the
 * JobRepository of --dir records (the caller holds the directory's lock, so a run
 * recorded as running is stale and is recovered first):
 * <ul>
 * <li>an unfinished follow is continued only with {@code --resume}, from the target
 * origin's position (setup checks that nothing is missing in between);
 * {@code stream receive} and {@code stream apply}, which run one part of it, always
 * continue it; the follow is over once an execution did the cut-over at endpos
 * ({@code streamEnd}), so a {@code stream receive} that reached endpos leaves it to
 * {@code stream apply} or {@code follow --resume};
 * <li>{@code --restart} drops what the last follow created (slot, publication, origin,
 * change files), abandons it if unfinished, and starts over;
 * <li>a new follow needs a slot: one {@code stream setup} recorded, or
 * {@code --create-slot} (which {@code clone --follow} implies).
 * </ul>
 */
public class FollowRuns {

	private static final Logger logger = LoggerFactory.getLogger(FollowRuns.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final Job followJob;

	private final StreamSource source;

	FollowRuns(JobOperator operator, JobRepository repository, Job followJob, StreamSource source) {
		this.operator = operator;
		this.repository = repository;
		this.followJob = followJob;
		this.source = source;
	}

	/** Runs the job as {@code request} says, synchronously; returns its execution. */
	public JobExecution run(FollowRequest request) throws Exception {
		JobExecution last = lastExecution();
		if (last != null && last.getStatus().isRunning()) {
			logger.warn("Job execution {} is recorded {} but its process is gone: recovering it", last.getId(),
					last.getStatus());
			last = this.operator.recover(last);
		}
		String dir = request.workDirectory().root().toString();
		if (request.mode() == FollowRequest.Mode.RESTART) {
			dropRecorded(request);
			if (isUnfinished(last)) {
				logger.info("--restart: abandoning job execution {} ({})", last.getId(), last.getStatus());
				this.operator.abandon(last);
			}
			return start(request);
		}
		// stream receive and stream apply run one part of the follow recorded in --dir:
		// they always continue it, as pgcopydb's do
		boolean onePart = !request.parts().containsAll(FollowRequest.ALL);
		if (isUnfinished(last)) {
			if (!request.resuming() && !onePart) {
				throw new BadStateException(
						"an unfinished follow is recorded in --dir " + dir + " (job execution " + last.getId() + ", "
								+ last.getStatus() + "): use --resume to continue it, or --restart to start over");
			}
			checkSameRun(request, last);
			Runs.requireSameDirectory(request.workDirectory(), last);
			logger.info("Resuming job execution {} ({}) from the target origin's position", last.getId(),
					last.getStatus());
			return this.operator.restart(last);
		}
		if (request.resuming()) {
			if (last != null && last.getStatus() == BatchStatus.COMPLETED && cutOverDone(last)) {
				checkSameRun(request, last);
				logger.info("The follow recorded in --dir {} already reached its endpos (job execution {}): nothing"
						+ " to resume", dir, last.getId());
				return last;
			}
			if (last != null && last.getStatus() == BatchStatus.ABANDONED) {
				throw new BadStateException("the last follow in --dir " + dir + " was abandoned (job execution "
						+ last.getId() + "): use --restart to start a new one");
			}
			if (this.source.recorded() == null) {
				throw new BadStateException("nothing to resume: no follow is recorded in --dir " + dir
						+ "; run without --resume to start one");
			}
		}
		else if (!request.createSlot() && this.source.recorded() == null && !request.startpos().isValid()) {
			throw new BadStateException("no slot is recorded in --dir " + dir + ": follow replays changes from a slot"
					+ " whose snapshot the copy used; run pgcopydb stream setup before the copy (or clone --follow),"
					+ " or pass --startpos with --create-slot");
		}
		return start(request);
	}

	/**
	 * --restart: the last follow's slot (which retains WAL), publication, origin and
	 * change files go, so that the new one starts from a new snapshot.
	 */
	private void dropRecorded(FollowRequest request) {
		StreamRecord recorded = this.source.recorded();
		if (recorded != null) {
			logger.info("--restart: dropping slot {}, publication {}, origin {} of the last follow", recorded.slot(),
					recorded.publication(), recorded.origin());
			this.source.cleanup(recorded, request);
		}
		deleteChangeFiles(request.workDirectory().cdcDir());
	}

	private static void deleteChangeFiles(Path dir) {
		if (!Files.isDirectory(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				if (!file.equals(dir)) {
					Files.delete(file);
				}
			}
		}
		catch (IOException ex) {
			throw new PgCopyException(ExitCode.BAD_STATE,
					"--restart: cannot remove the change files in " + dir + ": " + ex.getMessage(), ex);
		}
	}

	private JobExecution start(FollowRequest request) throws Exception {
		return this.operator.start(this.followJob, parameters(request));
	}

	/** A resume follows the same source into the same target as the run it finishes. */
	private static void checkSameRun(FollowRequest request, JobExecution last) {
		check("--source", CloneRequest.identity(request.source()), last.getJobParameters().getString("source"));
		check("--target", CloneRequest.identity(request.target()), last.getJobParameters().getString("target"));
	}

	private static void check(String option, String now, String then) {
		if (then != null && !then.isEmpty() && !now.isEmpty() && !now.equals(then)) {
			throw new BadStateException(
					"cannot resume: " + option + " is " + now + " but the follow recorded in --dir used " + then
							+ ": pass the same " + option + ", or use --restart to start over");
		}
	}

	/**
	 * Whether the execution reached endpos and did the cut-over: a {@code stream receive}
	 * that reached endpos completed its part only, and the follow goes on.
	 */
	private boolean cutOverDone(JobExecution execution) {
		StepExecution end = this.repository.getLastStepExecution(execution.getJobInstance(), FollowSteps.END);
		return end != null && end.getStatus() == BatchStatus.COMPLETED;
	}

	private static boolean isUnfinished(JobExecution execution) {
		return execution != null && execution.getStatus() != BatchStatus.COMPLETED
				&& execution.getStatus() != BatchStatus.ABANDONED;
	}

	/** The last execution of the streaming job in --dir, or null. */
	public JobExecution lastExecution() {
		JobInstance instance = this.repository.getLastJobInstance(FollowSteps.JOB);
		return (instance != null) ? this.repository.getLastJobExecution(instance) : null;
	}

	private static JobParameters parameters(FollowRequest request) {
		return new JobParametersBuilder().addString("source", CloneRequest.identity(request.source()))
			.addString("target", CloneRequest.identity(request.target()))
			.addString("plugin", request.plugin().pluginName())
			.addLong("run.id", System.currentTimeMillis())
			.addString(Runs.DIR_PARAMETER, request.workDirectory().root().toString(), false)
			.addString(Runs.HOST_PARAMETER, SharedRepository.hostName(), false)
			.addString(FollowStatus.COMMAND_PARAMETER, request.command(), false)
			.toJobParameters();
	}

}

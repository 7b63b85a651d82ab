package io.pgcopydb.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;

/**
 * How a job execution ends for the user: the exit code (the scheduler contract) and the
 * last lines of the log, naming the execution and, when it did not complete, the command
 * that finishes it.
 * <ul>
 * <li>COMPLETED: 0;
 * <li>{@link #PAUSED}: 0, a step command whose stages are done, the run waits for the
 * next;
 * <li>stopped (a stop requested, or STOPPED): 8, finish with the resume command; but a
 * STOPPED execution with a FAILED step exits with that failure's code (a step failed, and
 * its sibling in a split stopped on that halt);
 * <li>FAILED: the exit code of its most relevant failure.
 * </ul>
 *
 * @param lines the lines to log, at ERROR when {@code error}, else at INFO
 * @param failure the failure behind the exit code, logged with its stack at DEBUG
 */
public record RunOutcome(ExitCode exitCode, boolean error, List<String> lines, Throwable failure) {

	/**
	 * Exit code of an execution that stopped cleanly with work left for the next command
	 * (a step command's stages are done). Its status is STOPPED, so a restart continues
	 * it.
	 */
	public static final String PAUSED = "PAUSED";

	/** The exit status of a paused execution, saying what is still to do. */
	public static ExitStatus paused(String description) {
		return new ExitStatus(PAUSED, description);
	}

	/** The execution stopped cleanly after a step command; the run goes on. */
	public static boolean isPaused(JobExecution execution) {
		return execution.getStatus() == BatchStatus.STOPPED && PAUSED.equals(execution.getExitStatus().getExitCode());
	}

	/**
	 * @param stopReason why a stop was requested during the run, or null
	 * @param command the command as typed, for messages
	 * @param resume the command that finishes the run
	 */
	public static RunOutcome of(JobExecution execution, String stopReason, String command, String resume,
			Path logFile) {
		String what = Character.toUpperCase(command.charAt(0)) + command.substring(1);
		long id = execution.getId();
		if (stopReason != null && execution.getStatus() != BatchStatus.COMPLETED) {
			return error(ExitCode.STOPPED, what + " stopped (" + stopReason + ", job execution " + id
					+ "): committed work is kept; finish with: " + resume);
		}
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			return info(what + " completed (job execution " + id + "), the run is complete; log: " + logFile);
		}
		if (isPaused(execution)) {
			return info(
					what + " completed (job execution " + id + "); " + execution.getExitStatus().getExitDescription());
		}
		Throwable failure = ExitCodes.mostRelevant(execution.getAllFailureExceptions());
		if (execution.getStatus() == BatchStatus.STOPPED && !failedStep(execution, failure)) {
			return error(ExitCode.STOPPED, what + " stopped (job execution " + id + "): finish with: " + resume);
		}
		if (failure == null) {
			return error(ExitCode.INTERNAL,
					what + " failed (job execution " + id + ", status " + execution.getStatus() + "); see " + logFile);
		}
		List<String> lines = new ArrayList<>();
		lines.add(ExitCodes.message(failure));
		lines.add(what + " failed (job execution " + id + "); see " + logFile
				+ "; after fixing the cause, finish with: " + resume);
		return new RunOutcome(ExitCodes.of(failure), true, lines, failure);
	}

	/**
	 * Whether a job that stopped did so because one of its steps failed (a step of the
	 * follow's receive | apply split fails, and the other stops on that halt): the run
	 * failed, with that failure's exit code.
	 */
	private static boolean failedStep(JobExecution execution, Throwable failure) {
		return failure != null
				&& execution.getStepExecutions().stream().anyMatch((step) -> step.getStatus() == BatchStatus.FAILED);
	}

	private static RunOutcome info(String line) {
		return new RunOutcome(ExitCode.SUCCESS, false, List.of(line), null);
	}

	private static RunOutcome error(ExitCode code, String line) {
		return new RunOutcome(code, true, List.of(line), null);
	}

	/** Logs the lines; the first ERROR line is the one a user reads. */
	public void log(Logger logger) {
		for (String line : this.lines) {
			if (this.error) {
				logger.error("{}", line);
			}
			else {
				logger.info("{}", line);
			}
		}
		if (this.failure != null) {
			logger.debug("failure", this.failure);
		}
	}

}

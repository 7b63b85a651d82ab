package io.pgcopydb.job;

import java.nio.file.Path;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How every job's execution ends for a scheduler: the exit code, and the lines that say
 * what happened and how to finish.
 */
class RunOutcomeTest {

	private static final Path LOG = Path.of("/var/lib/pgcopydb/run1/logs/pgcopydb.log");

	private static final String RESUME = "pgcopydb copy data --resume --dir /var/lib/pgcopydb/run1";

	@Test
	void aCompletedRunIsZeroAndSaysTheRunIsComplete() {
		RunOutcome outcome = outcome(execution(BatchStatus.COMPLETED, ExitStatus.COMPLETED), null);
		assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCESS);
		assertThat(outcome.error()).isFalse();
		assertThat(outcome.lines()).singleElement()
			.asString()
			.contains("Copy data completed (job execution 7)", "the run is complete", LOG.toString());
	}

	@Test
	void aPausedRunIsZeroAndSaysWhatIsLeft() {
		JobExecution paused = execution(BatchStatus.STOPPED, RunOutcome.paused("still to do: restore post-data"));
		assertThat(RunOutcome.isPaused(paused)).isTrue();
		RunOutcome outcome = outcome(paused, null);
		assertThat(outcome.exitCode()).isEqualTo(ExitCode.SUCCESS);
		assertThat(outcome.lines()).singleElement().asString().contains("still to do: restore post-data");
	}

	@Test
	void aStopRequestedDuringTheRunIsEightWithTheResumeCommand() {
		RunOutcome outcome = outcome(execution(BatchStatus.STOPPED, ExitStatus.STOPPED), "SIGTERM");
		assertThat(outcome.exitCode()).isEqualTo(ExitCode.STOPPED);
		assertThat(outcome.error()).isTrue();
		assertThat(outcome.lines()).singleElement().asString().contains("stopped (SIGTERM", RESUME);
	}

	@Test
	void aStoppedRunIsEightEvenWithoutASignalHere() {
		RunOutcome outcome = outcome(execution(BatchStatus.STOPPED, ExitStatus.STOPPED), null);
		assertThat(outcome.exitCode()).isEqualTo(ExitCode.STOPPED);
		assertThat(outcome.lines()).singleElement().asString().contains(RESUME);
	}

	@Test
	void aRunStoppedBecauseOneOfItsStepsFailedTakesThatFailuresExitCode() {
		// the follow's apply fails; receive, running beside it, stops on that halt
		JobExecution stopped = execution(BatchStatus.STOPPED, ExitStatus.STOPPED);
		StepExecution receive = new StepExecution(21L, "streamReceive", stopped);
		receive.setStatus(BatchStatus.STOPPED);
		StepExecution apply = new StepExecution(22L, "streamApply", stopped);
		apply.setStatus(BatchStatus.FAILED);
		apply.addFailureException(new BadStateException("table public.items on the source no longer has column"
				+ " \"extra\": apply the source's DDL on the target, then run again with --resume"));
		stopped.addStepExecution(receive);
		stopped.addStepExecution(apply);

		RunOutcome outcome = outcome(stopped, null);

		assertThat(outcome.exitCode()).isEqualTo(ExitCode.BAD_STATE);
		assertThat(outcome.lines().get(0)).startsWith("table public.items on the source no longer has column");
		assertThat(outcome.lines().get(1)).contains("failed (job execution 7)", RESUME);
		// asked to stop, it stopped: 8 whatever failed meanwhile
		assertThat(outcome(stopped, "SIGTERM").exitCode()).isEqualTo(ExitCode.STOPPED);
	}

	@Test
	void aFailedRunTakesTheExitCodeOfItsMostRelevantFailureAndSaysHowToFinish() {
		JobExecution failed = execution(BatchStatus.FAILED, ExitStatus.FAILED);
		failed.addFailureException(new IllegalStateException("buildIndex:12 not started"));
		failed.addFailureException(new BadStateException("the target already has public.t: use --drop-if-exists"));

		RunOutcome outcome = outcome(failed, null);

		assertThat(outcome.exitCode()).isEqualTo(ExitCode.BAD_STATE);
		assertThat(outcome.lines()).hasSize(2);
		assertThat(outcome.lines().get(0)).isEqualTo("the target already has public.t: use --drop-if-exists");
		assertThat(outcome.lines().get(1)).contains("failed (job execution 7)", RESUME);
	}

	@Test
	void aFailureFromPostgresOnlyIsFour() {
		JobExecution failed = execution(BatchStatus.FAILED, ExitStatus.FAILED);
		failed.addFailureException(new RuntimeException(new SQLException("deadlock detected", "40P01")));
		assertThat(outcome(failed, null).exitCode()).isEqualTo(ExitCode.POSTGRES);
	}

	@Test
	void aFailedRunWithoutAFailureIsABug() {
		RunOutcome outcome = outcome(execution(BatchStatus.FAILED, ExitStatus.FAILED), null);
		assertThat(outcome.exitCode()).isEqualTo(ExitCode.INTERNAL);
		assertThat(outcome.lines()).singleElement().asString().contains("status FAILED", LOG.toString());
	}

	private static RunOutcome outcome(JobExecution execution, String stopReason) {
		return RunOutcome.of(execution, stopReason, "copy data", RESUME, LOG);
	}

	private static JobExecution execution(BatchStatus status, ExitStatus exitStatus) {
		JobExecution execution = new JobExecution(7L, new JobInstance(3L, "clone"), new JobParameters());
		execution.setStatus(status);
		execution.setExitStatus(exitStatus);
		return execution;
	}

}

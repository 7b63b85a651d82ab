package io.pgcopydb.job.clone;

import java.util.EnumSet;
import java.util.Set;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.partition.StepStatusBoard;

/**
 * Decides how the run ends once the command's stages are done: COMPLETE when every stage
 * of the clone has completed (in this execution or an earlier one), else PAUSE: the
 * execution stops, restartable, for the next command to continue, with an exit status
 * that says what is still to do.
 */
final class RunEnd implements JobExecutionDecider {

	static final String COMPLETE = "COMPLETE";

	static final String PAUSE = "PAUSE";

	private final StepStatusBoard board;

	private final String command;

	private volatile Set<Stage> toDo = Set.of();

	RunEnd(StepStatusBoard board, String command) {
		this.board = board;
		this.command = command;
	}

	@Override
	public FlowExecutionStatus decide(JobExecution jobExecution, StepExecution stepExecution) {
		StepStatusBoard.Snapshot done = this.board.read(jobExecution.getJobInstance().getId(), jobExecution.getId());
		Set<Stage> remaining = EnumSet.noneOf(Stage.class);
		for (Stage stage : Stage.values()) {
			if (!done.isCompleted(stage.stepName())) {
				remaining.add(stage);
			}
		}
		this.toDo = remaining;
		return new FlowExecutionStatus(remaining.isEmpty() ? COMPLETE : PAUSE);
	}

	/**
	 * The exit status of an ended execution: {@link RunOutcome#PAUSED} when it stopped
	 * here with stages left to do, else the one it has.
	 */
	ExitStatus exitStatus(JobExecution execution) {
		Set<Stage> left = this.toDo;
		this.toDo = Set.of();
		if (execution.getStatus() == BatchStatus.STOPPED && !left.isEmpty()) {
			return RunOutcome.paused("paused after " + this.command + "; still to do: " + Stage.describe(left));
		}
		return execution.getExitStatus();
	}

}

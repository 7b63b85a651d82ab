package io.pgcopydb.job.clone;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.job.partition.StepStatusBoard;

/**
 * Where the last clone of --dir stands, for a job that runs beside it
 * ({@code clone --follow}): whether it completed, and whether it still has to read the
 * source (then it needs the snapshot it started with).
 *
 * @param status the last execution's status, or null when no clone is recorded
 * @param sourceReadsLeft a stage that reads the source is not completed
 * @param sourceReadsBegun a stage that reads the source was attempted
 */
public record CloneStatus(BatchStatus status, boolean sourceReadsLeft, boolean sourceReadsBegun) {

	/** The last clone in the repository of {@code context}. */
	public static CloneStatus of(ApplicationContext context) {
		JobRepository repository = context.getBean(JobRepository.class);
		JobInstance instance = repository.getLastJobInstance(CloneSteps.JOB);
		JobExecution last = (instance != null) ? repository.getLastJobExecution(instance) : null;
		if (last == null) {
			return new CloneStatus(null, true, false);
		}
		StepStatusBoard.Snapshot done = context.getBean(StepStatusBoard.class).read(instance.getId(), -1);
		boolean left = !done.isCompleted(CloneSteps.CATALOG);
		boolean begun = done.wasAttempted(CloneSteps.SNAPSHOT);
		for (Stage stage : Stage.ALL) {
			if (stage.readsSource()) {
				left |= !done.isCompleted(stage.stepName());
			}
		}
		return new CloneStatus(last.getStatus(), left, begun);
	}

	public boolean completed() {
		return this.status == BatchStatus.COMPLETED;
	}

	/** A clone is recorded that neither completed nor was abandoned. */
	public boolean unfinished() {
		return this.status != null && this.status != BatchStatus.COMPLETED && this.status != BatchStatus.ABANDONED;
	}

}

package io.pgcopydb.job.partition;

import org.springframework.batch.core.BatchStatus;

/**
 * What a {@link PartitionGate} needs to know of the steps of one job instance, whoever
 * keeps it: the JobRepository read once ({@link StepStatusBoard.Snapshot}), or the live
 * status this process keeps up to date ({@link LiveStatus}).
 */
public interface StatusView {

	/** Completed in any execution of the instance (a restart does not run it again). */
	boolean isCompleted(String stepName);

	/**
	 * Failed, stopped or abandoned in the current execution: it will not complete in this
	 * run.
	 */
	boolean hasFailed(String stepName);

	/**
	 * Ended in the current execution, or completed in an earlier one so this execution
	 * will not run it.
	 */
	boolean hasEnded(String stepName);

	/**
	 * {@link #hasFailed} from a step's status in the current execution (null: none yet).
	 */
	static boolean failed(BatchStatus current) {
		return current != null && current != BatchStatus.COMPLETED && !current.isRunning();
	}

	/**
	 * {@link #hasEnded} from a step's status in the current execution (null: none yet)
	 * and whether any execution completed it.
	 */
	static boolean ended(BatchStatus current, boolean completed) {
		return (current != null) ? !current.isRunning() : completed;
	}

}

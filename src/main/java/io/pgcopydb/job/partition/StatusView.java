package io.pgcopydb.job.partition;

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

}

package io.pgcopydb.job.stream;

/**
 * The streaming job's name and its step names. They are stored in the JobRepository and
 * restart matches on them: never rename one.
 */
public final class FollowSteps {

	/** The streaming job (the design's followJob): setup, then receive and apply. */
	public static final String JOB = "followJob";

	/**
	 * Source checks, publication, slot with its exported snapshot, origin; on a resume,
	 * the checks that the recorded ones are still there.
	 */
	public static final String SETUP = "streamSetup";

	/** Slot to change files in --dir, until endpos or a stop. */
	public static final String RECEIVE = "streamReceive";

	/** Change files to the target, exactly once, until endpos or a stop. */
	public static final String APPLY = "streamApply";

	/** At endpos: sequences set to the source's values, materialized views refreshed. */
	public static final String END = "streamEnd";

	private FollowSteps() {
	}

}

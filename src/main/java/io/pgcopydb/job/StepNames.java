package io.pgcopydb.job;

import java.util.Map;

/**
 * Job and step names. They are stored in the JobRepository and restart matches on them:
 * never rename one.
 */
public final class StepNames {

	public static final String CLONE_JOB = "clone";

	public static final String SNAPSHOT = "snapshot";

	public static final String CATALOG = "catalog";

	public static final String DUMP_SCHEMA = "dumpSchema";

	public static final String RESTORE_PRE_DATA = "restorePreData";

	public static final String COPY_DATA = "copyData";

	/** Partition steps are named {@code copyTable:<table oid>}. */
	public static final String COPY_TABLE = "copyTable";

	public static final String BUILD_INDEXES = "buildIndexes";

	/** Partition steps are named {@code buildIndex:<index oid>}. */
	public static final String BUILD_INDEX = "buildIndex";

	public static final String VACUUM = "vacuum";

	/** Partition steps are named {@code vacuumTable:<table oid>}. */
	public static final String VACUUM_TABLE = "vacuumTable";

	public static final String SEQUENCES = "sequences";

	public static final String LARGE_OBJECTS = "largeObjects";

	public static final String RESTORE_POST_DATA = "restorePostData";

	/** Spring Batch joins a partition step's name and its partition key with this. */
	public static final String PARTITION_SEPARATOR = ":";

	/** Worker step name to the manager step its partitions belong to, for summaries. */
	public static final Map<String, String> PARTITION_MANAGERS = Map.of(COPY_TABLE, COPY_DATA, BUILD_INDEX,
			BUILD_INDEXES, VACUUM_TABLE, VACUUM);

	private StepNames() {
	}

	public static String partition(String workerStep, long key) {
		return workerStep + PARTITION_SEPARATOR + key;
	}

}

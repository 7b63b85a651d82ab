package io.pgcopydb.job.clone;

import java.util.Map;

import io.pgcopydb.job.partition.PartitionKey;

/**
 * The clone job's name and its step names. They are stored in the JobRepository and
 * restart matches on them: never rename one. Partition step names are written by
 * {@link PartitionKey}, e.g. {@code copyTable:16384}.
 */
public final class CloneSteps {

	public static final String JOB = "clone";

	public static final String SNAPSHOT = "snapshot";

	public static final String CATALOG = "catalog";

	public static final String DUMP_SCHEMA = "dumpSchema";

	public static final String RESTORE_PRE_DATA = "restorePreData";

	/**
	 * Resolves where each table's rows land on the target, once, before the first copy.
	 */
	public static final String PLAN_TARGETS = "planTargets";

	/**
	 * Gives a Citus target the source's Citus distribution, before the first copy (a
	 * no-op for a source without Citus).
	 */
	public static final String DISTRIBUTE = "distribute";

	/**
	 * Readies the split tables before their slices copy, on every execution of the run.
	 */
	public static final String PREPARE_SLICES = "prepareSlices";

	public static final String COPY_DATA = "copyData";

	/** Worker of copyData: one partition per table, or per slice of a split table. */
	public static final String COPY_TABLE = "copyTable";

	public static final String BUILD_INDEXES = "buildIndexes";

	/** Worker of buildIndexes: one partition per index, or per bundle of small tables. */
	public static final String BUILD_INDEX = "buildIndex";

	public static final String VACUUM = "vacuum";

	/** Worker of vacuum: one partition per table. */
	public static final String VACUUM_TABLE = "vacuumTable";

	public static final String SEQUENCES = "sequences";

	public static final String LARGE_OBJECTS = "largeObjects";

	public static final String RESTORE_POST_DATA = "restorePostData";

	public static final String DATABASE_PROPERTIES = "databaseProperties";

	/** clone --roles: the source cluster's missing roles, before pre-data. */
	public static final String COPY_ROLES = "copyRoles";

	/** Rows of extension configuration tables, with the table data. */
	public static final String EXTENSION_DATA = "extensionData";

	/** The job, and its one step, of {@code pgcopydb copy roles}. */
	public static final String ROLES_JOB = "copyRoles";

	/** The job, and its one step, of {@code pgcopydb copy extensions}. */
	public static final String EXTENSIONS_JOB = "copyExtensions";

	/** Worker step name to the manager step its partitions belong to, for summaries. */
	public static final Map<String, String> PARTITION_MANAGERS = Map.of(COPY_TABLE, COPY_DATA, BUILD_INDEX,
			BUILD_INDEXES, VACUUM_TABLE, VACUUM);

	private CloneSteps() {
	}

}

package io.pgcopydb.job.clone;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The stages of a clone, each one step of the clone job. A command runs some of them:
 * {@code clone} all, {@code copy data} the data stages, {@code restore pre-data} one. The
 * stages a command leaves out stay to do in the run, so a later command (or
 * {@code clone --resume}) continues the same job instance where the last one paused.
 */
public enum Stage {

	DUMP_SCHEMA(CloneSteps.DUMP_SCHEMA, "dump schema", true),

	RESTORE_PRE_DATA(CloneSteps.RESTORE_PRE_DATA, "restore pre-data", false),

	TABLE_DATA(CloneSteps.COPY_DATA, "copy table-data", true),

	INDEXES(CloneSteps.BUILD_INDEXES, "copy indexes", false),

	VACUUM(CloneSteps.VACUUM, "vacuum (with copy table-data)", false),

	SEQUENCES(CloneSteps.SEQUENCES, "copy sequences", true),

	LARGE_OBJECTS(CloneSteps.LARGE_OBJECTS, "copy blobs", true),

	RESTORE_POST_DATA(CloneSteps.RESTORE_POST_DATA, "restore post-data", false),

	/**
	 * Settings, comment and privileges of the database, last: with restore post-data.
	 * dump schema records them in --dir, so this stage needs no source.
	 */
	DATABASE_PROPERTIES(CloneSteps.DATABASE_PROPERTIES, "restore post-data", false);

	/** {@code clone}, {@code copy db}. */
	public static final Set<Stage> ALL = EnumSet.allOf(Stage.class);

	/** {@code copy data}: everything between the two schema sections. */
	public static final Set<Stage> DATA = EnumSet.of(TABLE_DATA, INDEXES, VACUUM, SEQUENCES, LARGE_OBJECTS);

	private final String stepName;

	private final String command;

	private final boolean readsSource;

	Stage(String stepName, String command, boolean readsSource) {
		this.stepName = stepName;
		this.command = command;
		this.readsSource = readsSource;
	}

	/** The clone job's step that does this stage. */
	public String stepName() {
		return this.stepName;
	}

	/** The command that runs this stage alone, as users know it. */
	public String command() {
		return this.command;
	}

	/** Whether the stage reads the source, and so needs the run's snapshot. */
	public boolean readsSource() {
		return this.readsSource;
	}

	/** "restore pre-data, copy table-data" for messages. */
	public static String describe(Set<Stage> stages) {
		return stages.stream().sorted().map(Stage::command).distinct().collect(Collectors.joining(", "));
	}

}

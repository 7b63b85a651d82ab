package io.pgcopydb.cli;

import java.util.EnumSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.pgcopydb.job.clone.Stage;

/**
 * The step-by-step commands: each runs some stages of the clone job in --dir, and leaves
 * the others to do, so that a migration can be done one step at a time (with changes in
 * between) and still be one run that {@code list progress} and {@code job show} follow,
 * and that {@code clone --resume} can finish.
 */
final class StepCommands {

	private StepCommands() {
	}

	/** {@code pgcopydb dump ...}. */
	@Command(name = "dump", mixinStandardHelpOptions = true,
			description = "Dump the source schema into --dir, in the snapshot of the run.")
	static final class Dump {

		@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Dump the pre-data and post-data sections of the source schema into --dir "
						+ "(pg_dump, custom format), and read the source catalog.")
		int schema(@Mixin CloneOptions options) {
			return options.run("dump schema", EnumSet.of(Stage.DUMP_SCHEMA));
		}

	}

	/** {@code pgcopydb restore ...}. */
	@Command(name = "restore", mixinStandardHelpOptions = true,
			description = "Restore the schema dumped in --dir on the target.")
	static final class Restore {

		@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Restore the pre-data then the post-data section on the target (no data).")
		int schema(@Mixin CloneOptions options) {
			return options.run("restore schema", EnumSet.of(Stage.RESTORE_PRE_DATA, Stage.RESTORE_POST_DATA));
		}

		@Command(name = "pre-data", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Restore the pre-data section on the target: schemas, types, tables, functions...")
		int preData(@Mixin CloneOptions options) {
			return options.run("restore pre-data", EnumSet.of(Stage.RESTORE_PRE_DATA));
		}

		@Command(name = "post-data", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Restore the post-data section on the target: foreign keys, triggers, rules, policies; "
						+ "indexes and constraints the target already has (copy data built them) are skipped.")
		int postData(@Mixin CloneOptions options) {
			return options.run("restore post-data", EnumSet.of(Stage.RESTORE_POST_DATA));
		}

	}

	/** {@code pgcopydb copy ...}. */
	@Command(name = "copy", mixinStandardHelpOptions = true,
			description = "Copy parts of the source database to the target.")
	static final class Copy {

		@Command(name = "db", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Same as pgcopydb clone.")
		int db(@Mixin CloneOptions options) {
			return options.run("copy db", Stage.ALL);
		}

		@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Dump the source schema and restore it on the target, pre-data then post-data (no data).")
		int schema(@Mixin CloneOptions options) {
			return options.run("copy schema",
					EnumSet.of(Stage.DUMP_SCHEMA, Stage.RESTORE_PRE_DATA, Stage.RESTORE_POST_DATA));
		}

		@Command(name = "data", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Copy the rows of every table, build indexes and constraints, VACUUM ANALYZE, set "
						+ "sequences, copy large objects; the schema must be on the target (restore pre-data).")
		int data(@Mixin CloneOptions options) {
			return options.run("copy data", Stage.DATA);
		}

		@Command(name = "table-data", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Copy the rows of every table, then VACUUM ANALYZE it.")
		int tableData(@Mixin CloneOptions options) {
			return options.run("copy table-data", EnumSet.of(Stage.TABLE_DATA, Stage.VACUUM));
		}

		@Command(name = "indexes", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Build every index of the source's tables on the target, with the PRIMARY KEY and "
						+ "UNIQUE constraints they back (same as copy constraints).")
		int indexes(@Mixin CloneOptions options) {
			return options.run("copy indexes", EnumSet.of(Stage.INDEXES));
		}

		@Command(name = "constraints", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Build the PRIMARY KEY and UNIQUE constraints with their indexes, and the other indexes "
						+ "(same as copy indexes: each index is built once, with its constraint).")
		int constraints(@Mixin CloneOptions options) {
			return options.run("copy constraints", EnumSet.of(Stage.INDEXES));
		}

		@Command(name = "sequences", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Set every sequence on the target to its value on the source.")
		int sequences(@Mixin CloneOptions options) {
			return options.run("copy sequences", EnumSet.of(Stage.SEQUENCES));
		}

		@Command(name = "blobs", aliases = "large-objects", sortOptions = false, mixinStandardHelpOptions = true,
				description = "Copy every large object.")
		int blobs(@Mixin CloneOptions options) {
			return options.run("copy blobs", EnumSet.of(Stage.LARGE_OBJECTS));
		}

	}

}

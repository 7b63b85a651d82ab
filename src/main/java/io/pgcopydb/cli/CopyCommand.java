package io.pgcopydb.cli;

import java.util.EnumSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.pgcopydb.job.clone.ObjectsJob;
import io.pgcopydb.job.clone.Stage;

/**
 * {@code pgcopydb copy ...}: each verb runs some stages of the clone job in --dir and
 * leaves the others to do, so that a migration can be done one step at a time (with
 * changes in between) and still be one run that {@code list progress} and
 * {@code job show} follow, and that {@code clone --resume} can finish.
 */
@Command(name = "copy", mixinStandardHelpOptions = true,
		description = "Copy parts of the source database to the target.")
final class CopyCommand {

	@Command(name = "db", sortOptions = false, mixinStandardHelpOptions = true, description = "Same as pgcopydb clone.")
	int db(@Mixin CloneOptions options) {
		return options.launch("copy db", Stage.ALL);
	}

	@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Dump the source schema and restore it on the target, pre-data then post-data (no data).")
	int schema(@Mixin CloneOptions options) {
		return options.launch("copy schema", EnumSet.of(Stage.DUMP_SCHEMA, Stage.RESTORE_PRE_DATA,
				Stage.RESTORE_POST_DATA, Stage.DATABASE_PROPERTIES));
	}

	@Command(name = "data", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Copy the rows of every table, build indexes and constraints, VACUUM ANALYZE, set "
					+ "sequences, copy large objects; the schema must be on the target (restore pre-data).")
	int data(@Mixin CloneOptions options) {
		return options.launch("copy data", Stage.DATA);
	}

	@Command(name = "table-data", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Copy the rows of every table, then VACUUM ANALYZE it.")
	int tableData(@Mixin CloneOptions options) {
		return options.launch("copy table-data", EnumSet.of(Stage.TABLE_DATA, Stage.VACUUM));
	}

	@Command(name = "indexes", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Build every index of the source's tables on the target, with the PRIMARY KEY and "
					+ "UNIQUE constraints they back (same as copy constraints).")
	int indexes(@Mixin CloneOptions options) {
		return options.launch("copy indexes", EnumSet.of(Stage.INDEXES));
	}

	@Command(name = "constraints", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Build the PRIMARY KEY and UNIQUE constraints with their indexes, and the other indexes "
					+ "(same as copy indexes: each index is built once, with its constraint).")
	int constraints(@Mixin CloneOptions options) {
		return options.launch("copy constraints", EnumSet.of(Stage.INDEXES));
	}

	@Command(name = "sequences", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Set every sequence on the target to its value on the source.")
	int sequences(@Mixin CloneOptions options) {
		return options.launch("copy sequences", EnumSet.of(Stage.SEQUENCES));
	}

	@Command(name = "roles", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Create on the target the roles of the source cluster that it lacks, with their attributes,"
					+ " passwords (unless --no-role-passwords), settings and memberships; existing roles are left"
					+ " as they are and listed.")
	int roles(@Mixin CloneOptions options) {
		return options.launchObjects("copy roles", ObjectsJob.ROLES);
	}

	@Command(name = "extensions", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Create on the target the source's extensions that it lacks, each in its schema at its"
					+ " version, and copy the rows of their configuration tables; then clone with"
					+ " --skip-extensions, possibly as a non-superuser.")
	int extensions(@Mixin CloneOptions options) {
		return options.launchObjects("copy extensions", ObjectsJob.EXTENSIONS);
	}

	@Command(name = "blobs", aliases = "large-objects", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Copy every large object.")
	int blobs(@Mixin CloneOptions options) {
		return options.launch("copy blobs", EnumSet.of(Stage.LARGE_OBJECTS));
	}

}

package io.pgcopydb.cli;

import java.util.EnumSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.pgcopydb.job.clone.Stage;

/**
 * {@code pgcopydb restore ...}: the schema-restore stages of the clone job in --dir, for
 * a step-by-step migration (see {@link CopyCommand}); refused before {@code dump schema}.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, subcommands = ParseListCommand.class,
		description = "Restore the schema dumped in --dir on the target.")
final class RestoreCommand {

	@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Restore the pre-data then the post-data section on the target (no data).")
	int schema(@Mixin CloneOptions options) {
		return options.launch("restore schema",
				EnumSet.of(Stage.RESTORE_PRE_DATA, Stage.RESTORE_POST_DATA, Stage.DATABASE_PROPERTIES));
	}

	@Command(name = "pre-data", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Restore the pre-data section on the target: schemas, types, tables, functions...")
	int preData(@Mixin CloneOptions options) {
		return options.launch("restore pre-data", EnumSet.of(Stage.RESTORE_PRE_DATA));
	}

	@Command(name = "post-data", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Restore the post-data section on the target: foreign keys, triggers, rules, policies; "
					+ "indexes and constraints the target already has (copy data built them) are skipped.")
	int postData(@Mixin CloneOptions options) {
		return options.launch("restore post-data", EnumSet.of(Stage.RESTORE_POST_DATA, Stage.DATABASE_PROPERTIES));
	}

}

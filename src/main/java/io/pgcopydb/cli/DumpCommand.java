package io.pgcopydb.cli;

import java.util.EnumSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.pgcopydb.job.clone.Stage;

/**
 * {@code pgcopydb dump ...}: the schema-dump stage of the clone job in --dir, for a
 * step-by-step migration (see {@link CopyCommand}).
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
		description = "Dump the source schema into --dir, in the snapshot of the run.")
final class DumpCommand {

	@Command(name = "schema", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Dump the pre-data and post-data sections of the source schema into --dir "
					+ "(pg_dump, custom format), and read the source catalog.")
	int schema(@Mixin CloneOptions options) {
		return options.launch("dump schema", EnumSet.of(Stage.DUMP_SCHEMA));
	}

}

package io.pgcopydb.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.cdc.receive.StreamNames;
import io.pgcopydb.error.BadArgumentsException;

/**
 * The options naming a follow's objects, shared by {@code stream setup} and
 * {@code cleanup}.
 */
final class StreamOptions {

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = "--target", paramLabel = "<uri>",
			description = "Target database connection string (default: $PGCOPYDB_TARGET_PGURI).")
	String target;

	@Mixin
	WorkDirOptions workDir;

	@Option(names = "--slot-name", paramLabel = "<name>",
			description = "Replication slot (default: pgcopydb_ and a hash of --dir; pgcopydb's own name is pgcopydb).")
	String slotName;

	@Option(names = "--publication", paramLabel = "<name>",
			description = "Publication for pgoutput (default: the slot's default name).")
	String publication;

	@Option(names = "--origin", paramLabel = "<name>",
			description = "Replication origin on the target (default: the slot's default name).")
	String origin;

	@Option(names = "--plugin", paramLabel = "<plugin>", defaultValue = "pgoutput",
			description = "Output plugin: pgoutput (default), test_decoding or wal2json.")
	String plugin;

	StreamNames names() {
		return StreamNames.of(this.workDir.workDirectory().root().toAbsolutePath(), this.slotName, this.publication,
				this.origin);
	}

	Plugin plugin() {
		for (Plugin known : Plugin.values()) {
			if (known.pluginName().equals(this.plugin)) {
				return known;
			}
		}
		throw new BadArgumentsException(
				"--plugin " + this.plugin + " is not one of pgoutput, test_decoding and wal2json: pick one of them");
	}

}

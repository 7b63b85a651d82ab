package io.pgcopydb.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.pgcopydb.config.WorkDirectory;

/** --dir and --debug, which every command has. */
final class WorkDirOptions {

	@Option(names = "--dir", paramLabel = "<dir>",
			description = "Work directory: repository, schema archives, logs (default: $${TMPDIR:-/tmp}/pgcopydb).")
	Path dir;

	@Option(names = "--debug", description = "Log at DEBUG level, with stack traces.")
	boolean debug;

	/** The work directory, not created: commands that write create it. */
	WorkDirectory workDirectory() {
		return new WorkDirectory((this.dir != null) ? this.dir : WorkDirectory.defaultRoot());
	}

}

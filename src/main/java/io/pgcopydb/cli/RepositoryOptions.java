package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.function.Function;

import picocli.CommandLine.Option;

import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.BatchContext;

/**
 * Options and plumbing of the commands that read or steer the runs recorded in a --dir
 * ({@code job ...}, {@code list progress}): they open its repository only, never a
 * database, and may run beside a job.
 */
final class RepositoryOptions {

	@Option(names = "--dir", paramLabel = "<dir>",
			description = "Work directory whose runs to read (default: $${TMPDIR:-/tmp}/pgcopydb).")
	Path dir;

	@Option(names = "--json", description = "Print JSON on stdout instead of text.")
	boolean json;

	@Option(names = "--debug", description = "Log at DEBUG level, with stack traces.")
	boolean debug;

	WorkDirectory workDirectory() {
		return new WorkDirectory((this.dir != null) ? this.dir : WorkDirectory.defaultRoot());
	}

	/**
	 * Runs {@code action} with the repository's context (failures go to the
	 * ErrorBoundary).
	 */
	int run(Function<ConfigurableApplicationContext, Integer> action) {
		LogSetup.init(this.debug);
		WorkDirectory work = workDirectory();
		if (!java.nio.file.Files.exists(work.repositoryFile())) {
			throw new BadStateException("no pgcopydb run is recorded in --dir " + work.root() + " (no "
					+ work.repositoryFile().getFileName() + "): pass the --dir of the run");
		}
		try (ConfigurableApplicationContext context = BatchContext.start(work)) {
			return action.apply(context);
		}
	}

}

package io.pgcopydb.cli;

import java.util.function.Function;

import picocli.CommandLine.Mixin;
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

	@Mixin
	WorkDirOptions workDir;

	@Option(names = "--json", description = "Print JSON on stdout instead of text.")
	boolean json;

	WorkDirectory workDirectory() {
		return this.workDir.workDirectory();
	}

	boolean debug() {
		return this.workDir.debug;
	}

	/**
	 * Runs {@code action} with the repository's context (failures go to the
	 * ErrorBoundary).
	 */
	int run(Function<ConfigurableApplicationContext, Integer> action) {
		LogSetup.init(debug());
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

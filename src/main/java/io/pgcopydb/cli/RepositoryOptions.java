package io.pgcopydb.cli;

import java.util.function.Function;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.Runs;
import io.pgcopydb.progress.LogSetup;

/**
 * Options of the commands that read or steer the runs recorded in a --dir
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

	/** Applies {@code action} to the runs of --dir. */
	<T> T runs(Function<Runs, T> action) {
		return read(Runs.class, action);
	}

	/** Sets up logging, for a command that opens the repository by itself. */
	void init() {
		LogSetup.init(this.workDir.debug);
	}

	/** Applies {@code action} to a job's queries over the repository of --dir. */
	<Q, T> T read(Class<Q> queries, Function<Q, T> action) {
		init();
		return RunRepository.read(workDirectory(), queries, action);
	}

}

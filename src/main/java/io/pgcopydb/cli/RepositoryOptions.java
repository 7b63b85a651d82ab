package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.function.Function;

import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;
import io.pgcopydb.error.PgCopyException;
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

	/** Runs {@code action} with the repository's context; maps failures to exit codes. */
	int run(Function<ConfigurableApplicationContext, Integer> action) {
		LogSetup.init(this.debug);
		var logger = LoggerFactory.getLogger(RepositoryOptions.class);
		WorkDirectory work = workDirectory();
		try {
			if (!java.nio.file.Files.exists(work.repositoryFile())) {
				throw new BadStateException("no pgcopydb run is recorded in --dir " + work.root() + " (no "
						+ work.repositoryFile().getFileName() + "): pass the --dir of the run");
			}
			try (ConfigurableApplicationContext context = BatchContext.start(work)) {
				return action.apply(context);
			}
		}
		catch (PgCopyException ex) {
			logger.error("{}", ex.getMessage());
			logger.debug("failure", ex);
			return ex.exitCode().code();
		}
		catch (RuntimeException ex) {
			logger.error("internal error: {}", ExitCodes.message(ex), ex);
			return ExitCode.INTERNAL.code();
		}
	}

}

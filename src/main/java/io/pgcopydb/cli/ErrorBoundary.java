package io.pgcopydb.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;

/**
 * The one place where a failure becomes what the user sees: one ERROR line (the stack
 * trace only at DEBUG, that is with --debug or in the log file) and the exit code of
 * {@link ExitCodes}. Commands throw; nothing else logs a failure.
 */
final class ErrorBoundary implements CommandLine.IExecutionExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ErrorBoundary.class);

	@Override
	public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
		ExitCode code = ExitCodes.of(ex);
		if (code == ExitCode.INTERNAL) {
			logger.error("internal error: {}", ExitCodes.message(ex), ex);
		}
		else {
			logger.error("{}", ExitCodes.message(ex));
			logger.debug("failure", ex);
		}
		return code.code();
	}

}

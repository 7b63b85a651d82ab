package io.pgcopydb.error;

/** Thrown when bad command-line arguments (malformed connection strings among them). */
public class BadArgumentsException extends PgCopyException {

	public BadArgumentsException(String message) {
		super(ExitCode.BAD_ARGUMENTS, message);
	}

	public BadArgumentsException(String message, Throwable cause) {
		super(ExitCode.BAD_ARGUMENTS, message, cause);
	}

}

package io.pgcopydb.error;

/**
 * Thrown when the work directory, the repository or the target is not in a state that
 * allows the operation.
 */
public class BadStateException extends PgCopyException {

	public BadStateException(String message) {
		super(ExitCode.BAD_STATE, message);
	}

	public BadStateException(String message, Throwable cause) {
		super(ExitCode.BAD_STATE, message, cause);
	}

}

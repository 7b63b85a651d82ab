package io.pgcopydb.error;

/** Thrown when pg_dump or pg_restore exited with an error. */
public class PgToolException extends PgCopyException {

	public PgToolException(String message) {
		super(ExitCode.PG_TOOL, message);
	}

	public PgToolException(String message, Throwable cause) {
		super(ExitCode.PG_TOOL, message, cause);
	}

}

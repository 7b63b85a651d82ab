package io.pgcopydb.error;

/**
 * A PostgreSQL failure on one side of the copy, with the SQLSTATE kept. The exit code
 * says which side: {@link ExitCode#SOURCE}, {@link ExitCode#TARGET} or
 * {@link ExitCode#POSTGRES} when the side does not matter.
 */
public class DatabaseException extends PgCopyException {

	private final String sqlState;

	public DatabaseException(ExitCode exitCode, String message, String sqlState, Throwable cause) {
		super(exitCode, message, cause);
		this.sqlState = sqlState;
	}

	/** The SQLSTATE of the failure, or {@code null} when the server sent none. */
	public String sqlState() {
		return this.sqlState;
	}

}

package io.pgcopydb.error;

/**
 * The root of every failure this program reports. It carries the {@link ExitCode} the
 * process ends with; its message is the one line a user reads, so it names the object,
 * the reason and the remedy.
 */
public class PgCopyException extends RuntimeException {

	private final ExitCode exitCode;

	public PgCopyException(ExitCode exitCode, String message) {
		super(message);
		this.exitCode = exitCode;
	}

	public PgCopyException(ExitCode exitCode, String message, Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	public ExitCode exitCode() {
		return this.exitCode;
	}

}

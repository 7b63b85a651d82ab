package io.pgcopydb.error;

/**
 * Thrown when bad configuration: properties, filter files, missing or too old PostgreSQL
 * client tools.
 */
public class BadConfigException extends PgCopyException {

	public BadConfigException(String message) {
		super(ExitCode.BAD_CONFIG, message);
	}

	public BadConfigException(String message, Throwable cause) {
		super(ExitCode.BAD_CONFIG, message, cause);
	}

}

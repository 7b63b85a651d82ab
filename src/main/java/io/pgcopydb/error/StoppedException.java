package io.pgcopydb.error;

/** Thrown when a run stopped on request (SIGTERM, Ctrl-C, job stop): safe to resume. */
public class StoppedException extends PgCopyException {

	public StoppedException(String message) {
		super(ExitCode.STOPPED, message);
	}

}

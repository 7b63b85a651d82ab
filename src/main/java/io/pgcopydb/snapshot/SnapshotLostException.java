package io.pgcopydb.snapshot;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/**
 * The run's source snapshot can no longer be imported (the source server restarted, or
 * the session holding it ended) while work still needed it. Nothing that read it can be
 * retried consistently: the run can only be finished from a new snapshot
 * ({@code --resume --not-consistent}) or started over ({@code --restart}), which the
 * message says. A source failure: {@link ExitCode#SOURCE}.
 */
public class SnapshotLostException extends PgCopyException {

	public SnapshotLostException(String message, Throwable cause) {
		super(ExitCode.SOURCE, message, cause);
	}

}

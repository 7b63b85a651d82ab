package io.pgcopydb.cdc.receive;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/**
 * The source is not ready for logical replication (wal_level, the role's REPLICATION,
 * free slots or wal senders, a missing output plugin, tables without replica identity, a
 * slot creation blocked by open transactions): something to fix on the source, then run
 * the command again. Exit code {@link ExitCode#SOURCE}.
 */
public class SourceNotReadyException extends PgCopyException {

	public SourceNotReadyException(String message) {
		super(ExitCode.SOURCE, message);
	}

	public SourceNotReadyException(String message, Throwable cause) {
		super(ExitCode.SOURCE, message, cause);
	}

}

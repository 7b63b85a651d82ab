package io.pgcopydb.cdc.decode;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/** A message of the change stream that cannot be decoded: a bug or an unknown format. */
public class DecodeException extends PgCopyException {

	public DecodeException(String message) {
		super(ExitCode.INTERNAL, message);
	}

	public DecodeException(String message, Throwable cause) {
		super(ExitCode.INTERNAL, message, cause);
	}

}

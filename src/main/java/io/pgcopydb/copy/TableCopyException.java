package io.pgcopydb.copy;

import java.sql.SQLException;

import io.pgcopydb.config.Side;

/** A table copy failed; says on which side, since a COPY pipe involves both. */
public final class TableCopyException extends Exception {

	private final Side side;

	TableCopyException(Side side, SQLException cause) {
		super(cause.getMessage(), cause);
		this.side = side;
	}

	public Side side() {
		return this.side;
	}

	@Override
	public synchronized SQLException getCause() {
		return (SQLException) super.getCause();
	}

}

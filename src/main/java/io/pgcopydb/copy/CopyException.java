package io.pgcopydb.copy;

import java.sql.SQLException;

import io.pgcopydb.config.Side;

/**
 * A copy (table rows, sequence values, large objects) failed; says on which side, since
 * every copy reads one server and writes the other.
 */
public final class CopyException extends Exception {

	private final Side side;

	CopyException(Side side, SQLException cause) {
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

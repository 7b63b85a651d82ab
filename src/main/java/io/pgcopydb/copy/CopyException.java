package io.pgcopydb.copy;

import java.sql.SQLException;

import io.pgcopydb.config.Side;

/**
 * A copy (table rows, sequence values, large objects) failed; says on which side, since
 * every copy reads one server and writes the other.
 */
public final class CopyException extends Exception {

	private final Side side;

	private final boolean atCommit;

	public CopyException(Side side, SQLException cause) {
		this(side, cause, false);
	}

	CopyException(Side side, SQLException cause, boolean atCommit) {
		super(cause.getMessage(), cause);
		this.side = side;
		this.atCommit = atCommit;
	}

	/**
	 * The target's commit failed: the server may have committed before the connection
	 * broke, so whether the rows are there is unknown.
	 */
	public boolean atCommit() {
		return this.atCommit;
	}

	public Side side() {
		return this.side;
	}

	@Override
	public synchronized SQLException getCause() {
		return (SQLException) super.getCause();
	}

}

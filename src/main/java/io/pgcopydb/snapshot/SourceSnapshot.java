package io.pgcopydb.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.pgcopydb.pg.Identifiers;

/**
 * An exported source snapshot and the session that keeps it alive. Every source read of a
 * run (catalog, pg_dump, COPY, sequences, large objects) imports this snapshot, so the
 * target gets the source as of one instant. The snapshot lives exactly as long as this
 * session stays open and idle in its transaction
 * (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION).
 */
public final class SourceSnapshot implements AutoCloseable {

	private final Connection session;

	private final String id;

	private SourceSnapshot(Connection session, String id) {
		this.session = session;
		this.id = id;
	}

	/**
	 * Exports a snapshot on the given session, which this object then owns (it is closed
	 * if the export fails).
	 */
	public static SourceSnapshot export(Connection session) throws SQLException {
		try (Statement statement = session.createStatement()) {
			session.setAutoCommit(false);
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
			try (ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
				rs.next();
				return new SourceSnapshot(session, rs.getString(1));
			}
		}
		catch (SQLException ex) {
			try {
				session.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	/**
	 * Starts a REPEATABLE READ, READ ONLY transaction on {@code connection} that sees the
	 * snapshot {@code snapshotId}, with an empty search_path and row_security off for
	 * that transaction. Must be the transaction's first statement.
	 */
	public static void begin(Connection connection, String snapshotId) throws SQLException {
		begin(connection, snapshotId, Duration.ZERO);
	}

	/**
	 * As {@link #begin(Connection, String)}, and a lock wait longer than
	 * {@code lockTimeout} (zero: no limit) fails the statement with SQLSTATE 55P03.
	 */
	public static void begin(Connection connection, String snapshotId, Duration lockTimeout) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
			statement.execute("SET TRANSACTION SNAPSHOT " + Identifiers.literal(snapshotId));
			// As pg_dump does: catalog functions then qualify every name they print, and
			// row-level security either lets every row through or fails the COPY loudly,
			// never filters silently.
			statement.execute("SELECT pg_catalog.set_config('search_path', '', true), "
					+ "pg_catalog.set_config('row_security', 'off', true), " + "pg_catalog.set_config('lock_timeout', '"
					+ lockTimeout.toMillis() + "ms', true)");
		}
	}

	/**
	 * Makes a lock wait longer than {@code lockTimeout} fail on an autocommit session
	 * outside any snapshot.
	 */
	public static void limitLockWait(Connection connection, Duration lockTimeout) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement
				.execute("SELECT pg_catalog.set_config('lock_timeout', '" + lockTimeout.toMillis() + "ms', false)");
		}
	}

	public String id() {
		return this.id;
	}

	/** The exporting session, inside the snapshot's transaction. */
	Connection session() {
		return this.session;
	}

	/**
	 * Runs a trivial query in the exporting transaction: fails if the session is gone.
	 */
	public void checkAlive() throws SQLException {
		try (Statement statement = this.session.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

	@Override
	public void close() throws SQLException {
		try {
			this.session.rollback();
		}
		finally {
			this.session.close();
		}
	}

}

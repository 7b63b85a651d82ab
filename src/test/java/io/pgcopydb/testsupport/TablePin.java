package io.pgcopydb.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a run at the TRUNCATE before the copy of one table: a session of the test takes
 * ACCESS SHARE on the target table the moment the run's pre-data restore has created it,
 * so the copy's TRUNCATE queues behind it for as long as the test needs.
 * <p>
 * Polling for the table from new connections and locking it afterwards left a window in
 * which a fast run truncated and copied the table first (the test then waited for a
 * TRUNCATE that had already happened). Here the pin's own session retries
 * {@code LOCK ... NOWAIT} every few milliseconds, then proves that it holds the run where
 * it wanted: the table is still empty, and the backend it blocks is the TRUNCATE (a lock
 * taken between two pre-data entries of pg_restore would hold the restore instead: it is
 * released and taken again later).
 */
public final class TablePin implements AutoCloseable {

	private final Connection connection;

	private int heldPid;

	private TablePin(Connection connection) {
		this.connection = connection;
	}

	/** Opens the pin's session; do it before the run starts (a connection costs time). */
	public static TablePin open(PgServer server, String db) throws SQLException {
		Connection connection = server.connect(db);
		connection.setAutoCommit(false);
		return new TablePin(connection);
	}

	/**
	 * Waits until the run's {@code TRUNCATE ONLY "schema"."table"} waits for this
	 * session, and returns that backend's pid.
	 */
	public int holdTruncateOf(String schema, String table, Duration atMost) throws SQLException, InterruptedException {
		String qualified = quote(schema) + "." + quote(table);
		long deadline = System.nanoTime() + atMost.toNanos();
		List<String> seen = new ArrayList<>();
		try (Statement statement = this.connection.createStatement()) {
			while (System.nanoTime() < deadline) {
				if (!lock(statement, qualified)) {
					Thread.sleep(5);
					continue;
				}
				try (ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + qualified + ")")) {
					rs.next();
					if (rs.getBoolean(1)) {
						this.connection.rollback();
						throw new AssertionError("the run copied " + qualified
								+ " before the test could pin it: its TRUNCATE cannot be held any more");
					}
				}
				Integer truncate = awaitBlocked(statement, qualified, deadline, seen);
				if (truncate != null) {
					this.heldPid = truncate;
					return truncate;
				}
				// another statement of the run (pg_restore) waited for the pin: let it go
				// on
				this.connection.rollback();
				Thread.sleep(20);
			}
		}
		this.connection.rollback();
		throw new AssertionError("the run's TRUNCATE of " + qualified + " never waited for the pin within " + atMost
				+ "; blocked instead: " + seen);
	}

	/** The pid of the TRUNCATE held, once {@link #holdTruncateOf} returned. */
	public int heldPid() {
		return this.heldPid;
	}

	/** Lets the held TRUNCATE go on. */
	public void release() throws SQLException {
		this.connection.rollback();
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	private boolean lock(Statement statement, String qualified) throws SQLException {
		try {
			statement.execute("LOCK TABLE " + qualified + " IN ACCESS SHARE MODE NOWAIT");
			return true;
		}
		catch (SQLException ex) {
			// 42P01: the restore has not committed the table yet; 55P03: a restore entry
			// (or the run's TRUNCATE, which the emptiness check then catches) holds it
			if (!"42P01".equals(ex.getSQLState()) && !"55P03".equals(ex.getSQLState())) {
				throw ex;
			}
			this.connection.rollback();
			return false;
		}
	}

	/**
	 * The pid of the run's TRUNCATE once it waits for this session; {@code null} when
	 * another statement waits for it instead.
	 */
	private Integer awaitBlocked(Statement statement, String qualified, long deadline, List<String> seen)
			throws SQLException, InterruptedException {
		while (System.nanoTime() < deadline) {
			// pg_stat_activity is read once per transaction unless the snapshot is
			// cleared
			statement.execute("SELECT pg_stat_clear_snapshot()");
			try (ResultSet rs = statement.executeQuery("SELECT pid, query FROM pg_stat_activity"
					+ " WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid)) ORDER BY pid")) {
				Integer other = null;
				while (rs.next()) {
					String query = rs.getString(2);
					if (query != null && query.startsWith("TRUNCATE ONLY " + qualified)) {
						return rs.getInt(1);
					}
					seen.add(query);
					other = rs.getInt(1);
				}
				if (other != null) {
					return null;
				}
			}
			Thread.sleep(20);
		}
		return null;
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

}

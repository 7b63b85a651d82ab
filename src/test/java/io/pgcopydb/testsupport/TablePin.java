package io.pgcopydb.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a run at the TRUNCATE before the copy of one table, or at the COPY statements of
 * its slices: a session of the test locks the target table the moment the run's pre-data
 * restore has created it, so the run's statement queues behind it for as long as the test
 * needs.
 * <p>
 * Polling for the table from new connections and locking it afterwards left a window in
 * which a fast run truncated and copied the table first (the test then waited for a
 * TRUNCATE that had already happened). Here the pin's own session retries
 * {@code LOCK ... NOWAIT} every few milliseconds, then proves that it holds the run where
 * it wanted: the table is still empty, and the backends it blocks run the statement
 * expected (a lock taken between two pre-data entries of pg_restore would hold the
 * restore instead: it is released and taken again later).
 */
public final class TablePin implements AutoCloseable {

	private final Connection connection;

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
	 * Waits until the run's {@code TRUNCATE ONLY "schema"."table"} waits for this session
	 * (ACCESS SHARE), and returns that backend's pid.
	 */
	public int holdTruncateOf(String schema, String table, Duration atMost) throws SQLException, InterruptedException {
		String qualified = quote(schema) + "." + quote(table);
		return hold(qualified, "ACCESS SHARE", "TRUNCATE ONLY " + qualified, 1, atMost).get(0);
	}

	/**
	 * Waits until {@code writers} COPY statements of the run into {@code schema.table}
	 * wait for this session (SHARE mode, behind which a COPY's ROW EXCLUSIVE queues), and
	 * returns their pids.
	 */
	public List<Integer> holdCopiesInto(String schema, String table, int writers, Duration atMost)
			throws SQLException, InterruptedException {
		String qualified = quote(schema) + "." + quote(table);
		return hold(qualified, "SHARE", "COPY " + qualified, writers, atMost);
	}

	/**
	 * Lets the COPY statements held go on and holds the table again at once: this
	 * session's new request queues ahead of any writer that comes after it, so the
	 * writers let through end their transactions and the next ones wait. Returns when the
	 * lock is held again, that is once the writers let through have committed or failed.
	 */
	public void letThroughAndHoldAgain(String schema, String table) throws SQLException {
		this.connection.rollback();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("LOCK TABLE " + quote(schema) + "." + quote(table) + " IN SHARE MODE");
		}
	}

	/**
	 * The pids of the backends waiting for this session whose query starts with
	 * {@code prefix}, such as {@code COPY "public"."t"}.
	 */
	public List<Integer> blocked(String prefix) throws SQLException {
		List<Integer> pids = new ArrayList<>();
		try (Statement statement = this.connection.createStatement()) {
			for (Waiter waiter : waiters(statement)) {
				if (waiter.query() != null && waiter.query().startsWith(prefix)) {
					pids.add(waiter.pid());
				}
			}
		}
		return pids;
	}

	/** Lets the statements held go on. */
	public void release() throws SQLException {
		this.connection.rollback();
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	private List<Integer> hold(String qualified, String mode, String prefix, int count, Duration atMost)
			throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + atMost.toNanos();
		List<String> seen = new ArrayList<>();
		try (Statement statement = this.connection.createStatement()) {
			while (System.nanoTime() < deadline) {
				if (!lock(statement, qualified, mode)) {
					Thread.sleep(2);
					continue;
				}
				try (ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + qualified + ")")) {
					rs.next();
					if (rs.getBoolean(1)) {
						this.connection.rollback();
						throw new AssertionError("the run wrote into " + qualified
								+ " before the test could pin it: its statements cannot be held any more");
					}
				}
				List<Integer> held = awaitBlocked(statement, prefix, count, deadline, seen);
				if (held != null) {
					return held;
				}
				// another statement of the run (a pg_restore entry, the TRUNCATE that
				// empties
				// a split table) waited for the pin: let it go on, and lock again as soon
				// as it is done, before the statement awaited comes
				this.connection.rollback();
				Thread.sleep(1);
			}
		}
		this.connection.rollback();
		throw new AssertionError("the run's " + prefix + " never waited for the pin (" + count + " of them) within "
				+ atMost + "; blocked instead: " + seen);
	}

	private boolean lock(Statement statement, String qualified, String mode) throws SQLException {
		try {
			statement.execute("LOCK TABLE " + qualified + " IN " + mode + " MODE NOWAIT");
			return true;
		}
		catch (SQLException ex) {
			// 42P01: the restore has not committed the table yet; 55P03: a restore entry
			// (or the run's own statement, which the emptiness check then catches) holds
			// it
			if (!"42P01".equals(ex.getSQLState()) && !"55P03".equals(ex.getSQLState())) {
				throw ex;
			}
			this.connection.rollback();
			return false;
		}
	}

	/**
	 * The pids of {@code count} backends whose query starts with {@code prefix} once they
	 * wait for this session; {@code null} when another statement waits for it instead.
	 */
	private List<Integer> awaitBlocked(Statement statement, String prefix, int count, long deadline, List<String> seen)
			throws SQLException, InterruptedException {
		while (System.nanoTime() < deadline) {
			List<Integer> matching = new ArrayList<>();
			boolean other = false;
			for (Waiter waiter : waiters(statement)) {
				if (waiter.query() != null && waiter.query().startsWith(prefix)) {
					matching.add(waiter.pid());
				}
				else {
					seen.add(waiter.query());
					other = true;
				}
			}
			if (matching.size() >= count) {
				return matching;
			}
			if (other) {
				return null;
			}
			Thread.sleep(20);
		}
		return null;
	}

	private static List<Waiter> waiters(Statement statement) throws SQLException {
		// pg_stat_activity is read once per transaction unless the snapshot is cleared
		statement.execute("SELECT pg_stat_clear_snapshot()");
		List<Waiter> waiters = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery("SELECT pid, query FROM pg_stat_activity"
				+ " WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid)) ORDER BY pid")) {
			while (rs.next()) {
				waiters.add(new Waiter(rs.getInt(1), rs.getString(2)));
			}
		}
		return waiters;
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	private record Waiter(int pid, String query) {
	}

}

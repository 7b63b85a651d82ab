package io.pgcopydb.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.SqlStates;

/**
 * ACCESS SHARE locks on every planned source table, taken as pg_dump takes them, in a
 * session inside the run's snapshot that stays open for the run. TRUNCATE and
 * table-rewriting ALTER TABLE are not MVCC-safe: committed on the source after the
 * snapshot, they would make a COPY in the snapshot read an empty table, and the clone
 * would succeed with rows missing. The locks make such commands wait until the run ends.
 * <p>
 * A lock is no help for a command that committed between the snapshot and the lock, so
 * once the locks are held every table is checked against the snapshot: same OID under its
 * name, same relfilenode. A change fails the run before any row is read from it.
 */
final class TableLocks {

	private TableLocks() {
	}

	/**
	 * Locks {@code tables} in {@code session}'s open snapshot transaction, waiting at
	 * most {@code timeout} for each.
	 * @throws DatabaseException naming the table and the sessions holding it when the
	 * wait times out
	 * @throws BadStateException when a table changed since the snapshot
	 */
	static void lock(PgEndpoint source, Connection session, List<SourceTable> tables, Duration timeout)
			throws SQLException {
		try (Statement statement = session.createStatement()) {
			statement.execute("SELECT pg_catalog.set_config('lock_timeout', '" + timeout.toMillis() + "ms', true)");
			for (SourceTable table : tables) {
				try {
					statement.execute("LOCK TABLE " + table.qualifiedName() + " IN ACCESS SHARE MODE");
				}
				catch (SQLException ex) {
					if (isLockTimeout(ex)) {
						throw lockWaitFailure(source, table, timeout, ex);
					}
					if (SqlStates.UNDEFINED_TABLE.equals(ex.getSQLState())) {
						throw changed(source, List.of(table.displayName()), "was dropped", ex);
					}
					throw ex;
				}
			}
		}
		List<String> changed = changedSinceSnapshot(session, tables);
		if (!changed.isEmpty()) {
			throw changed(source, changed, "changed", null);
		}
	}

	static boolean isLockTimeout(SQLException ex) {
		return SqlStates.LOCK_NOT_AVAILABLE.equals(ex.getSQLState());
	}

	/**
	 * The failure of a wait for a lock on {@code table} (null: some table, as while
	 * reading the catalog), naming the sessions that hold or wait for it.
	 */
	static DatabaseException lockWaitFailure(PgEndpoint source, SourceTable table, Duration timeout, SQLException ex) {
		String what = (table != null) ? "cannot lock table " + table.displayName()
				: "reading the source catalog waited for a table lock";
		return new DatabaseException(ExitCode.SOURCE, what + " on the " + source + " for more than "
				+ timeout.toSeconds() + " s: " + holders(source, table)
				+ " has an exclusive lock on it or waits for one (TRUNCATE, ALTER TABLE, VACUUM FULL, LOCK TABLE);"
				+ " let it finish or cancel it, then run the command again (pgcopydb.copy.lock-timeout sets the"
				+ " wait)", ex.getSQLState(), ex);
	}

	private static List<String> changedSinceSnapshot(Connection session, List<SourceTable> tables) throws SQLException {
		List<String> changed = new ArrayList<>();
		try (PreparedStatement query = session.prepareStatement(SqlFiles.load("find_tables_changed_since_snapshot"))) {
			query.setArray(1, session.createArrayOf("oid", tables.stream().map(SourceTable::oid).toArray()));
			query.setArray(2, session.createArrayOf("text", tables.stream().map(SourceTable::qualifiedName).toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					long oid = rs.getLong(1);
					tables.stream()
						.filter((table) -> table.oid() == oid)
						.forEach((table) -> changed.add(table.displayName()));
				}
			}
		}
		return changed;
	}

	private static BadStateException changed(PgEndpoint source, List<String> tables, String what, SQLException ex) {
		String names = String.join(", ", tables.subList(0, Math.min(tables.size(), 5)))
				+ ((tables.size() > 5) ? " and " + (tables.size() - 5) + " more" : "");
		return new BadStateException("table " + names + " " + what + " on the " + source
				+ " after the run's snapshot (TRUNCATE, ALTER TABLE, VACUUM FULL, DROP or rename): its rows as of"
				+ " the snapshot can no longer be read; start over with --restart", ex);
	}

	/**
	 * "pid 123 (user app, application "psql", idle in transaction, holding public.t)" for
	 * each session holding an ACCESS EXCLUSIVE lock on the table (null: on any table of
	 * the database), read on a session of its own. Not its query: the last statement of
	 * an idle session may hold a secret (ALTER ROLE ... PASSWORD).
	 */
	private static String holders(PgEndpoint source, SourceTable table) {
		List<String> holders = new ArrayList<>();
		try (Connection connection = source.connect("lock check");
				PreparedStatement query = connection.prepareStatement(SqlFiles.load("list_lock_holders"))) {
			String name = (table != null) ? table.qualifiedName() : null;
			query.setString(1, name);
			query.setString(2, name);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					holders.add("pid " + rs.getInt("pid") + " (user " + rs.getString("usename") + ", application \""
							+ rs.getString("application_name") + "\", " + rs.getString("state") + ", "
							+ (rs.getBoolean("granted") ? "holding " : "waiting for ") + rs.getString("locked") + ")");
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			return "another session";
		}
		return holders.isEmpty() ? "another session" : String.join(", ", holders);
	}

}

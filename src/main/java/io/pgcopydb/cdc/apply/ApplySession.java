package io.pgcopydb.cdc.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postgresql.PGStatement;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * One apply session on the target: the replication origin set up for the session,
 * {@code session_replication_role = replica} (no user triggers, no foreign-key checks:
 * the source checked them), prepared statements kept per SQL text, and transactions that
 * commit together with the origin's new position. Not thread-safe.
 */
final class ApplySession implements AutoCloseable {

	/** Prepared statements kept open; the least recently used is closed past this. */
	private static final int PREPARED_LIMIT = 256;

	private static final String OBJECT_IN_USE = "55006";

	private final PgEndpoint target;

	private final String origin;

	private final Connection connection;

	private final TargetTables tables;

	private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(64, 0.75f, true);

	private ApplySession(PgEndpoint target, String origin, Connection connection) {
		this.target = target;
		this.origin = origin;
		this.connection = connection;
		this.tables = new TargetTables(connection);
	}

	/**
	 * Opens the session.
	 * @throws DatabaseException with the remedy when the origin is missing or in use, or
	 * the role lacks a privilege
	 */
	static ApplySession open(PgEndpoint target, String origin, ApplyOptions options) throws SQLException {
		long deadline = System.nanoTime() + IN_USE_WAIT.toNanos();
		while (true) {
			try {
				return openOnce(target, origin, options);
			}
			catch (SQLException ex) {
				// a session of this process that just ended (closed after another failed)
				// may not have released its origin yet on the server
				if (!OBJECT_IN_USE.equals(ex.getSQLState()) || System.nanoTime() > deadline) {
					throw setupFailure(target, origin, ex);
				}
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("interrupted while replication origin " + origin + " was in use", "57014", ex);
			}
		}
	}

	/** How long opening waits for a session that has the origin set up to end. */
	private static final java.time.Duration IN_USE_WAIT = java.time.Duration.ofSeconds(10);

	private static ApplySession openOnce(PgEndpoint target, String origin, ApplyOptions options) throws SQLException {
		Connection connection = target.connect("apply");
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET session_replication_role = replica");
			statement.execute("SET synchronous_commit = " + (options.synchronousCommit() ? "on" : "off"));
			statement
				.execute("SELECT pg_catalog.pg_replication_origin_session_setup(" + Identifiers.literal(origin) + ")");
			connection.setAutoCommit(false);
			return new ApplySession(target, origin, connection);
		}
		catch (SQLException ex) {
			try {
				connection.close();
			}
			catch (SQLException ignored) {
				// already failing with the reason
			}
			throw ex;
		}
	}

	private static SQLException setupFailure(PgEndpoint target, String origin, SQLException ex) {
		String state = ex.getSQLState();
		if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(state)) {
			throw new DatabaseException(ExitCode.TARGET, "the apply session on the " + target + " was refused: "
					+ SqlStates.firstLine(ex.getMessage()) + "; " + privilegeRemedy(), state, ex);
		}
		if (SqlStates.UNDEFINED_OBJECT.equals(state)) {
			throw new DatabaseException(ExitCode.BAD_STATE,
					"replication origin \"" + origin + "\" does not exist on the " + target
							+ ": run pgcopydb stream setup (or clone --follow) first, or give the --origin it created",
					state, ex);
		}
		if (OBJECT_IN_USE.equals(state)) {
			throw new BadStateException("replication origin \"" + origin + "\" is in use by another session on the "
					+ target + " (" + SqlStates.firstLine(ex.getMessage())
					+ "): another apply runs; stop it, or wait until it ends", ex);
		}
		return ex;
	}

	/** The grants that let a role other than a superuser apply. */
	static String privilegeRemedy() {
		return "connect as a superuser, or GRANT EXECUTE ON FUNCTION" + " pg_replication_origin_session_setup(text),"
				+ " pg_replication_origin_xact_setup(pg_lsn, timestamp with time zone),"
				+ " pg_replication_origin_progress(text, boolean) TO the role, and (PostgreSQL 15 and later)"
				+ " GRANT SET ON PARAMETER session_replication_role TO the role";
	}

	/**
	 * Checks before a run that the target's role may do what apply does.
	 * @throws DatabaseException naming what is missing and the grants that fix it
	 */
	static void checkPrivileges(PgEndpoint target) {
		try (Connection connection = target.connect("check")) {
			StringBuilder missing = new StringBuilder();
			boolean superuser;
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery(SqlFiles.load("check_apply_privileges"))) {
				rs.next();
				superuser = rs.getBoolean("is_superuser");
				if (!rs.getBoolean("can_setup_session") || !rs.getBoolean("can_setup_xact")
						|| !rs.getBoolean("can_read_progress")) {
					missing.append("EXECUTE on the replication origin functions");
				}
			}
			if (!superuser) {
				boolean canSet = false;
				if (target.serverVersion().number() >= 150000) {
					try (Statement statement = connection.createStatement();
							ResultSet rs = statement.executeQuery(SqlFiles.load("check_apply_parameter_privilege"))) {
						rs.next();
						canSet = rs.getBoolean(1);
					}
				}
				if (!canSet) {
					missing.append((missing.length() > 0) ? " and " : "").append("SET on session_replication_role");
				}
			}
			if (missing.length() > 0) {
				throw new DatabaseException(ExitCode.TARGET,
						"the target role \"" + target.connectionString().user() + "\" on the " + target
								+ " cannot apply changes: it lacks " + missing + "; " + privilegeRemedy(),
						SqlStates.INSUFFICIENT_PRIVILEGE, null);
			}
		}
		catch (SQLException ex) {
			throw target.failure("checking the apply privileges", ex);
		}
	}

	TargetTables tables() {
		return this.tables;
	}

	/** The origin's flushed position, ending the read-only transaction it opens. */
	Lsn originPosition() throws SQLException {
		try (PreparedStatement query = this.connection
			.prepareStatement("SELECT pg_catalog.pg_replication_origin_progress(?, true)::text")) {
			query.setString(1, this.origin);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				String text = rs.getString(1);
				this.connection.commit();
				return (text != null) ? Lsn.parse(text, "replication origin " + this.origin) : Lsn.INVALID;
			}
		}
	}

	/** Runs rows of one SQL as one batch; the rows-affected count of each. */
	int[] executeBatch(String sql, List<BoundStatement> rows) throws SQLException {
		PreparedStatement statement = prepared(sql);
		if (rows.size() == 1) {
			bind(statement, rows.get(0));
			return new int[] { statement.executeUpdate() };
		}
		for (BoundStatement row : rows) {
			bind(statement, row);
			statement.addBatch();
		}
		return statement.executeBatch();
	}

	/**
	 * Runs {@code rows} of one SQL as one statement, its set-based form; how many rows it
	 * changed.
	 */
	long executeSet(SetStatement set, List<BoundStatement> rows) throws SQLException {
		PreparedStatement statement = prepared(set.sql());
		// a statement of a fixed shape whatever the row count: parsed once on the server
		statement.unwrap(PGStatement.class).setPrepareThreshold(1);
		String[] columns = SetStatement.columns(rows, set.parametersPerRow());
		for (int p = 0; p < columns.length; p++) {
			statement.setObject(p + 1, columns[p], Types.OTHER);
		}
		return statement.executeLargeUpdate();
	}

	/**
	 * Commits the target transaction with the origin set to {@code endLsn}, the commit
	 * end of the last source transaction it holds.
	 */
	void commit(Lsn endLsn, Instant commitTime) throws SQLException {
		PreparedStatement setup = prepared(
				"SELECT pg_catalog.pg_replication_origin_xact_setup(?::pg_catalog.pg_lsn, ?::timestamptz)");
		setup.setString(1, endLsn.asString());
		setup.setObject(2, OffsetDateTime.ofInstant(commitTime, ZoneOffset.UTC));
		setup.execute();
		this.connection.commit();
	}

	/**
	 * Moves the origin to {@code endLsn} in a transaction that changes nothing: a session
	 * that had no source transaction to apply for a while keeps up with the others, so
	 * that a restart does not read from far back. The transaction takes a transaction ID,
	 * or it would write no commit record, and the origin would not move.
	 */
	void advance(Lsn endLsn, Instant commitTime) throws SQLException {
		prepared("SELECT pg_catalog.txid_current()").execute();
		commit(endLsn, commitTime);
	}

	void rollback() throws SQLException {
		this.connection.rollback();
	}

	private static void bind(PreparedStatement statement, BoundStatement row) throws SQLException {
		bind(statement, row, 1);
	}

	/** Binds the row's parameters from {@code first}; the index after them. */
	private static int bind(PreparedStatement statement, BoundStatement row, int first) throws SQLException {
		int index = first;
		for (String value : row.parameters()) {
			if (value == null) {
				statement.setNull(index++, Types.OTHER);
			}
			else {
				statement.setObject(index++, value, Types.OTHER);
			}
		}
		return index;
	}

	private PreparedStatement prepared(String sql) throws SQLException {
		PreparedStatement statement = this.prepared.get(sql);
		if (statement == null) {
			statement = this.connection.prepareStatement(sql);
			this.prepared.put(sql, statement);
			if (this.prepared.size() > PREPARED_LIMIT) {
				var eldest = this.prepared.entrySet().iterator().next();
				this.prepared.remove(eldest.getKey());
				eldest.getValue().close();
			}
		}
		return statement;
	}

	@Override
	public void close() {
		try {
			this.connection.close();
		}
		catch (SQLException ignored) {
			// the session ends either way; the origin is released with it
		}
	}

}

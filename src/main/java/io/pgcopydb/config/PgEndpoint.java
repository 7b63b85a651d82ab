package io.pgcopydb.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.postgresql.PGProperty;
import org.postgresql.core.BaseConnection;

import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.ServerVersion;
import io.pgcopydb.pg.SqlStates;

/**
 * One side of the copy: how to open a session on it, and how to turn a failure there into
 * a one-line message that names the server and the remedy. Sessions are opened per unit
 * of work (a table, an index) rather than pooled, so no session setting leaks from one
 * unit to the next; a connection costs milliseconds, a unit seconds.
 */
public final class PgEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(PgEndpoint.class);

	private final Side side;

	private final ConnectionString connectionString;

	/**
	 * The oldest server version supported (server_version_num): the catalog queries use
	 * generated columns and partition functions of PostgreSQL 12.
	 */
	public static final int OLDEST_SUPPORTED = 120000;

	/** Learnt on the first session; until then only settings every server knows. */
	private volatile ServerVersion version;

	/** Best-effort settings the server refused on the first session: never sent again. */
	private final Set<String> refused = ConcurrentHashMap.newKeySet();

	private final SessionTag tag;

	/** pg_postmaster_start_time() at the first session: a later one means a restart. */
	private volatile String serverStart;

	public PgEndpoint(Side side, ConnectionString connectionString) {
		this.side = side;
		this.connectionString = connectionString;
		this.tag = SessionTag.current();
	}

	public Side side() {
		return this.side;
	}

	public ConnectionString connectionString() {
		return this.connectionString;
	}

	/**
	 * Opens an autocommit session with the {@link SessionSettings} pinned;
	 * {@code purpose} shows in pg_stat_activity.application_name after this process's
	 * {@link SessionTag}.
	 */
	public Connection connect(String purpose) {
		ServerVersion known = this.version;
		Properties properties = this.connectionString.jdbcProperties();
		properties.setProperty("ApplicationName", applicationName(purpose));
		properties.setProperty("options", sessionOptions(known));
		PgJdbcSettings.disableDriverPasswordFile();
		Connection connection;
		try {
			connection = DriverManager.getConnection(this.connectionString.jdbcUrl(), properties);
		}
		catch (SQLException ex) {
			throw connectFailure(ex);
		}
		if (known == null) {
			pinNewerSettings(connection);
		}
		return connection;
	}

	/**
	 * Opens a logical replication connection ({@code replication=database}, simple query
	 * mode) with the {@link SessionSettings} pinned in the startup packet, where the
	 * walsender reads them: a SET there would end an exported snapshot, and the walsender
	 * renders the values it decodes under these settings. The role needs REPLICATION.
	 */
	public Connection replicationConnection(String purpose) {
		ServerVersion known = serverVersion();
		Properties properties = this.connectionString.jdbcProperties();
		properties.setProperty("ApplicationName", applicationName(purpose));
		properties.setProperty("options", sessionOptions(known));
		PGProperty.REPLICATION.set(properties, "database");
		PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
		PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
		PgJdbcSettings.disableDriverPasswordFile();
		try {
			return DriverManager.getConnection(this.connectionString.jdbcUrl(), properties);
		}
		catch (SQLException ex) {
			throw connectFailure(ex);
		}
	}

	/**
	 * {@code pgcopydb[tag] purpose}, with the user's own application_name between the two
	 * when one was given.
	 */
	public String applicationName(String purpose) {
		return this.tag.applicationName(this.connectionString.applicationName(), purpose);
	}

	/**
	 * The connection for pg_dump (on the source) or pg_restore (on the target); see
	 * {@link #childConnection(String)}.
	 */
	public ChildConnection childConnection() {
		return childConnection((this.side == Side.SOURCE) ? "pg_dump" : "pg_restore");
	}

	/**
	 * The connection for a child tool: a libpq URI without password, options and
	 * application_name, and the environment that carries them (PGPASSWORD, PGOPTIONS with
	 * the user's options followed by the pinned settings, which win, and PGAPPNAME with
	 * this process's {@link SessionTag} and {@code purpose}).
	 */
	public ChildConnection childConnection(String purpose) {
		Map<String, String> environment = new HashMap<>(this.connectionString.childEnvironment());
		environment.put("PGOPTIONS", sessionOptions(serverVersion()));
		environment.put("PGAPPNAME", applicationName(purpose));
		return new ChildConnection(this.connectionString.withoutOptions().withoutApplicationName().libpqUri(),
				Map.copyOf(environment));
	}

	/** The server's version ({@code server_version_num}), read once. */
	public ServerVersion serverVersion() {
		ServerVersion known = this.version;
		if (known == null) {
			closeQuietly(connect("check"));
		}
		return this.version;
	}

	/**
	 * The user's options, then the pinned settings that {@code version} knows (with a
	 * null version, those every supported server knows).
	 */
	private String sessionOptions(ServerVersion version) {
		String pinned = SessionSettings.options(SessionSettings.forSession(this.side, version)
			.stream()
			.filter((setting) -> !this.refused.contains(setting.name()))
			.toList());
		return this.connectionString.options().map((given) -> given + " " + pinned).orElse(pinned);
	}

	/**
	 * On the first session, learns the server's version and SETs the pinned settings that
	 * only newer servers have; later sessions send them at startup.
	 */
	private void pinNewerSettings(Connection connection) {
		try {
			ServerVersion version = new ServerVersion(
					connection.unwrap(BaseConnection.class).getQueryExecutor().getServerVersionNum());
			if (version.number() < OLDEST_SUPPORTED) {
				closeQuietly(connection);
				throw new DatabaseException(this.side.exitCode(),
						"the " + this + " runs PostgreSQL " + version + ", which pgcopydb does not support: it needs"
								+ " PostgreSQL 12 or later (use pg_dump and pg_restore for older servers)",
						null, null);
			}
			List<SessionSettings.Setting> oldest = SessionSettings.forSession(this.side, null);
			try (Statement statement = connection.createStatement()) {
				for (SessionSettings.Setting setting : SessionSettings.forSession(this.side, version)) {
					if (!oldest.contains(setting)) {
						pin(statement, setting);
					}
				}
			}
			this.serverStart = serverStart(connection);
			this.version = version;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw failure("setting up the session", ex);
		}
	}

	private void pin(Statement statement, SessionSettings.Setting setting) throws SQLException {
		try {
			statement.execute("SELECT pg_catalog.set_config(" + Identifiers.literal(setting.name()) + ", "
					+ Identifiers.literal(setting.value()) + ", false)");
		}
		catch (SQLException ex) {
			if (!setting.bestEffort()) {
				throw ex;
			}
			logger.debug("The {} refuses {} = {}, so sessions run without it: {}", this, setting.name(),
					setting.value(), SqlStates.firstLine(ex.getMessage()));
			this.refused.add(setting.name());
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ignored) {
			// already failing with the reason
		}
	}

	DatabaseException connectFailure(SQLException ex) {
		String state = ex.getSQLState();
		String where = this.side.label() + " " + this.connectionString.endpoint();
		String user = "\"" + this.connectionString.user() + "\"";
		String message = switch (SqlStates.cause(ex, true)) {
			case NO_PASSWORD -> "the " + where + " asks a password of user " + user + " and none was given: put it"
					+ " in " + this.side.option() + " (or " + this.side.environmentVariable() + "), in PGPASSWORD or in"
					+ " a password file (~/.pgpass, PGPASSFILE or passfile=, mode 0600)";
			case NO_SUCH_ROLE -> "role \"" + SqlStates.role(ex) + "\" does not exist on the " + where
					+ ": create it there (CREATE ROLE ... LOGIN) or fix user= in " + this.side.option();
			case WRONG_PASSWORD -> "password authentication failed for user " + user + " on the " + where
					+ ": check the password in " + this.side.option() + " (or " + this.side.environmentVariable()
					+ "), PGPASSWORD or ~/.pgpass, and that the role exists";
			case NOT_AUTHORIZED ->
				"the " + where + " refused user " + user + ": " + SqlStates.firstLine(ex.getMessage())
						+ "; check the server's pg_hba.conf and the ssl settings in " + this.side.option();
			case NO_SUCH_DATABASE -> "database \"" + this.connectionString.database() + "\" does not exist on the "
					+ where + ": create it first or fix dbname in " + this.side.option();
			case NOT_ACCEPTING -> "the " + where + " does not accept connections now ("
					+ SqlStates.firstLine(ex.getMessage()) + "): wait until it is up, then run the command again";
			case UNREACHABLE -> unreachable(ex, where);
			default -> "cannot connect to the " + where + ": " + SqlStates.firstLine(ex.getMessage());
		};
		return new DatabaseException(this.side.exitCode(), message, state, ex);
	}

	private String unreachable(SQLException ex, String where) {
		if (this.connectionString.socketFile().isPresent()) {
			return "cannot connect to the " + where + " through the Unix-domain socket "
					+ this.connectionString.socketFile().get() + ": " + innermostReason(ex)
					+ "; start the server, or give its socket directory (host=/path) or a TCP host in "
					+ this.side.option();
		}
		return "cannot connect to the " + where + ": " + SqlStates.networkReason(ex) + "; check host and port in "
				+ this.side.option();
	}

	/**
	 * PgJDBC's own message names {@code localhost:port}, which is not where a socket
	 * connection went; the innermost cause says what the socket call met.
	 */
	private static String innermostReason(SQLException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return SqlStates.firstLine((cause.getMessage() != null) ? cause.getMessage() : cause.toString());
	}

	/**
	 * Wraps a failure during work on this side, keeping the SQLSTATE and naming what was
	 * being done.
	 */
	public DatabaseException failure(String doing, SQLException ex) {
		SqlStates.Cause cause = SqlStates.cause(ex, false);
		if (cause.sessionLost()) {
			return new DatabaseException(this.side.exitCode(), doing + ": " + sessionLost(cause, ex), ex.getSQLState(),
					ex);
		}
		if (cause != SqlStates.Cause.OTHER) {
			DatabaseException connect = connectFailure(ex);
			return new DatabaseException(this.side.exitCode(), doing + ": " + connect.getMessage(), ex.getSQLState(),
					ex);
		}
		String reason = SqlStates.firstLine(ex.getMessage());
		String remedy = "";
		if (SqlStates.LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
			remedy = "; another session holds or waits for an exclusive lock on a table the run reads (TRUNCATE,"
					+ " ALTER TABLE, VACUUM FULL): let it finish or cancel it (pg_locks shows it), then run the"
					+ " command again";
		}
		else if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
			remedy = reason.contains("row-level security")
					? "; connect as a role with BYPASSRLS (or the table owner) so that every row is copied"
					: "; connect as a role with the needed privileges (the objects' owner or a superuser)";
		}
		return new DatabaseException(this.side.exitCode(), doing + " failed on the " + this.side.label() + " "
				+ this.connectionString.endpoint() + ": " + reason + remedy, ex.getSQLState(), ex);
	}

	/**
	 * What ended a session in use, and the remedy. PgJDBC mostly reports a backend ended
	 * under it as a broken connection (08006), not with the server's 57P01, and
	 * pg_terminate_backend() and a fast shutdown send the same 57P01 anyway: a new
	 * session tells them apart, by whether one can be opened and whether the server's
	 * start time changed since this process first connected.
	 */
	String sessionLost(SqlStates.Cause cause, SQLException ex) {
		String where = this.side.label() + " " + this.connectionString.endpoint();
		String reason = SqlStates.firstLine(ex.getMessage());
		if (cause == SqlStates.Cause.CRASHED) {
			return "the " + where + " ended the session after a server process crashed (" + reason
					+ "); see the server log";
		}
		if (cause == SqlStates.Cause.NOT_ACCEPTING) {
			return "the " + where + " does not accept connections (" + reason + "); wait until it is up";
		}
		String startNow = startTimeNow();
		if (startNow == null) {
			return "the " + where + " is down or restarting: the session ended (" + reason
					+ ") and no new one can be opened; start the server";
		}
		String known = this.serverStart;
		if (known != null && !known.equals(startNow)) {
			return "the " + where + " restarted and ended the session (" + reason + ")";
		}
		return "the session on the " + where + " was ended while the server runs (" + reason
				+ "): an administrator terminated it (pg_terminate_backend) or the network dropped it";
	}

	/** pg_postmaster_start_time() in a new session, or null when none can be opened. */
	private String startTimeNow() {
		try (Connection connection = connect("check")) {
			return serverStart(connection);
		}
		catch (SQLException | RuntimeException ex) {
			return null;
		}
	}

	private static String serverStart(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_postmaster_start_time()::text")) {
			rs.next();
			return rs.getString(1);
		}
	}

	@Override
	public String toString() {
		return this.side.label() + " " + this.connectionString;
	}

	/**
	 * What a child process needs to connect: the URI for {@code --dbname} (no secret in
	 * it) and the variables for its environment.
	 */
	public record ChildConnection(String uri, Map<String, String> environment) {

		@Override
		public String toString() {
			return "ChildConnection[" + this.uri + "]";
		}

	}

}

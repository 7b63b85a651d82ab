package io.pgcopydb.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.pg.ServerVersion;
import io.pgcopydb.pg.SqlStates;

/**
 * One side of the copy: how to open a session on it, and how to turn a failure there into
 * a one-line message that names the server and the remedy. Sessions are opened per unit
 * of work (a table, an index) rather than pooled, so no session setting leaks from one
 * unit to the next; a connection costs milliseconds, a unit seconds.
 */
public final class PgEndpoint {

	private final Side side;

	private final ConnectionString connectionString;

	public PgEndpoint(Side side, ConnectionString connectionString) {
		this.side = side;
		this.connectionString = connectionString;
	}

	public ConnectionString connectionString() {
		return this.connectionString;
	}

	/**
	 * Opens an autocommit session; {@code purpose} shows in
	 * pg_stat_activity.application_name.
	 */
	public Connection connect(String purpose) {
		Properties properties = this.connectionString.jdbcProperties();
		properties.setProperty("ApplicationName", "pgcopydb " + purpose);
		try {
			return DriverManager.getConnection(this.connectionString.jdbcUrl(), properties);
		}
		catch (SQLException ex) {
			throw connectFailure(ex);
		}
	}

	/** The server's version ({@code server_version_num}), read on a short session. */
	public ServerVersion serverVersion() {
		try (Connection connection = connect("check");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
			rs.next();
			return new ServerVersion(Integer.parseInt(rs.getString(1)));
		}
		catch (SQLException ex) {
			throw failure("reading the server version", ex);
		}
	}

	DatabaseException connectFailure(SQLException ex) {
		String state = ex.getSQLState();
		String where = this.side.label() + " " + this.connectionString.endpoint();
		String message;
		if (SqlStates.isAuthentication(state)) {
			message = "authentication failed for user \"" + this.connectionString.user() + "\" on the " + where
					+ ": check the password in " + this.side.option() + " (or " + this.side.environmentVariable()
					+ "), PGPASSWORD or ~/.pgpass, and the server's pg_hba.conf";
		}
		else if (SqlStates.INVALID_CATALOG_NAME.equals(state)) {
			message = "database \"" + this.connectionString.database() + "\" does not exist on the " + where
					+ ": create it first or fix dbname in " + this.side.option();
		}
		else if (SqlStates.isConnection(state) && this.connectionString.socketFile().isPresent()) {
			message = "cannot connect to the " + where + " through the Unix-domain socket "
					+ this.connectionString.socketFile().get() + ": " + innermostReason(ex)
					+ "; start the server, or give its socket directory (host=/path) or a TCP host in "
					+ this.side.option();
		}
		else if (SqlStates.isConnection(state)) {
			message = "cannot connect to the " + where + ": " + SqlStates.networkReason(ex)
					+ "; check host and port in " + this.side.option();
		}
		else {
			message = "cannot connect to the " + where + ": " + SqlStates.firstLine(ex.getMessage());
		}
		return new DatabaseException(this.side.exitCode(), message, state, ex);
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
		if (SqlStates.isConnection(ex.getSQLState()) || SqlStates.isAuthentication(ex.getSQLState())) {
			DatabaseException connect = connectFailure(ex);
			return new DatabaseException(this.side.exitCode(), doing + ": " + connect.getMessage(), ex.getSQLState(),
					ex);
		}
		String reason = SqlStates.firstLine(ex.getMessage());
		String remedy = "";
		if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
			remedy = reason.contains("row-level security")
					? "; connect as a role with BYPASSRLS (or the table owner) so that every row is copied"
					: "; connect as a role with the needed privileges (the objects' owner or a superuser)";
		}
		return new DatabaseException(this.side.exitCode(), doing + " failed on the " + this.side.label() + " "
				+ this.connectionString.endpoint() + ": " + reason + remedy, ex.getSQLState(), ex);
	}

	@Override
	public String toString() {
		return this.side.label() + " " + this.connectionString;
	}

}

package io.pgcopydb.pg;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * SQLSTATE classes we act on
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html). Class 28
 * (authentication) is never retried; class 08, 40001 and 40P01 may be.
 */
public final class SqlStates {

	public static final String INVALID_CATALOG_NAME = "3D000";

	public static final String INSUFFICIENT_PRIVILEGE = "42501";

	public static final String UNDEFINED_TABLE = "42P01";

	/** undefined_object: an unknown configuration parameter, a missing role. */
	public static final String UNDEFINED_OBJECT = "42704";

	/** A foreign key whose referenced table lacks a matching unique key (yet). */
	public static final String INVALID_FOREIGN_KEY = "42830";

	/** A row has no match in the table its foreign key references. */
	public static final String FOREIGN_KEY_VIOLATION = "23503";

	/** invalid_parameter_value */
	public static final String INVALID_PARAMETER_VALUE = "22023";

	/** cant_change_runtime_param: a parameter that cannot be set per database. */
	public static final String CANT_CHANGE_RUNTIME_PARAM = "55P02";

	/** duplicate_object: a role, an extension that already exists. */
	public static final String DUPLICATE_OBJECT = "42710";

	/** undefined_file: e.g. an extension's control file. */
	public static final String UNDEFINED_FILE = "58P01";

	/** lock_not_available: NOWAIT, or lock_timeout expired. */
	public static final String LOCK_NOT_AVAILABLE = "55P03";

	/** object_in_use: e.g. a replication origin a session still has set up. */
	public static final String OBJECT_IN_USE = "55006";

	/** invalid_authorization_specification: e.g. a role that does not exist. */
	public static final String INVALID_AUTHORIZATION = "28000";

	/** invalid_password */
	public static final String INVALID_PASSWORD = "28P01";

	/**
	 * admin_shutdown: pg_terminate_backend(), or a smart or fast shutdown of the server;
	 * both say "terminating connection due to administrator command".
	 */
	public static final String ADMIN_SHUTDOWN = "57P01";

	/** crash_shutdown: another backend crashed, or an immediate shutdown. */
	public static final String CRASH_SHUTDOWN = "57P02";

	/** cannot_connect_now: the server is starting up or shutting down. */
	public static final String CANNOT_CONNECT_NOW = "57P03";

	/**
	 * Why a session failed, as far as its SQLException tells; what a message and a retry
	 * decide on.
	 */
	public enum Cause {

		/** The server asked for a password and the client had none. */
		NO_PASSWORD,

		/** The role does not exist (told only where authentication is trust or peer). */
		NO_SUCH_ROLE,

		/** The password was refused (or, with scram, the role does not exist). */
		WRONG_PASSWORD,

		/** Another class 28 failure: pg_hba.conf has no entry, an SSL requirement. */
		NOT_AUTHORIZED,

		/** The database does not exist. */
		NO_SUCH_DATABASE,

		/** The server is starting up, shutting down or in recovery (57P03). */
		NOT_ACCEPTING,

		/** The server ended the session on an administrator's command (57P01). */
		TERMINATED,

		/** The server ended the session because a backend crashed (57P02). */
		CRASHED,

		/** The connection broke while in use (reset, closed, I/O error). */
		CONNECTION_LOST,

		/** No connection could be made: refused, timed out, unknown host. */
		UNREACHABLE,

		/** Anything else: the statement's own failure. */
		OTHER;

		/**
		 * The session is gone for a reason outside the work it did, so the same work may
		 * succeed in a new session.
		 */
		public boolean sessionLost() {
			return this == TERMINATED || this == CRASHED || this == CONNECTION_LOST || this == NOT_ACCEPTING
					|| this == UNREACHABLE;
		}

	}

	private SqlStates() {
	}

	/**
	 * Classifies a failure by SQLSTATE and, where one SQLSTATE covers several causes, by
	 * the text PgJDBC or PostgreSQL gives (PgJDBC's messages are in English unless the
	 * JVM's locale has a translation; the server's follow lc_messages, where the SQLSTATE
	 * alone still gives the broad class).
	 * @param atConnect whether the failure happened while opening the session
	 */
	public static Cause cause(SQLException ex, boolean atConnect) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String message = (ex.getMessage() != null) ? ex.getMessage() : "";
		if (message.contains("no password was provided")) {
			return Cause.NO_PASSWORD;
		}
		switch (state) {
			case INVALID_PASSWORD:
				return Cause.WRONG_PASSWORD;
			case INVALID_CATALOG_NAME:
				return Cause.NO_SUCH_DATABASE;
			case CANNOT_CONNECT_NOW:
				return Cause.NOT_ACCEPTING;
			case ADMIN_SHUTDOWN:
				return Cause.TERMINATED;
			case CRASH_SHUTDOWN:
				return Cause.CRASHED;
			default:
				break;
		}
		if (INVALID_AUTHORIZATION.equals(state) && role(ex) != null) {
			return Cause.NO_SUCH_ROLE;
		}
		if (isAuthentication(state)) {
			return Cause.NOT_AUTHORIZED;
		}
		if (isConnection(state)) {
			return atConnect ? Cause.UNREACHABLE : Cause.CONNECTION_LOST;
		}
		return Cause.OTHER;
	}

	/** The role a 28000 "role ... does not exist" names, or null. */
	public static String role(SQLException ex) {
		String message = firstLine(ex.getMessage());
		int start = message.indexOf("role \"");
		int end = message.lastIndexOf("\" does not exist");
		return (start >= 0 && end > start + 6) ? message.substring(start + 6, end) : null;
	}

	public static boolean isAuthentication(String sqlState) {
		return sqlState != null && sqlState.startsWith("28");
	}

	public static boolean isConnection(String sqlState) {
		return sqlState != null && sqlState.startsWith("08");
	}

	/**
	 * The innermost network cause of a connection failure, for a message a person
	 * understands.
	 */
	public static String networkReason(SQLException exception) {
		for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnknownHostException) {
				return "unknown host " + cause.getMessage();
			}
			if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
				return "connection refused (is the server running and accepting TCP connections on that address and port?)";
			}
			if (cause instanceof java.net.SocketTimeoutException) {
				return "connection timed out";
			}
		}
		return firstLine(exception.getMessage());
	}

	/**
	 * The first line of a server message: PostgreSQL details and hints follow on later
	 * lines.
	 */
	public static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message.trim() : message.substring(0, newline).trim();
	}

}

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

	private SqlStates() {
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

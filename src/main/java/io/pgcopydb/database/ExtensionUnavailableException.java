package io.pgcopydb.database;

import java.sql.SQLException;

import io.pgcopydb.pg.SqlStates;

/**
 * CREATE EXTENSION failed on the target because the extension's files (or the wanted
 * version's script) are not installed there: the message names the extension and the
 * remedies. Other failures pass through as they are.
 */
public final class ExtensionUnavailableException extends SQLException {

	private static final long serialVersionUID = 1L;

	/** feature_not_supported: no control file for the extension. */
	private static final String FEATURE_NOT_SUPPORTED = "0A000";

	private ExtensionUnavailableException(String message, SQLException cause) {
		super(message, cause.getSQLState(), cause);
	}

	static SQLException when(Extensions.Extension extension, SQLException ex) {
		String state = ex.getSQLState();
		String reason = SqlStates.firstLine(ex.getMessage());
		boolean missingFiles = FEATURE_NOT_SUPPORTED.equals(state)
				|| (SqlStates.UNDEFINED_FILE.equals(state) && reason.contains("control file"));
		boolean missingVersion = SqlStates.INVALID_PARAMETER_VALUE.equals(state) && reason.contains("version");
		if (!missingFiles && !missingVersion) {
			return ex;
		}
		return new ExtensionUnavailableException("extension " + extension.name() + " version " + extension.version()
				+ " cannot be created on the target (" + reason + "): install its package on"
				+ " the target server, pin a version the target has with --requirements, or leave extensions out"
				+ " with --skip-extensions", ex);
	}

}

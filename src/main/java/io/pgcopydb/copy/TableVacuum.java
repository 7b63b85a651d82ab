package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.pgcopydb.catalog.SourceTable;

/**
 * VACUUM ANALYZE of a copied table on the target, once its indexes are built: the planner
 * gets statistics before the application arrives, and the visibility map is set (rows
 * copied with FREEZE have nothing else to rewrite). Idempotent: a retry vacuums again.
 */
public final class TableVacuum {

	private TableVacuum() {
	}

	/**
	 * @param target an autocommit session (VACUUM cannot run in a transaction)
	 */
	public static void vacuumAnalyze(Connection target, SourceTable table) throws SQLException {
		try (Statement statement = target.createStatement()) {
			statement.execute("VACUUM (ANALYZE) " + table.qualifiedName());
		}
	}

}

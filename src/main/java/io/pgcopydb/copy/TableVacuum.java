package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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
	 * @param relation the target relation, quoted and qualified; a partitioned one is
	 * vacuumed partition by partition, and analyzed as a whole
	 */
	public static void vacuumAnalyze(Connection target, String relation) throws SQLException {
		try (Statement statement = target.createStatement()) {
			statement.execute("VACUUM (ANALYZE) " + relation);
		}
	}

	/**
	 * ANALYZE alone: for a relation whose rows were all written by COPY FREEZE on a
	 * PostgreSQL 14 or later target (its pages are already all-visible and all-frozen in
	 * the visibility map, so a VACUUM would only read its indexes, a GIN index whole, to
	 * find nothing to do), and for the small tables of a bundle.
	 */
	public static void analyze(Connection target, String relation) throws SQLException {
		try (Statement statement = target.createStatement()) {
			statement.execute("ANALYZE " + relation);
		}
	}

	/**
	 * Whether COPY FREEZE on a target of {@code targetMajor} left the pages it wrote
	 * all-visible and all-frozen (PostgreSQL 14 and later).
	 */
	public static boolean freezeSetsVisibilityMap(int targetMajor) {
		return targetMajor >= 14;
	}

}

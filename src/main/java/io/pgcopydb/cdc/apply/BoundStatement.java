package io.pgcopydb.cdc.apply;

import java.util.List;

/**
 * One statement apply runs: its SQL, the same for every row of one shape (so rows of that
 * shape go out as one JDBC batch of one prepared statement), and its parameters, the
 * values as the source rendered them in text (null for SQL NULL), each read by the
 * target's input function of the column's type.
 *
 * @param rowKey for an UPDATE that a later one of the same SQL and key may replace (see
 * {@link PendingRows}), the row's key values; null otherwise
 * @param set the set-based form that applies many rows of this SQL in one statement, or
 * null where rows of this SQL must go one by one (see {@link SetStatement} for when)
 * @param bytes roughly what the statement holds in memory: its values, not its shared SQL
 */
record BoundStatement(String sql, List<String> parameters, String rowKey, SetStatement set, long bytes) {

	BoundStatement(String sql, List<String> parameters) {
		this(sql, parameters, null, null);
	}

	BoundStatement(String sql, List<String> parameters, String rowKey) {
		this(sql, parameters, rowKey, null);
	}

	BoundStatement(String sql, List<String> parameters, String rowKey, SetStatement set) {
		this(sql, parameters, rowKey, set, sizeOf(parameters));
	}

	private static long sizeOf(List<String> parameters) {
		long bytes = 16;
		for (String parameter : parameters) {
			bytes += 8 + ((parameter != null) ? parameter.length() : 0);
		}
		return bytes;
	}

}

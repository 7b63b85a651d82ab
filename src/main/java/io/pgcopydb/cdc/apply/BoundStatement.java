package io.pgcopydb.cdc.apply;

import java.util.List;

/**
 * One statement apply runs: its SQL, the same for every row of one shape (so rows of that
 * shape go out as one JDBC batch of one prepared statement), and its parameters, the
 * values as the source rendered them in text (null for SQL NULL), each read by the
 * target's input function of the column's type.
 */
record BoundStatement(String sql, List<String> parameters) {

	/** Roughly what the statement holds in memory: its values, not its shared SQL. */
	long bytes() {
		long bytes = 16;
		for (String parameter : this.parameters) {
			bytes += 8 + ((parameter != null) ? parameter.length() : 0);
		}
		return bytes;
	}

}

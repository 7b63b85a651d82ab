package io.pgcopydb.cdc.apply;

import java.util.List;

/**
 * The set-based form of one row statement's SQL: one statement that applies any number of
 * rows of that SQL at once ({@code INSERT ... SELECT ... FROM unnest(...)},
 * {@code UPDATE ... FROM unnest(...)}, {@code DELETE ... USING unnest(...)}), its
 * parameters one text array per parameter of the row statement, holding that parameter of
 * every row in order. It applies the same changes as the row statements run one after the
 * other only for rows that commute, which {@link RowStatements} and {@link ChangeApplier}
 * ensure:
 * <ul>
 * <li>INSERTs of one table commute (a conflict among them fails either way);</li>
 * <li>DELETEs by key commute; with a duplicate key the second finds no row either
 * way;</li>
 * <li>UPDATEs by key commute when no two touch the same row (an UPDATE ... FROM applies
 * one arbitrary source row per target row) and no unique key but the replica identity
 * could make their order matter: exactly the compactable UPDATEs of {@link PendingRows},
 * of which at most one per key is pending, with the same written columns (the same SQL),
 * so an unchanged TOAST value is never written.</li>
 * </ul>
 * Each value reaches the server as an element of a {@code text[]} and is cast to its
 * column's type, so the type's input function reads the source's text, as in the row
 * statement. One SQL text whatever the row count: the server prepares it once, and a
 * statement carries as many parameters as the row statement, not as many as values.
 */
final class SetStatement {

	enum Kind {

		/** Every row inserts one row. */
		INSERT,
		/**
		 * Each row changes at most one target row; fewer than rows means rows not found.
		 */
		MATCH

	}

	private final Kind kind;

	private final String sql;

	private final int parametersPerRow;

	/**
	 * @param sql the statement, with one {@code ?::text[]} per parameter of its row
	 * statement, in the same order
	 */
	SetStatement(Kind kind, String sql, int parametersPerRow) {
		this.kind = kind;
		this.sql = sql;
		this.parametersPerRow = parametersPerRow;
	}

	Kind kind() {
		return this.kind;
	}

	String sql() {
		return this.sql;
	}

	int parametersPerRow() {
		return this.parametersPerRow;
	}

	/**
	 * The {@code text[]} literal of each parameter, holding that parameter of every row:
	 * elements quoted (backslash and double quote escaped), SQL NULL as an unquoted NULL,
	 * so that every value comes back as the exact text the row statement would bind. The
	 * rows are walked once, not once per parameter.
	 */
	static String[] columns(List<BoundStatement> rows, int count) {
		StringBuilder[] arrays = new StringBuilder[count];
		for (int p = 0; p < count; p++) {
			arrays[p] = new StringBuilder(16 * rows.size() + 16).append('{');
		}
		for (int r = 0; r < rows.size(); r++) {
			List<String> parameters = rows.get(r).parameters();
			for (int p = 0; p < count; p++) {
				StringBuilder array = arrays[p];
				if (r > 0) {
					array.append(',');
				}
				append(array, parameters.get(p));
			}
		}
		String[] literals = new String[count];
		for (int p = 0; p < count; p++) {
			literals[p] = arrays[p].append('}').toString();
		}
		return literals;
	}

	private static void append(StringBuilder array, String value) {
		if (value == null) {
			array.append("NULL");
			return;
		}
		array.append('"');
		if (value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
			array.append(value);
		}
		else {
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (c == '"' || c == '\\') {
					array.append('\\');
				}
				array.append(c);
			}
		}
		array.append('"');
	}

}

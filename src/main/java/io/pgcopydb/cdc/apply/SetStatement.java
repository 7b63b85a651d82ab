package io.pgcopydb.cdc.apply;

import java.util.HashMap;
import java.util.Map;

/**
 * The set-based form of one row statement's SQL: one statement that applies many rows of
 * that SQL at once ({@code INSERT ... VALUES (...), (...)}, {@code UPDATE ... FROM
 * (VALUES ...)}, {@code DELETE ... USING (VALUES ...)}), each row taking the parameters
 * of its row statement in the same order. It applies the same changes as the row
 * statements run one after the other only for rows that commute, which
 * {@link RowStatements} and {@link ChangeApplier} ensure:
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
 * Values are typed by the target column (INSERT) or cast to its type, so each is read by
 * the type's input function as in the row statement. Statements are built for a few fixed
 * row counts only, so that the server prepares each shape once.
 */
final class SetStatement {

	/** The row counts statements are built for, largest first. */
	static final int[] SIZES = { 256, 32, 8 };

	/** The protocol's limit on parameters of one statement (a 16-bit count). */
	static final int MAX_PARAMETERS = 65_535;

	enum Kind {

		/** Every row inserts one row. */
		INSERT,
		/**
		 * Each row changes at most one target row; fewer than rows means rows not found.
		 */
		MATCH

	}

	private final Kind kind;

	private final String head;

	private final String row;

	private final String tail;

	private final int parametersPerRow;

	/** The statements built so far, by row count. */
	private final Map<Integer, String> built = new HashMap<>();

	/**
	 * @param head the SQL before the rows
	 * @param row one row, with one parameter per parameter of its row statement
	 * @param tail the SQL after the rows
	 */
	SetStatement(Kind kind, String head, String row, String tail, int parametersPerRow) {
		this.kind = kind;
		this.head = head;
		this.row = row;
		this.tail = tail;
		this.parametersPerRow = parametersPerRow;
	}

	Kind kind() {
		return this.kind;
	}

	/** The statement for {@code rows} rows. */
	String sql(int rows) {
		return this.built.computeIfAbsent(rows, (n) -> {
			StringBuilder sql = new StringBuilder(
					this.head.length() + this.tail.length() + n * (this.row.length() + 2));
			sql.append(this.head);
			for (int i = 0; i < n; i++) {
				sql.append((i > 0) ? ", " : "").append(this.row);
			}
			return sql.append(this.tail).toString();
		});
	}

	/** The largest built size for a run of {@code rows}, or 0 when they go row by row. */
	int sizeFor(int rows) {
		for (int size : SIZES) {
			if (size <= rows && (long) size * this.parametersPerRow <= MAX_PARAMETERS) {
				return size;
			}
		}
		return 0;
	}

}

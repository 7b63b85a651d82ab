package io.pgcopydb.compare;

import java.util.List;
import java.util.Map;

/**
 * What {@code compare data} found in one table.
 *
 * @param table schema.name as a person reads it
 * @param sourceRows rows on the source, -1 when not counted
 * @param targetRows rows on the target, -1 when not counted
 * @param differing rows that differ (by key: missing on the target, extra there, or
 * changed; without a key: rows whose count of copies differs), -1 when not known
 * @param rows the first differing rows, by key (or, without a key, by row text)
 * @param note what else a person needs to read: columns that differ, why rows were not
 * listed
 * @param pending while a follow runs: every differing row by key (as text) with its state
 * on both sides, not yet seen twice the same; null when the table's rows are not known by
 * key (no single-column key, too many rows) and the table is compared again whole
 * @param confirmed while a follow runs: the rows seen differing twice the same, by key
 * @param caughtUp while a follow runs: rows that differed at a check and were equal at a
 * later one (replication lag)
 */
public record TableDiff(String table, Status status, long sourceRows, long targetRows, long differing,
		List<RowDiff> rows, String note, Map<String, RowState> pending, Map<String, RowState> confirmed,
		long caughtUp) {

	public TableDiff(String table, Status status, long sourceRows, long targetRows, long differing, List<RowDiff> rows,
			String note) {
		this(table, status, sourceRows, targetRows, differing, rows, note, null, Map.of(), 0);
	}

	/**
	 * A differing row's state on each side: its hash, {@code copies:N} for a key found N
	 * times, or null where the key is not found.
	 */
	public record RowState(String source, String target) {

		boolean equal() {
			return java.util.Objects.equals(this.source, this.target);
		}

		/** What a person reads of it: missing on the target, extra there, or changed. */
		Kind kind() {
			return (this.target == null) ? Kind.MISSING_ON_TARGET
					: (this.source == null) ? Kind.EXTRA_ON_TARGET : Kind.CHANGED;
		}

	}

	public enum Status {

		EQUAL, DIFFERS, MISSING_ON_TARGET, COLUMNS_DIFFER,
		/** While a follow runs: the table differed otherwise at every check. */
		CHANGING;

		/** As the report prints it. */
		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}

	}

	/**
	 * A row that differs.
	 *
	 * @param key the key as {@code (id)=(17)}, or the row's text for a table without key
	 * @param copies without a key: how many more copies the target has (negative: fewer)
	 */
	public record RowDiff(String key, Kind kind, long copies) {
	}

	public enum Kind {

		MISSING_ON_TARGET, EXTRA_ON_TARGET, CHANGED,
		/** While a follow runs: the row differed otherwise at every check. */
		CHANGING;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}

	}

	public boolean equal() {
		return this.status == Status.EQUAL;
	}

}

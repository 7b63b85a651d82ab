package io.pgcopydb.compare;

import java.util.List;

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
 */
public record TableDiff(String table, Status status, long sourceRows, long targetRows, long differing,
		List<RowDiff> rows, String note) {

	public enum Status {

		EQUAL, DIFFERS, MISSING_ON_TARGET, COLUMNS_DIFFER;

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

		MISSING_ON_TARGET, EXTRA_ON_TARGET, CHANGED;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}

	}

	public boolean equal() {
		return this.status == Status.EQUAL;
	}

}

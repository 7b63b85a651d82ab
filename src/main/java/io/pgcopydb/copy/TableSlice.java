package io.pgcopydb.copy;

import java.util.Objects;

/**
 * One slice of a table copied as several in parallel (same-table concurrency,
 * {@code --split-tables-larger-than}): the rows of a range of a single-column integer
 * key, the rows whose key is NULL, or the rows of a range of heap pages (CTID). Bounds
 * are inclusive below and exclusive above; a null bound leaves that side open, so the
 * first and last slices of a table take whatever lies beyond the bounds read at planning
 * time. The slices of a table cover every row exactly once.
 * <p>
 * Idempotency differs by kind, see {@link TableCopier#copySlice}: a key slice can empty
 * its own range on the target (its predicate means the same there), a CTID slice cannot
 * (the target's row positions are not the source's), so the run resets a CTID-split table
 * as a whole.
 *
 * @param tableOid the source table
 * @param number the slice's number, from 1
 * @param count how many slices the table has
 * @param kind how the slice selects its rows
 * @param keyColumn the key column, quoted; null for a CTID slice
 * @param lower the first key or page of the slice, null for no lower bound
 * @param upper the first key or page after the slice, null for no upper bound
 * @param nullKeys the slice holds the rows whose key is NULL (no bounds then)
 */
public record TableSlice(long tableOid, int number, int count, Kind kind, String keyColumn, Long lower, Long upper,
		boolean nullKeys) {

	public TableSlice {
		Objects.requireNonNull(kind, "kind");
		if (number < 1 || number > count) {
			throw new IllegalArgumentException("slice " + number + " of " + count);
		}
		if ((kind == Kind.KEY) == (keyColumn == null)) {
			throw new IllegalArgumentException("a key slice has a key column, a CTID slice none");
		}
		if (nullKeys && (kind != Kind.KEY || lower != null || upper != null)) {
			throw new IllegalArgumentException("the NULL-key slice is a key slice without bounds");
		}
	}

	/** How a slice selects its rows. */
	public enum Kind {

		/** A range of a single-column integer key, or its NULLs. */
		KEY,

		/** A range of heap pages: a TID range scan on the source (PostgreSQL 14+). */
		CTID

	}

	/**
	 * The condition that selects the slice's rows, for a WHERE clause: on the source, and
	 * for a key slice on the target too.
	 */
	public String predicate() {
		if (this.nullKeys) {
			return this.keyColumn + " IS NULL";
		}
		String column = (this.kind == Kind.KEY) ? this.keyColumn : "ctid";
		String lowerCondition = (this.lower != null) ? column + " >= " + bound(this.lower) : null;
		String upperCondition = (this.upper != null) ? column + " < " + bound(this.upper) : null;
		if (lowerCondition == null && upperCondition == null) {
			// a single-slice table never happens; kept total for safety
			return (this.kind == Kind.KEY) ? this.keyColumn + " IS NOT NULL" : "true";
		}
		if (lowerCondition == null) {
			return upperCondition;
		}
		return (upperCondition == null) ? lowerCondition : lowerCondition + " AND " + upperCondition;
	}

	private String bound(long value) {
		return (this.kind == Kind.KEY) ? Long.toString(value) : "'(" + value + ",0)'::pg_catalog.tid";
	}

	/** "3/4" as logs and progress show it. */
	public String label() {
		return this.number + "/" + this.count;
	}

	/** The slice's rows as a person reads them, for logs and list table-parts. */
	public String describe() {
		if (this.nullKeys) {
			return this.keyColumn + " IS NULL";
		}
		String what = (this.kind == Kind.KEY) ? this.keyColumn : "pages";
		return what + " " + ((this.lower != null) ? "from " + this.lower : "from the start")
				+ ((this.upper != null) ? " to before " + this.upper : " to the end");
	}

}

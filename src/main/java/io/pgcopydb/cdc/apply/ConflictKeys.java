package io.pgcopydb.cdc.apply;

import java.util.HashSet;
import java.util.Set;

/**
 * What source transactions on different apply sessions must not share: the tables they
 * change, the tables they take whole, and a 64-bit hash of each unique-key value their
 * rows had or get (see {@link RowKeys}). Two transactions that share nothing commute on
 * the target: they change other rows and claim other unique values, and with
 * {@code session_replication_role = replica} no trigger or foreign-key check reaches
 * across; so they may commit in either order, on two sessions. A hash collision only
 * makes two transactions look in conflict: they are then applied in order, never wrongly.
 * <p>
 * A barrier (a TRUNCATE, which may cascade to other tables) conflicts with everything.
 */
final class ConflictKeys {

	private final Set<String> tables = new HashSet<>();

	private final Set<String> whole = new HashSet<>();

	private final Set<Long> rows = new HashSet<>();

	private boolean barrier;

	/**
	 * A change of {@code table} that claims no key of it (an insert into a keyless
	 * table).
	 */
	void touch(String table) {
		this.tables.add(table);
	}

	/**
	 * A change of {@code table} whose keys are not all known: the table is taken whole.
	 */
	void whole(String table) {
		this.tables.add(table);
		this.whole.add(table);
	}

	/** A unique-key value of a row of {@code table}, hashed with the table and key. */
	void row(String table, long hash) {
		this.tables.add(table);
		this.rows.add(hash);
	}

	/** Conflicts with everything: applied alone, after every session's work. */
	void barrier() {
		this.barrier = true;
	}

	boolean isBarrier() {
		return this.barrier;
	}

	boolean isEmpty() {
		return !this.barrier && this.tables.isEmpty();
	}

	boolean conflictsWith(ConflictKeys other) {
		if (this.barrier || other.barrier) {
			return !isEmpty() && !other.isEmpty();
		}
		for (String table : this.whole) {
			if (other.tables.contains(table)) {
				return true;
			}
		}
		for (String table : other.whole) {
			if (this.tables.contains(table)) {
				return true;
			}
		}
		Set<Long> small = (this.rows.size() <= other.rows.size()) ? this.rows : other.rows;
		Set<Long> large = (small == this.rows) ? other.rows : this.rows;
		for (Long hash : small) {
			if (large.contains(hash)) {
				return true;
			}
		}
		return false;
	}

	/** Adds what {@code other} holds. */
	void addAll(ConflictKeys other) {
		this.tables.addAll(other.tables);
		this.whole.addAll(other.whole);
		this.rows.addAll(other.rows);
		this.barrier |= other.barrier;
	}

	void clear() {
		this.tables.clear();
		this.whole.clear();
		this.rows.clear();
		this.barrier = false;
	}

}

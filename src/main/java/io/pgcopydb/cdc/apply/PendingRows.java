package io.pgcopydb.cdc.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.cdc.Lsn;

/**
 * The statements of the open target transaction not yet sent, in source order per target
 * table. Order across tables is not kept: with {@code session_replication_role = replica}
 * no trigger and no foreign-key check runs, and every constraint PostgreSQL checks on a
 * row (unique, exclusion, check, not null) concerns that row's own table, so the state at
 * commit is the same; what this buys is one batch per table and shape instead of one
 * round trip per change. Bounded by bytes: the caller sends them past its bound, whether
 * or not a source transaction ended.
 * <p>
 * Compaction: an UPDATE that keeps its key replaces the pending UPDATE of the same row
 * when both set the same columns (the same SQL), so a hot row is written once per batch;
 * with different column sets (an unchanged TOAST value in one) both stay, so an earlier
 * new value is never lost. Any other statement of the table ends compaction for what is
 * pending before it, and {@link RowStatements} allows it only where no unique key but the
 * replica identity could conflict.
 */
final class PendingRows {

	/**
	 * @param xid the source transaction, for messages
	 * @param finalLsn its commit LSN, for messages
	 */
	record Row(BoundStatement statement, long xid, Lsn finalLsn) {
	}

	/**
	 * A row of one SQL: the SQL's hash is computed once per string, not per row; the SQL
	 * of one shape is one string, compared by identity first.
	 */
	private record Key(String sql, String rowKey) {

		@Override
		public int hashCode() {
			return 31 * this.sql.hashCode() + this.rowKey.hashCode();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && this.rowKey.equals(key.rowKey) && this.sql.equals(key.sql);
		}

	}

	private final Map<String, List<Row>> byTable = new LinkedHashMap<>();

	/** Per table, where the last compactable UPDATE of each SQL and row key sits. */
	private final Map<String, Map<Key, Integer>> latest = new HashMap<>();

	private long compacted;

	private long bytes;

	void add(String table, Row row) {
		List<Row> rows = this.byTable.computeIfAbsent(table, (key) -> new ArrayList<>());
		String rowKey = row.statement().rowKey();
		if (rowKey == null) {
			this.latest.remove(table);
		}
		else {
			Map<Key, Integer> positions = this.latest.computeIfAbsent(table, (key) -> new HashMap<>());
			Key key = new Key(row.statement().sql(), rowKey);
			Integer position = positions.get(key);
			if (position != null) {
				this.bytes -= rows.get(position).statement().bytes();
				rows.set(position, row);
				this.bytes += row.statement().bytes();
				this.compacted++;
				return;
			}
			positions.put(key, rows.size());
		}
		rows.add(row);
		this.bytes += row.statement().bytes();
	}

	/** How many statements compaction saved so far. */
	long compacted() {
		return this.compacted;
	}

	long bytes() {
		return this.bytes;
	}

	boolean isEmpty() {
		return this.byTable.isEmpty();
	}

	/** The rows by table, in the order each table first appeared; empties this. */
	Map<String, List<Row>> drain() {
		Map<String, List<Row>> drained = new LinkedHashMap<>(this.byTable);
		this.byTable.clear();
		this.latest.clear();
		this.bytes = 0;
		return drained;
	}

	void clear() {
		this.byTable.clear();
		this.latest.clear();
		this.bytes = 0;
	}

}

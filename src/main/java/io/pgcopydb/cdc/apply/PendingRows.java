package io.pgcopydb.cdc.apply;

import java.util.ArrayList;
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
 */
final class PendingRows {

	/**
	 * @param xid the source transaction, for messages
	 * @param finalLsn its commit LSN, for messages
	 */
	record Row(BoundStatement statement, long xid, Lsn finalLsn) {
	}

	private final Map<String, List<Row>> byTable = new LinkedHashMap<>();

	private long bytes;

	void add(String table, Row row) {
		this.byTable.computeIfAbsent(table, (key) -> new ArrayList<>()).add(row);
		this.bytes += row.statement().bytes();
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
		this.bytes = 0;
		return drained;
	}

	void clear() {
		this.byTable.clear();
		this.bytes = 0;
	}

}

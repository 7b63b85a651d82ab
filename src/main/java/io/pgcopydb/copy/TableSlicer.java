package io.pgcopydb.copy;

import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.SqlFiles;

/**
 * Plans same-table concurrency: cuts each table larger than the threshold into slices
 * ({@link TableSlice}) copied in parallel. The size is the table's on the source with its
 * TOAST ({@link SourceTable#bytes()}, pg_table_size), so a small heap with a large TOAST
 * is split too. A table is cut by its single-column integer key when it has one (a
 * primary key, else a unique index on one int2, int4 or int8 column, its NULLs in a slice
 * of their own), into ranges of equal width between the key's minimum and maximum; else,
 * when the source runs PostgreSQL 14 or later (TID range scans) and CTID splitting is not
 * turned off, into ranges of heap pages, the last one open-ended. Reads the source in the
 * caller's transaction, so the bounds are those of the run's snapshot.
 */
public final class TableSlicer {

	/** TID range scans, which make a CTID slice read only its own pages. */
	static final int TID_RANGE_SCAN = 14;

	private TableSlicer() {
	}

	/**
	 * The splitting options: {@code --split-tables-larger-than},
	 * {@code --split-max-parts}, not {@code --skip-split-by-ctid}.
	 *
	 * @param thresholdBytes tables larger than this are split; 0 splits none
	 * @param maxParts at most this many slices per table
	 * @param byCtid a table without an integer key may be split by CTID ranges
	 */
	public record Options(long thresholdBytes, int maxParts, boolean byCtid) {

		public static final Options NONE = new Options(0, 1, false);

		public Options {
			if (thresholdBytes < 0 || maxParts < 1) {
				throw new IllegalArgumentException("threshold " + thresholdBytes + ", max parts " + maxParts);
			}
		}

		public boolean enabled() {
			return this.thresholdBytes > 0 && this.maxParts > 1;
		}

		/** The options as a run records them, to tell a later command's apart. */
		public String describe() {
			return enabled() ? "--split-tables-larger-than " + this.thresholdBytes + " --split-max-parts "
					+ this.maxParts + (this.byCtid ? "" : " --skip-split-by-ctid") : "no split";
		}

		/** How many slices a table of {@code bytes} gets: 1 means it is not split. */
		int parts(long bytes) {
			if (!enabled() || bytes <= this.thresholdBytes) {
				return 1;
			}
			long parts = (bytes + this.thresholdBytes - 1) / this.thresholdBytes;
			return (int) Math.min(parts, this.maxParts);
		}

	}

	/**
	 * The slices of each table to split, in table order; tables left whole have none.
	 * @param sourceMajor the source's major version (CTID slices need 14+)
	 */
	public static List<TableSlice> plan(Connection source, List<SourceTable> tables, Options options, int sourceMajor)
			throws SQLException {
		List<SourceTable> large = tables.stream()
			.filter((table) -> options.parts(table.bytes()) > 1 && !table.columnList().isEmpty())
			.toList();
		if (large.isEmpty()) {
			return List.of();
		}
		Map<Long, Key> keys = keys(source, large);
		List<TableSlice> slices = new ArrayList<>();
		for (SourceTable table : large) {
			int parts = options.parts(table.bytes());
			Key key = keys.get(table.oid());
			if (key != null) {
				slices.addAll(byKey(table, key, parts, source));
			}
			else if (options.byCtid() && sourceMajor >= TID_RANGE_SCAN) {
				slices.addAll(byPages(table.oid(), pages(source, table), parts));
			}
		}
		return slices;
	}

	/** The key column of each table that has one, as {@link #plan} chooses it. */
	private static Map<Long, Key> keys(Connection source, List<SourceTable> tables) throws SQLException {
		Map<Long, Key> keys = new HashMap<>();
		try (PreparedStatement statement = source.prepareStatement(SqlFiles.load("list_split_keys"))) {
			Array oids = source.createArrayOf("int8", tables.stream().map(SourceTable::oid).toArray());
			statement.setArray(1, oids);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					keys.put(rs.getLong("table_oid"), new Key(rs.getString("key_column"), rs.getBoolean("not_null")));
				}
			}
		}
		return keys;
	}

	private static List<TableSlice> byKey(SourceTable table, Key key, int parts, Connection source)
			throws SQLException {
		long min;
		long max;
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT min(" + key.column() + ")::int8, max(" + key.column()
						+ ")::int8 FROM ONLY " + table.qualifiedName())) {
			rs.next();
			min = rs.getLong(1);
			if (rs.wasNull()) {
				// no key at all: the rows, if any, have NULL keys; one range and the
				// NULLs
				min = 0;
			}
			max = rs.getLong(2);
			if (rs.wasNull()) {
				max = min;
			}
		}
		List<Long> bounds = bounds(min, max, parts);
		if (bounds.isEmpty()) {
			// one key value, or none: nothing to cut
			return List.of();
		}
		List<TableSlice> slices = new ArrayList<>();
		int count = bounds.size() + 1 + (key.notNull() ? 0 : 1);
		for (int i = 0; i <= bounds.size(); i++) {
			Long lower = (i == 0) ? null : bounds.get(i - 1);
			Long upper = (i == bounds.size()) ? null : bounds.get(i);
			slices
				.add(new TableSlice(table.oid(), i + 1, count, TableSlice.Kind.KEY, key.column(), lower, upper, false));
		}
		if (!key.notNull()) {
			slices.add(new TableSlice(table.oid(), count, count, TableSlice.Kind.KEY, key.column(), null, null, true));
		}
		return slices;
	}

	private static List<TableSlice> byPages(long tableOid, long pages, int parts) {
		List<Long> bounds = bounds(0, Math.max(0, pages - 1), parts);
		if (bounds.isEmpty()) {
			return List.of();
		}
		List<TableSlice> slices = new ArrayList<>();
		for (int i = 0; i <= bounds.size(); i++) {
			Long lower = (i == 0) ? null : bounds.get(i - 1);
			Long upper = (i == bounds.size()) ? null : bounds.get(i);
			slices.add(new TableSlice(tableOid, i + 1, bounds.size() + 1, TableSlice.Kind.CTID, null, lower, upper,
					false));
		}
		return slices;
	}

	/**
	 * The inner bounds that cut [min, max] into at most {@code parts} ranges of equal
	 * width: {@code parts - 1} values or fewer, ascending, each above min and at most
	 * max.
	 */
	static List<Long> bounds(long min, long max, int parts) {
		BigInteger low = BigInteger.valueOf(min);
		BigInteger span = BigInteger.valueOf(max).subtract(low).add(BigInteger.ONE);
		int ranges = (int) Math.min(parts, span.min(BigInteger.valueOf(Integer.MAX_VALUE)).longValueExact());
		List<Long> bounds = new ArrayList<>();
		for (int i = 1; i < ranges; i++) {
			// ceil-free: floor(span * i / ranges), strictly increasing as span >= ranges
			bounds
				.add(low.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(ranges))).longValueExact());
		}
		return bounds;
	}

	/** The heap's pages now: the main fork's size over the block size. */
	private static long pages(Connection source, SourceTable table) throws SQLException {
		try (PreparedStatement statement = source.prepareStatement(
				"SELECT pg_catalog.pg_relation_size(?::pg_catalog.oid) / pg_catalog.current_setting('block_size')::int8")) {
			statement.setLong(1, table.oid());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	private record Key(String column, boolean notNull) {
	}

}

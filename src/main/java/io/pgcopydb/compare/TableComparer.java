package io.pgcopydb.compare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.pg.Identifiers;

/**
 * Compares one table's rows on the source and the target, each read in its side's
 * snapshot, and finds the rows that differ without reading every row twice.
 * <p>
 * Equal means equal as values, exactly: each row is hashed to 64 bits from its columns
 * (by name, so column order does not matter; see {@link #rowHash}): integers, dates,
 * timestamps, uuid and bool as they are, other built-in types by their binary send form,
 * which no session setting changes, and other types (an extension's, or a column whose
 * type the target changed) by their text under the settings every session pins
 * (extra_float_digits = 3: a float is printed exactly, DateStyle ISO, TimeZone UTC,
 * IntervalStyle postgres, bytea as hex). So numeric {@code 1.0} and {@code 1.00}, float
 * {@code 0} and {@code -0}, or 'A' and 'a' under a case-insensitive collation, differ, as
 * they do for an application that reads them; a float that differs in its last bit
 * differs. (Before PostgreSQL 14 on either side, every row is hashed as its text.)
 * <p>
 * One pass per side: rows are grouped into segments, each with its row count and the sum
 * of its rows' hashes (a sum, so duplicate rows count). With an integer key a segment is
 * a range of it, from its minimum to its maximum; with another single-column key, a range
 * between values sampled on the source (ranges are read again through the key's index);
 * with a composite key, a hash bucket of the key; without a key, a bucket of the row's
 * own hash. Only the segments whose count or sum differ are read again, row by row (key
 * and hash), and their rows compared by key: missing on the target, extra there, or
 * changed. A key read on one side only is looked up by equality on the other, since the
 * two sides may put one row in different segments (a key printed otherwise, numeric
 * {@code 7.5} and {@code 7.50}; or sorted otherwise, under another collation). Without a
 * key the rows of those buckets are compared as a multiset.
 */
final class TableComparer {

	/** Rows read back from differing segments at most, per side: past it, counts only. */
	static final int ROW_LIMIT = Integer.getInteger("pgcopydb.compare.rowLimit", 200_000);

	/** A finer level cuts each differing integer-key range into 2^8 ranges. */
	private static final int LEVEL_BITS = 8;

	/** Sampled ranges re-read by range at most; past it, they are read by bucket. */
	private static final int RANGE_LIMIT = 512;

	private static final String HASH = "pgcopydb_h";

	private final PgEndpoint sourceEndpoint;

	private final PgEndpoint targetEndpoint;

	private final ExecutorService sides;

	private final int maxRows;

	private final boolean sameEncoding;

	/**
	 * @param sides runs the source's query while the calling thread runs the target's
	 * @param maxRows how many differing rows a diff keeps to print
	 * @param sameEncoding both servers have the same encoding: text is hashed as the
	 * servers store it, not converted
	 */
	TableComparer(PgEndpoint source, PgEndpoint target, ExecutorService sides, int maxRows, boolean sameEncoding) {
		this.sourceEndpoint = source;
		this.targetEndpoint = target;
		this.sides = sides;
		this.maxRows = maxRows;
		this.sameEncoding = sameEncoding;
	}

	/**
	 * Compares {@code qualified} (quoted) on both sides; each connection is inside its
	 * side's snapshot.
	 */
	TableDiff compare(String qualified, String display, Connection source, Connection target) {
		TableShape shape = onSource("reading table " + display, () -> TableShape.read(source, qualified));
		TableShape targetShape = onTarget("reading table " + display, () -> TableShape.read(target, qualified));
		if (shape == null) {
			return new TableDiff(display, TableDiff.Status.EQUAL, 0, 0, 0, List.of(),
					"gone from the source since the list was read");
		}
		if (targetShape == null) {
			return new TableDiff(display, TableDiff.Status.MISSING_ON_TARGET, -1, -1, -1, List.of(),
					"the target has no table " + display);
		}
		String columns = columnDifference(shape.columns(), targetShape.columns());
		if (columns != null) {
			return new TableDiff(display, TableDiff.Status.COLUMNS_DIFFER, -1, -1, -1, List.of(), columns);
		}
		Plan plan = plan(shape, targetShape, qualified, source, display);
		String sourceSegmentsSql = plan.on(false, plan.segmentsSql());
		String targetSegmentsSql = plan.on(true, plan.segmentsSql());
		Map<Long, Segment> sourceSegments;
		Map<Long, Segment> targetSegments;
		CompletableFuture<Map<Long, Segment>> onSource = onSourceAsync("checksumming table " + display,
				() -> segments(source, sourceSegmentsSql));
		targetSegments = onTarget("checksumming table " + display, () -> segments(target, targetSegmentsSql));
		sourceSegments = join(onSource);
		long sourceRows = sourceSegments.values().stream().mapToLong(Segment::rows).sum();
		long targetRows = targetSegments.values().stream().mapToLong(Segment::rows).sum();
		Set<Long> differing = differing(sourceSegments, targetSegments);
		if (differing.isEmpty()) {
			return new TableDiff(display, TableDiff.Status.EQUAL, sourceRows, targetRows, 0, List.of(), null);
		}
		// integer-key ranges holding too many rows to read: one pass per finer level over
		// the differing ranges only (through the key's index), until they are few
		long held = rowsIn(differing, sourceSegments, targetSegments);
		while (plan.segmenting() == Segmenting.RANGE && plan.shift() > 0 && held > ROW_LIMIT / 2) {
			Plan finer = plan.finer(Math.max(0, plan.shift() - LEVEL_BITS));
			Long[] ranges = differing.toArray(new Long[0]);
			String sql = plan.finerSegmentsSql(finer);
			Plan coarse = plan;
			CompletableFuture<Map<Long, Segment>> onSourceFiner = onSourceAsync("checksumming table " + display,
					() -> segments(source, coarse.on(false, sql), ranges));
			targetSegments = onTarget("checksumming table " + display,
					() -> segments(target, coarse.on(true, sql), ranges));
			sourceSegments = join(onSourceFiner);
			plan = finer;
			differing = differing(sourceSegments, targetSegments);
			long finerHeld = rowsIn(differing, sourceSegments, targetSegments);
			if (finerHeld > held / 2) {
				// the rows differ all over (a bulk change): finer ranges would not help
				break;
			}
			held = finerHeld;
		}
		return rows(shape, plan, differing, display, source, target, sourceRows, targetRows);
	}

	private static Set<Long> differing(Map<Long, Segment> sourceSegments, Map<Long, Segment> targetSegments) {
		Set<Long> differing = new LinkedHashSet<>();
		Set<Long> all = new HashSet<>(sourceSegments.keySet());
		all.addAll(targetSegments.keySet());
		for (Long bucket : all) {
			if (!java.util.Objects.equals(sourceSegments.get(bucket), targetSegments.get(bucket))) {
				differing.add(bucket);
			}
		}
		return differing;
	}

	/** Rows the differing segments hold, on the side that has more. */
	private static long rowsIn(Set<Long> differing, Map<Long, Segment> sourceSegments,
			Map<Long, Segment> targetSegments) {
		long rows = 0;
		for (Long bucket : differing) {
			Segment onSource = sourceSegments.get(bucket);
			Segment onTarget = targetSegments.get(bucket);
			rows += Math.max((onSource != null) ? onSource.rows() : 0, (onTarget != null) ? onTarget.rows() : 0);
		}
		return rows;
	}

	/** Null when both sides have the same columns (by name), else what differs. */
	private static String columnDifference(List<String> source, List<String> target) {
		Set<String> onlySource = new LinkedHashSet<>(source);
		target.forEach(onlySource::remove);
		Set<String> onlyTarget = new LinkedHashSet<>(target);
		source.forEach(onlyTarget::remove);
		if (onlySource.isEmpty() && onlyTarget.isEmpty()) {
			return null;
		}
		List<String> parts = new ArrayList<>();
		if (!onlySource.isEmpty()) {
			parts.add("columns only on the source: " + String.join(", ", onlySource));
		}
		if (!onlyTarget.isEmpty()) {
			parts.add("columns only on the target: " + String.join(", ", onlyTarget));
		}
		return String.join("; ", parts) + " (rows not compared: see compare schema)";
	}

	/** How the table is cut into segments. */
	private Plan plan(TableShape shape, TableShape targetShape, String qualified, Connection source, String display) {
		String rowText = "ROW(" + String.join(", ", shape.columns()) + ")::text";
		String hash = hash(shape, targetShape);
		long wanted = Math.max(16, Math.min(1 << 16, shape.estimatedRows() / 500));
		int bits = 64 - Long.numberOfLeadingZeros(wanted - 1);
		long mask = (1L << bits) - 1;
		String keyText = keyText(shape.keyColumns());
		String keyList = String.join(", ", shape.keyColumns());
		if (shape.integerKey()) {
			String key = shape.keyColumns().get(0);
			long[] bounds = onSource("reading the key range of table " + display, () -> bounds(source, "SELECT min("
					+ key + "), max(" + key + ") FROM " + (shape.partitioned() ? "" : "ONLY ") + qualified));
			int shift = 0;
			// the difference is exact as an unsigned number, even past Long.MAX_VALUE
			while (shift < 62 && Long.compareUnsigned((bounds[1] >> shift) - (bounds[0] >> shift), wanted) >= 0) {
				shift++;
			}
			String bucket = "(" + key + "::bigint >> " + shift + ")";
			return new Plan(qualified, hash, bucket, keyText, keyList, shift, mask, Segmenting.RANGE, List.of(),
					shape.keyType(), shape.partitioned(), targetShape.partitioned(), keyList);
		}
		if (shape.hasKey() && shape.keyColumns().size() == 1 && shape.keyType() != null) {
			// a collatable key is cut in the bytes' order ("C"), so that both sides put a
			// row in the same range whatever their collations
			String key = shape.keyCollatable() ? shape.keyColumns().get(0) + " COLLATE pg_catalog.\"C\""
					: shape.keyColumns().get(0);
			List<String> thresholds = onSource("sampling the keys of table " + display,
					() -> thresholds(source, qualified, shape.partitioned(), key, shape.estimatedRows(), wanted));
			if (!thresholds.isEmpty()) {
				String bucket = "pg_catalog.width_bucket(" + key + ", " + arrayLiteral(thresholds, shape.keyType())
						+ ")";
				return new Plan(qualified, hash, bucket, keyText, keyList, 0, mask, Segmenting.SAMPLED, thresholds,
						shape.keyType(), shape.partitioned(), targetShape.partitioned(), key);
			}
		}
		if (shape.hasKey()) {
			String bucket = "(pg_catalog.hashtextextended(" + keyText + " COLLATE pg_catalog.\"C\", 1) & " + mask + ")";
			return new Plan(qualified, hash, bucket, keyText, keyList, 0, mask, Segmenting.KEY_HASH, List.of(),
					shape.keyType(), shape.partitioned(), targetShape.partitioned(), keyList);
		}
		return new Plan(qualified, hash, "(" + HASH + " & " + mask + ")", rowText, null, 0, mask, Segmenting.ROW_HASH,
				List.of(), null, shape.partitioned(), targetShape.partitioned(), null);
	}

	/** The row hash both sides compute: {@link #rowHash}, or the row's text before 14. */
	private String hash(TableShape shape, TableShape targetShape) {
		boolean exactHash = this.sourceEndpoint.serverVersion().major() >= 14
				&& this.targetEndpoint.serverVersion().major() >= 14;
		return exactHash ? rowHash(shape, targetShape, this.sameEncoding)
				: "pg_catalog.hashtextextended(ROW(" + String.join(", ", shape.columns()) + ")::text, 0)";
	}

	/**
	 * Built-in types (by OID) whose values a hash function takes exactly, as SQL with the
	 * column ({@code %1$s}) and a seed ({@code %2$d}): smallint and integer (their hash
	 * is one-to-one on 32 bits); bigint by its folded hash and, apart, its high 32 bits
	 * (its hash alone folds the two halves, so 0 and 4294967297 would meet); oid; bool as
	 * int4; uuid by its 16 bytes. Timestamps (whose hash folds as bigint's), numeric
	 * (whose hash ignores the sign and the scale), floats and dates go by their send form
	 * instead.
	 */
	private static final Map<String, String> EXACT_HASHES = Map.ofEntries(
			Map.entry("20", "(pg_catalog.hashint8extended(%1$s, %2$d) OPERATOR(pg_catalog.#)"
					+ " pg_catalog.hashint4extended((%1$s OPERATOR(pg_catalog.>>) 32)::pg_catalog.int4, -%2$d))"),
			Map.entry("21", "pg_catalog.hashint4extended(%1$s::pg_catalog.int4, %2$d)"),
			Map.entry("23", "pg_catalog.hashint4extended(%1$s, %2$d)"),
			Map.entry("26", "pg_catalog.hashoidextended(%1$s, %2$d)"),
			Map.entry("16", "pg_catalog.hashint4extended(%1$s::pg_catalog.int4, %2$d)"),
			Map.entry("2950", "pg_catalog.uuid_hash_extended(%1$s, %2$d)"));

	/**
	 * Text types (by OID) hashed by their bytes under collation "C" (whatever the
	 * column's collation: 'A' is not 'a' under a case-insensitive one), when both servers
	 * have the same encoding; else by their send form, converted to the client's.
	 */
	private static final Map<String, String> TEXT_HASHES = Map.ofEntries(
			Map.entry("25", "pg_catalog.hashtextextended(%1$s COLLATE pg_catalog.\"C\", %2$d)"),
			Map.entry("1043", "pg_catalog.hashtextextended(%1$s::pg_catalog.text COLLATE pg_catalog.\"C\", %2$d)"),
			Map.entry("1042", "pg_catalog.hashtextextended(%1$s::pg_catalog.text COLLATE pg_catalog.\"C\", %2$d)"),
			Map.entry("19", "pg_catalog.hashtextextended(%1$s::pg_catalog.text COLLATE pg_catalog.\"C\", %2$d)"));

	/**
	 * A row's 64-bit hash from its values, exact and independent of the session's
	 * settings. A column whose type is the same on both sides is hashed by its type's
	 * exact hash where there is one ({@link #EXACT_HASHES}, and {@link #TEXT_HASHES} when
	 * both servers have the same encoding), seeded by its position so that values swapped
	 * between columns differ, the hashes combined by XOR (a NULL as a constant of its
	 * own); the other built-in types go by their binary send form (numeric with its sign
	 * and scale, float by its bits, timestamps, jsonb, arrays...) and the rest (an
	 * extension's type, a reg* type, or a type the target changed) by their text, both
	 * into one {@code hash_record_extended} (bytea's hash is bytewise).
	 */
	static String rowHash(TableShape source, TableShape target, boolean sameEncoding) {
		Map<String, String> targetTypes = new HashMap<>();
		for (int i = 0; i < target.columns().size(); i++) {
			targetTypes.put(target.columns().get(i), target.columnTypes().get(i));
		}
		List<String> terms = new ArrayList<>();
		List<String> values = new ArrayList<>();
		for (int i = 0; i < source.columns().size(); i++) {
			String column = source.columns().get(i);
			String type = source.columnTypes().get(i);
			String form = source.hashForms().get(i);
			boolean sameType = type.equals(targetTypes.get(column));
			String exact = !sameType ? null
					: EXACT_HASHES.getOrDefault(type, sameEncoding ? TEXT_HASHES.get(type) : null);
			if (exact != null) {
				terms.add("COALESCE(" + String.format(java.util.Locale.ROOT, exact, column, i + 1) + ", "
						+ (-1_000_003L * (i + 1)) + ")");
			}
			else if (form != null && !form.isEmpty() && sameType) {
				values.add(form + "(" + column + ")");
			}
			else {
				values.add("pg_catalog.textsend(" + column + "::text)");
			}
		}
		if (!values.isEmpty() || terms.isEmpty()) {
			terms.add("pg_catalog.hash_record_extended(ROW(" + String.join(", ", values) + "), 0)");
		}
		return "(" + String.join(" OPERATOR(pg_catalog.#) ", terms) + ")";
	}

	/** The key as text: one column's text, or the row of several. */
	private static String keyText(List<String> keyColumns) {
		if (keyColumns.isEmpty()) {
			return null;
		}
		return (keyColumns.size() == 1) ? keyColumns.get(0) + "::text"
				: "ROW(" + String.join(", ", keyColumns) + ")::text";
	}

	/**
	 * About {@code wanted} distinct key values, in the key's order, cutting the table
	 * into segments of about equal rows: from every key of a small table, else from a
	 * sample of its pages.
	 */
	private static List<String> thresholds(Connection connection, String table, boolean whole, String key,
			long estimatedRows, long wanted) throws SQLException {
		long samples = Math.min(wanted * 4, 200_000);
		String from = (whole ? "" : "ONLY ") + table;
		// every key of a small table; a sample of a large one's pages
		if (estimatedRows > 200_000) {
			double percent = Math.min(100.0, 100.0 * samples / estimatedRows);
			from += " TABLESAMPLE SYSTEM (" + String.format(java.util.Locale.ROOT, "%.6f", percent) + ")";
		}
		List<String> keys = new ArrayList<>();
		try (Statement statement = connection.createStatement()) {
			statement.setFetchSize(10_000);
			try (ResultSet rs = statement.executeQuery("SELECT " + key + "::text FROM " + from + " ORDER BY " + key)) {
				while (rs.next()) {
					keys.add(rs.getString(1));
				}
			}
		}
		List<String> thresholds = new ArrayList<>();
		int step = (int) Math.max(1, keys.size() / wanted);
		for (int i = step; i < keys.size(); i += step) {
			String value = keys.get(i);
			if (thresholds.isEmpty() || !thresholds.get(thresholds.size() - 1).equals(value)) {
				thresholds.add(value);
			}
		}
		return thresholds;
	}

	/** {@code values} as an SQL array literal of {@code type}. */
	private static String arrayLiteral(List<String> values, String type) {
		StringBuilder array = new StringBuilder("{");
		for (String value : values) {
			if (array.length() > 1) {
				array.append(',');
			}
			array.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
		}
		return Identifiers.literal(array.append('}').toString()) + "::" + type + "[]";
	}

	private static long[] bounds(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			long low = rs.getLong(1);
			long high = rs.getLong(2);
			return new long[] { low, Math.max(low, high) };
		}
	}

	private static Map<Long, Segment> segments(Connection connection, String sql) throws SQLException {
		return segments(connection, sql, null);
	}

	/**
	 * Per segment its rows and hash sum; {@code ranges} as the query's bigint[]
	 * parameter.
	 */
	private static Map<Long, Segment> segments(Connection connection, String sql, Long[] ranges) throws SQLException {
		Map<Long, Segment> segments = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			if (ranges != null) {
				statement.setArray(1, connection.createArrayOf("bigint", ranges));
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					segments.put(rs.getLong(1), new Segment(rs.getLong(2), rs.getString(3)));
				}
			}
		}
		return segments;
	}

	/** Reads the rows of the differing segments on both sides and compares them. */
	private TableDiff rows(TableShape shape, Plan plan, Set<Long> differing, String display, Connection source,
			Connection target, long sourceRows, long targetRows) {
		// integer-key ranges are joined to the key's index whatever their number; sampled
		// ranges are written out, up to a limit
		boolean byRange = plan.segmenting() == Segmenting.RANGE || differing.size() <= RANGE_LIMIT;
		Long[] buckets = differing.toArray(new Long[0]);
		String sql = plan.rowsSql(byRange, buckets);
		boolean withSegments = plan.rowsTakeSegments(byRange);
		CompletableFuture<Map<String, RowValue>> onSource = onSourceAsync("reading the differing rows of " + display,
				() -> rows(source, plan.on(false, sql), plan, withSegments ? buckets : null));
		Map<String, RowValue> targetRowsRead = onTarget("reading the differing rows of " + display,
				() -> rows(target, plan.on(true, sql), plan, withSegments ? buckets : null));
		Map<String, RowValue> sourceRowsRead = join(onSource);
		if (sourceRowsRead == null || targetRowsRead == null) {
			return new TableDiff(display, TableDiff.Status.DIFFERS, sourceRows, targetRows, -1, List.of(),
					differing.size() + " segment(s) differ, with more than " + ROW_LIMIT
							+ " rows: too many to list (counts only)");
		}
		if (plan.looksUpKeys()) {
			reconcile(plan, display, source, sourceRowsRead, target, targetRowsRead);
		}
		Comparator<String> order = shape.integerKey() ? Comparator.comparing(TableComparer::integerOf)
				: Comparator.naturalOrder();
		TreeMap<String, TableDiff.RowDiff> diffs = new TreeMap<>(order);
		Map<String, TableDiff.RowState> states = plan.looksUpByKey() ? new HashMap<>() : null;
		long count = 0;
		Set<String> keys = new HashSet<>(sourceRowsRead.keySet());
		keys.addAll(targetRowsRead.keySet());
		for (String key : keys) {
			RowValue before = sourceRowsRead.get(key);
			RowValue after = targetRowsRead.get(key);
			TableDiff.RowDiff diff = null;
			if (plan.segmenting() == Segmenting.ROW_HASH) {
				long copies = ((after != null) ? after.copies() : 0) - ((before != null) ? before.copies() : 0);
				if (copies != 0) {
					count += Math.abs(copies);
					diff = new TableDiff.RowDiff(shorten(key),
							(copies > 0) ? TableDiff.Kind.EXTRA_ON_TARGET : TableDiff.Kind.MISSING_ON_TARGET, copies);
				}
			}
			else if (before != null && after != null && before.copies() != after.copies()) {
				long copies = after.copies() - before.copies();
				count += Math.abs(copies);
				diff = new TableDiff.RowDiff(key,
						(copies > 0) ? TableDiff.Kind.EXTRA_ON_TARGET : TableDiff.Kind.MISSING_ON_TARGET, copies);
			}
			else if (before == null || after == null || !before.hash().equals(after.hash())) {
				count++;
				TableDiff.Kind kind = (after == null) ? TableDiff.Kind.MISSING_ON_TARGET
						: (before == null) ? TableDiff.Kind.EXTRA_ON_TARGET : TableDiff.Kind.CHANGED;
				diff = new TableDiff.RowDiff(key, kind, 0);
			}
			if (diff != null && states != null) {
				states.put(key, new TableDiff.RowState(state(before), state(after)));
			}
			if (diff != null) {
				diffs.put(key, diff);
				if (diffs.size() > this.maxRows) {
					diffs.pollLastEntry();
				}
			}
		}
		List<TableDiff.RowDiff> listed = new ArrayList<>(diffs.values());
		if (plan.keyList() != null) {
			String names = "(" + plan.keyList() + ")=";
			listed.replaceAll(
					(diff) -> new TableDiff.RowDiff(names + (diff.key().startsWith("(") && plan.keyList().contains(",")
							? diff.key() : "(" + diff.key() + ")"), diff.kind(), diff.copies()));
		}
		if (count == 0 && sourceRows == targetRows) {
			// the segments differed, every row matched by key: the two sides put rows in
			// different segments (see reconcile)
			return new TableDiff(display, TableDiff.Status.EQUAL, sourceRows, targetRows, 0, List.of(),
					"segments differed, every row matched by key");
		}
		if (count == 0) {
			return new TableDiff(display, TableDiff.Status.DIFFERS, sourceRows, targetRows, -1, List.of(),
					"the row counts differ but no row was found to differ by key; this is a bug, please report it");
		}
		return new TableDiff(display, TableDiff.Status.DIFFERS, sourceRows, targetRows, count, listed, null, states,
				Map.of(), 0);
	}

	/** A row's state: its hash, or {@code copies:N} for a key found N times. */
	private static String state(RowValue value) {
		return (value == null) ? null : (value.copies() == 1) ? value.hash() : "copies:" + value.copies();
	}

	/**
	 * While a follow runs: checks again, in new snapshots of both sides (the target's
	 * taken once it applied the source's new position), what {@code previous} found. A
	 * row now equal differed by replication lag; a row found differing exactly as before
	 * (the same on the source and the same on the target, across a position the target
	 * applied) is confirmed; another is still changing. A table not known by key is
	 * compared again whole: equal now, the same differences (confirmed), or changing.
	 * After the {@code last} check, rows not confirmed are reported as changing.
	 */
	TableDiff recheck(String qualified, String display, TableDiff previous, Connection source, Connection target,
			boolean last) {
		if (previous.equal()) {
			return previous;
		}
		if (previous.pending() == null) {
			TableDiff again = compare(qualified, display, source, target);
			boolean same = again.status() == previous.status() && again.differing() == previous.differing()
					&& again.rows().equals(previous.rows()) && again.sourceRows() == previous.sourceRows()
					&& again.targetRows() == previous.targetRows();
			if (again.equal() || same) {
				return again;
			}
			List<TableDiff.RowDiff> rows = last ? again.rows()
				.stream()
				.map((row) -> new TableDiff.RowDiff(row.key(), TableDiff.Kind.CHANGING, 0))
				.toList() : again.rows();
			return new TableDiff(display, last ? TableDiff.Status.CHANGING : again.status(), again.sourceRows(),
					again.targetRows(), again.differing(), rows,
					last ? "differed otherwise at every check: rows still changing on the source" : again.note(), null,
					Map.of(), 0);
		}
		if (previous.pending().isEmpty()) {
			return previous;
		}
		TableShape shape = onSource("reading table " + display, () -> TableShape.read(source, qualified));
		TableShape targetShape = onTarget("reading table " + display, () -> TableShape.read(target, qualified));
		if (shape == null || targetShape == null || columnDifference(shape.columns(), targetShape.columns()) != null
				|| shape.keyType() == null || shape.keyColumns().size() != 1) {
			return compare(qualified, display, source, target);
		}
		String key = shape.keyColumns().get(0);
		String hash = hash(shape, targetShape);
		List<String> keys = new ArrayList<>(previous.pending().keySet());
		CompletableFuture<Map<String, String>> onSource = onSourceAsync("checking rows of " + display + " again",
				() -> states(source, qualified, shape.partitioned(), key, shape.keyType(), hash, keys));
		Map<String, String> targetStates = onTarget("checking rows of " + display + " again",
				() -> states(target, qualified, targetShape.partitioned(), key, shape.keyType(), hash, keys));
		Map<String, String> sourceStates = join(onSource);
		Map<String, TableDiff.RowState> pending = new HashMap<>();
		Map<String, TableDiff.RowState> confirmed = new HashMap<>(previous.confirmed());
		for (String row : keys) {
			TableDiff.RowState now = new TableDiff.RowState(sourceStates.get(row), targetStates.get(row));
			if (now.equal()) {
				continue;
			}
			if (now.equals(previous.pending().get(row))) {
				confirmed.put(row, now);
			}
			else {
				pending.put(row, now);
			}
		}
		return settled(display, previous, pending, confirmed, shape.integerKey(), "(" + key + ")=", last);
	}

	/**
	 * The diff after a check: the rows confirmed, and the rows still pending (after the
	 * last check, as {@code changing}).
	 */
	private TableDiff settled(String display, TableDiff previous, Map<String, TableDiff.RowState> pending,
			Map<String, TableDiff.RowState> confirmed, boolean integerKey, String names, boolean last) {
		Comparator<String> order = integerKey ? Comparator.comparing(TableComparer::integerOf)
				: Comparator.naturalOrder();
		TreeMap<String, TableDiff.RowDiff> listed = new TreeMap<>(order);
		for (Map.Entry<String, TableDiff.RowState> row : confirmed.entrySet()) {
			listed.put(row.getKey(), rowDiff(names, row.getKey(), row.getValue(), row.getValue().kind()));
		}
		for (Map.Entry<String, TableDiff.RowState> row : pending.entrySet()) {
			listed.put(row.getKey(), rowDiff(names, row.getKey(), row.getValue(),
					last ? TableDiff.Kind.CHANGING : row.getValue().kind()));
		}
		long count = confirmed.size() + pending.size();
		List<TableDiff.RowDiff> first = new ArrayList<>(listed.values()).subList(0,
				(int) Math.min(count, this.maxRows));
		long before = previous.pending().size() + previous.confirmed().size();
		long caughtUp = previous.caughtUp() + before - count;
		String note = (caughtUp > 0) ? caughtUp + " row(s) differed by replication lag and caught up" : null;
		TableDiff.Status status = (count == 0) ? TableDiff.Status.EQUAL : TableDiff.Status.DIFFERS;
		return new TableDiff(display, status, previous.sourceRows(), previous.targetRows(), count, List.copyOf(first),
				note, pending, confirmed, caughtUp);
	}

	private static TableDiff.RowDiff rowDiff(String names, String key, TableDiff.RowState state, TableDiff.Kind kind) {
		String text = names + (key.startsWith("(") && names.contains(",") ? key : "(" + key + ")");
		long copies = 0;
		if (state.target() != null && state.target().startsWith("copies:")) {
			copies = Long.parseLong(state.target().substring("copies:".length())) - 1;
		}
		return new TableDiff.RowDiff(text,
				(copies > 0 && kind != TableDiff.Kind.CHANGING) ? TableDiff.Kind.EXTRA_ON_TARGET : kind, copies);
	}

	/**
	 * The state of each of {@code keys} (as text) on one side, found by equality: its row
	 * hash, {@code copies:N} when found N times, absent when not found.
	 */
	private static Map<String, String> states(Connection connection, String table, boolean whole, String key,
			String keyType, String hash, List<String> keys) throws SQLException {
		Map<String, String> states = new HashMap<>();
		String sql = "SELECT pgcopydb_u.pgcopydb_x, count(*), min(" + hash + ")::text"
				+ " FROM pg_catalog.unnest(?::text[]) pgcopydb_u(pgcopydb_x) JOIN " + (whole ? "" : "ONLY ") + table
				+ " ON " + key + " = pgcopydb_u.pgcopydb_x::" + keyType + " GROUP BY 1";
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setArray(1, connection.createArrayOf("text", keys.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					states.put(rs.getString(1), (rs.getLong(2) == 1) ? rs.getString(3) : "copies:" + rs.getLong(2));
				}
			}
		}
		return states;
	}

	/**
	 * Looks up by equality, on the other side, the keys read on one side only, and puts
	 * the row found under the same key text: a row is then compared with itself even when
	 * the two sides put it in different segments (its key printed otherwise, numeric
	 * {@code 1.0} and {@code 1.00}; or ordered otherwise, under another collation).
	 */
	private void reconcile(Plan plan, String display, Connection source, Map<String, RowValue> sourceRows,
			Connection target, Map<String, RowValue> targetRows) {
		List<String> onlySource = new ArrayList<>();
		sourceRows.keySet().stream().filter((key) -> !targetRows.containsKey(key)).forEach(onlySource::add);
		Set<String> onlyTarget = new LinkedHashSet<>();
		targetRows.keySet().stream().filter((key) -> !sourceRows.containsKey(key)).forEach(onlyTarget::add);
		if (!onlySource.isEmpty()) {
			Map<String, Found> found = onTarget("looking up rows of " + display,
					() -> lookup(target, plan, true, onlySource));
			found.forEach((key, row) -> {
				targetRows.remove(row.key());
				onlyTarget.remove(row.key());
				targetRows.put(key, new RowValue(row.hash(), 1));
			});
		}
		if (!onlyTarget.isEmpty()) {
			List<String> keys = new ArrayList<>(onlyTarget);
			Map<String, Found> found = onSource("looking up rows of " + display,
					() -> lookup(source, plan, false, keys));
			found.forEach((key, row) -> {
				sourceRows.remove(row.key());
				sourceRows.put(key, new RowValue(row.hash(), 1));
			});
		}
	}

	/** The rows whose key equals one of {@code keys} (given as text), by that text. */
	private static Map<String, Found> lookup(Connection connection, Plan plan, boolean targetSide, List<String> keys)
			throws SQLException {
		Map<String, Found> found = new HashMap<>();
		String sql = "SELECT pgcopydb_u.pgcopydb_x, " + plan.keyText() + ", " + plan.hash() + "::text"
				+ " FROM pg_catalog.unnest(?::text[]) pgcopydb_u(pgcopydb_x) JOIN ONLY " + plan.table() + " ON "
				+ plan.keyList() + " = pgcopydb_u.pgcopydb_x::" + plan.keyType();
		try (PreparedStatement statement = connection.prepareStatement(plan.on(targetSide, sql))) {
			statement.setArray(1, connection.createArrayOf("text", keys.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					found.put(rs.getString(1), new Found(rs.getString(2), rs.getString(3)));
				}
			}
		}
		return found;
	}

	/** A row found by key: its own key text and its hash. */
	private record Found(String key, String hash) {
	}

	private static long integerOf(String key) {
		try {
			return Long.parseLong(key);
		}
		catch (NumberFormatException ex) {
			return Long.MIN_VALUE;
		}
	}

	private static String shorten(String text) {
		return (text.length() <= 200) ? text : text.substring(0, 197) + "...";
	}

	/**
	 * The rows of the differing segments: by key, its row hash; without a key, by row
	 * text, its count. Null when a side has more than {@link #ROW_LIMIT}.
	 */
	private static Map<String, RowValue> rows(Connection connection, String sql, Plan plan, Long[] buckets)
			throws SQLException {
		Map<String, RowValue> rows = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			if (buckets != null) {
				statement.setArray(1, connection.createArrayOf("bigint", buckets));
			}
			statement.setFetchSize(10_000);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					if (rows.size() >= ROW_LIMIT) {
						return null;
					}
					if (plan.segmenting() == Segmenting.ROW_HASH) {
						rows.put(rs.getString(1), new RowValue(null, rs.getLong(2)));
					}
					else {
						// a key read twice (the target without its unique index yet): a
						// copy
						RowValue known = rows.get(rs.getString(1));
						rows.put(rs.getString(1), (known == null) ? new RowValue(rs.getString(2), 1)
								: new RowValue(known.hash(), known.copies() + 1));
					}
				}
			}
		}
		return rows;
	}

	private <T> T onSource(String doing, SqlWork<T> work) {
		return run(this.sourceEndpoint, doing, work);
	}

	private <T> T onTarget(String doing, SqlWork<T> work) {
		return run(this.targetEndpoint, doing, work);
	}

	private <T> CompletableFuture<T> onSourceAsync(String doing, SqlWork<T> work) {
		return CompletableFuture.supplyAsync(() -> onSource(doing, work), this.sides);
	}

	private static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	private static <T> T run(PgEndpoint endpoint, String doing, SqlWork<T> work) {
		try {
			return work.run();
		}
		catch (SQLException ex) {
			throw endpoint.failure(doing, ex);
		}
	}

	@FunctionalInterface
	private interface SqlWork<T> {

		T run() throws SQLException;

	}

	/** A segment's row count and the sum of its rows' hashes (numeric, as text). */
	private record Segment(long rows, String sum) {
	}

	/** A row read back: its hash (by key), or its count of copies (without key). */
	private record RowValue(String hash, long copies) {
	}

	private enum Segmenting {

		/** Ranges of an integer key (shifted right). */
		RANGE,
		/** Ranges of a key of another type, cut at values sampled on the source. */
		SAMPLED,
		/** Buckets of the key's hash. */
		KEY_HASH,
		/** Buckets of the row's hash: no key. */
		ROW_HASH

	}

	/**
	 * The queries of one table.
	 *
	 * @param hash the row hash expression
	 * @param bucket the segment expression, over the key columns or {@link #HASH}
	 * @param keyText the key as text (without key: the row as text)
	 * @param keyList the quoted key columns, comma-separated, or null
	 * @param shift the range's shift (RANGE)
	 * @param mask the bucket mask (hash buckets)
	 * @param thresholds where the key's ranges are cut (SAMPLED)
	 * @param keyType the type of the key's first column
	 */
	private record Plan(String table, String hash, String bucket, String keyText, String keyList, int shift, long mask,
			Segmenting segmenting, List<String> thresholds, String keyType, boolean sourceWhole, boolean targetWhole,
			String rangeKey) {

		/**
		 * {@code sql} as one side runs it: a side whose table is partitioned reads it
		 * whole (its partitions), not ONLY.
		 */
		String on(boolean target, String sql) {
			return (target ? this.targetWhole : this.sourceWhole) ? sql.replace("ONLY " + this.table, this.table) : sql;
		}

		/** Whether {@link #rowsSql} takes the differing segments as its parameter. */
		boolean rowsTakeSegments(boolean byRange) {
			return !(this.segmenting == Segmenting.SAMPLED && byRange);
		}

		/**
		 * Whether rows can be found by key equality (a lookup, a check again): the key is
		 * one column of a built-in type.
		 */
		boolean looksUpByKey() {
			return this.keyList != null && !this.keyList.contains(",") && this.keyType != null;
		}

		/**
		 * Whether keys read on one side only are looked up by equality on the other: a
		 * key's text, or its order under the other side's collation, may put one row in
		 * different segments on the two sides.
		 */
		boolean looksUpKeys() {
			return (this.segmenting == Segmenting.SAMPLED || this.segmenting == Segmenting.KEY_HASH) && looksUpByKey();
		}

		/**
		 * The key ranges of {@code segments} (SAMPLED): segment b holds the keys from
		 * threshold b - 1 (none for 0) to before threshold b (none for the last).
		 */
		String sampledRanges(Long[] segments) {
			List<String> ranges = new ArrayList<>();
			for (Long segment : segments) {
				int b = segment.intValue();
				List<String> bounds = new ArrayList<>();
				if (b >= 1 && b - 1 < this.thresholds.size()) {
					bounds.add(this.rangeKey + " >= " + Identifiers.literal(this.thresholds.get(b - 1)) + "::"
							+ this.keyType);
				}
				if (b < this.thresholds.size()) {
					bounds
						.add(this.rangeKey + " < " + Identifiers.literal(this.thresholds.get(b)) + "::" + this.keyType);
				}
				ranges.add(bounds.isEmpty() ? "true" : "(" + String.join(" AND ", bounds) + ")");
			}
			return String.join(" OR ", ranges);
		}

		/** This plan with integer-key ranges of 2^{@code shift} keys. */
		Plan finer(int shift) {
			return new Plan(this.table, this.hash, "(" + this.keyList + "::bigint >> " + shift + ")", this.keyText,
					this.keyList, shift, this.mask, this.segmenting, this.thresholds, this.keyType, this.sourceWhole,
					this.targetWhole, this.rangeKey);
		}

		/**
		 * Per segment of {@code finer}: its id, row count and hash sum, over the rows of
		 * this plan's ranges given as a bigint[] parameter (an index range scan each).
		 */
		String finerSegmentsSql(Plan finer) {
			String from = "(pgcopydb_s.pgcopydb_b << " + this.shift + ")";
			String inner = "SELECT " + this.hash + " AS " + HASH + ", " + this.keyList + " FROM ONLY " + this.table
					+ " JOIN pg_catalog.unnest(?::bigint[]) pgcopydb_s(pgcopydb_b) ON " + this.keyList + " BETWEEN "
					+ from + " AND " + from + " + ((1::bigint << " + this.shift + ") - 1) OFFSET 0";
			return "SELECT " + finer.bucket + " AS b, count(*), sum(" + HASH + ") FROM (" + inner + ") x GROUP BY 1";
		}

		/** Per segment: its id, row count and hash sum; one scan. */
		String segmentsSql() {
			String inner = "SELECT " + this.hash + " AS " + HASH + ((this.keyList != null) ? ", " + this.keyList : "")
					+ " FROM ONLY " + this.table + " OFFSET 0";
			return "SELECT " + this.bucket + " AS b, count(*), sum(" + HASH + ") FROM (" + inner + ") x GROUP BY 1";
		}

		/**
		 * The rows of the segments given as a bigint[] parameter: key text and row hash
		 * (as text), or row text and copies.
		 * @param byRange read integer-key ranges through the key (an index range scan)
		 */
		String rowsSql(boolean byRange, Long[] segments) {
			if (this.segmenting == Segmenting.ROW_HASH) {
				return "SELECT r, count(*) FROM (SELECT " + this.keyText + " AS r, " + this.hash + " AS " + HASH
						+ " FROM ONLY " + this.table + " OFFSET 0) x WHERE (" + HASH + " & " + this.mask
						+ ") = ANY (?) GROUP BY 1";
			}
			if (this.segmenting == Segmenting.RANGE && byRange) {
				// segment b is the key range [b << shift, (b << shift) + 2^shift - 1]:
				// one
				// index range scan per segment
				String from = "(pgcopydb_s.pgcopydb_b << " + this.shift + ")";
				return "SELECT " + this.keyText + ", " + this.hash + "::text FROM ONLY " + this.table
						+ " JOIN pg_catalog.unnest(?::bigint[]) pgcopydb_s(pgcopydb_b) ON " + this.keyList + " BETWEEN "
						+ from + " AND " + from + " + ((1::bigint << " + this.shift + ") - 1)";
			}
			if (this.segmenting == Segmenting.SAMPLED && byRange) {
				return "SELECT " + this.keyText + ", " + this.hash + "::text FROM ONLY " + this.table + " WHERE "
						+ sampledRanges(segments);
			}
			String where = this.bucket + " = ANY (?)";
			return "SELECT " + this.keyText + ", " + this.hash + "::text FROM ONLY " + this.table + " WHERE " + where;
		}

	}

}

package io.pgcopydb.copy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.PGCopyOutputStream;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.config.CopyFormat;
import io.pgcopydb.config.Side;

/**
 * Streams tables from source to target with COPY: the source's COPY TO output goes into
 * the target's COPY FROM through a fixed-size buffer, so memory stays bounded whatever
 * the table size, and no row is parsed.
 *
 * <p>
 * Contract: one call copies one {@link CopyTarget copy unit}. The target side runs the
 * unit's TRUNCATE, then a COPY per table of the unit (FREEZE where the target relation
 * takes it; into a partitioned relation, which routes each row), all in one transaction
 * that commits only after every stream arrived. A failure or a retry therefore leaves the
 * unit's relations as they were, and a rerun starts from empty ones: no row is lost or
 * doubled, whether the rows land in their own table, in a partitioned one, or in a table
 * shared with their sibling partitions. The source connection must already be in the
 * run's snapshot.
 */
public final class TableCopier {

	private final int bufferBytes;

	public TableCopier(int bufferBytes) {
		this.bufferBytes = bufferBytes;
	}

	/**
	 * Copies {@code table} into the target table of the same name and commits.
	 * @see #copy(Connection, Connection, List, LongConsumer)
	 */
	public CopyResult copy(Connection source, Connection target, SourceTable table, boolean binary,
			LongConsumer progress) throws CopyException {
		return copy(source, target,
				List.of(new Load(table, CopyTarget.sameTable(table.oid(), table.qualifiedName()), binary)), progress);
	}

	/**
	 * Copies one unit and commits on the target.
	 * @param unit the tables of one unit, each with its target (all sharing the unit
	 * relation): the unit's leader first
	 * @param progress receives the number of bytes streamed since its previous call
	 * @throws CopyException naming the side that failed; the target is rolled back
	 */
	public CopyResult copy(Connection source, Connection target, List<Load> unit, LongConsumer progress)
			throws CopyException {
		try {
			target.setAutoCommit(false);
			try (Statement statement = target.createStatement()) {
				statement.execute(unit.get(0).target().truncate());
			}
			long rows = 0;
			long bytes = 0;
			for (Load load : unit) {
				CopyResult loaded = load(source, target, load, progress);
				rows += loaded.rows();
				bytes += loaded.bytes();
			}
			commit(target);
			return new CopyResult(rows, bytes);
		}
		catch (CopyException ex) {
			rollbackQuietly(target);
			throw ex;
		}
		catch (SQLException ex) {
			rollbackQuietly(target);
			throw new CopyException(Side.TARGET, ex);
		}
	}

	/**
	 * Copies several tables, each its own copy unit of one table (a bundle of small
	 * tables), in one target transaction, and all commit together, so a failure leaves
	 * every one as it was. The transaction first locks the tables against any other
	 * writer (SHARE ROW EXCLUSIVE, which also waits for an attempt still running) and
	 * reads which of them hold rows: those (an earlier attempt committed, or rows were
	 * there before the run) are emptied (TRUNCATE ONLY) and filled with COPY FREEZE; the
	 * empty ones, the usual case, are filled by a plain COPY. A TRUNCATE gives a table,
	 * its TOAST table and its TOAST index new files, which for a table of a few rows cost
	 * several times its COPY (10,000 tables of 5 rows here: 10-25 s against 3 s), and
	 * freezing the rows of a small table is not worth that; a retry of the bundle then
	 * finds each row once.
	 * @param progress receives the index of the table in {@code loads} and the bytes
	 * streamed since its previous call
	 * @param results receives one result per table, in order
	 * @return the sum of the tables' results
	 */
	public CopyResult copyEach(Connection source, Connection target, List<Load> loads, ObjIntLongConsumer progress,
			List<CopyResult> results) throws CopyException {
		try {
			for (Load load : loads) {
				if (!load.target().leadsUnit() || load.target().redirected(load.table().qualifiedName())) {
					throw new IllegalArgumentException(load.table().displayName() + " is no copy unit of its own");
				}
			}
			target.setAutoCommit(false);
			Set<Integer> filled = lockAndFindRows(target, loads);
			long rows = 0;
			long bytes = 0;
			for (int i = 0; i < loads.size(); i++) {
				Load load = loads.get(i);
				boolean refill = filled.contains(i);
				if (refill) {
					try (Statement statement = target.createStatement()) {
						statement.execute(load.target().truncate());
					}
				}
				int index = i;
				CopyResult loaded = load(source, target, load, load.source(), refill && load.target().freeze(),
						(streamed) -> progress.accept(index, streamed));
				results.add(loaded);
				rows += loaded.rows();
				bytes += loaded.bytes();
			}
			commit(target);
			return new CopyResult(rows, bytes);
		}
		catch (CopyException ex) {
			rollbackQuietly(target);
			throw ex;
		}
		catch (SQLException ex) {
			rollbackQuietly(target);
			throw new CopyException(Side.TARGET, ex);
		}
	}

	/**
	 * Locks the relations of {@code loads} in SHARE ROW EXCLUSIVE mode, in the caller's
	 * transaction (a writer still running, such as an attempt presumed dead, is waited
	 * for, and no other can start), then reads, in one round trip, which of them hold a
	 * row.
	 * @return the indexes in {@code loads} of the relations that are not empty
	 */
	static Set<Integer> lockAndFindRows(Connection target, List<Load> loads) throws SQLException {
		StringBuilder lock = new StringBuilder("LOCK TABLE ");
		StringBuilder query = new StringBuilder();
		for (int i = 0; i < loads.size(); i++) {
			String relation = loads.get(i).target().relation();
			lock.append(i == 0 ? "ONLY " : ", ONLY ").append(relation);
			query.append(i == 0 ? "" : " UNION ALL ")
				.append("SELECT ")
				.append(i)
				.append(" WHERE EXISTS (SELECT 1 FROM ONLY ")
				.append(relation)
				.append(')');
		}
		lock.append(" IN SHARE ROW EXCLUSIVE MODE");
		Set<Integer> filled = new java.util.HashSet<>();
		try (Statement statement = target.createStatement()) {
			statement.execute(lock.toString());
			try (java.sql.ResultSet rows = statement.executeQuery(query.toString())) {
				while (rows.next()) {
					filled.add(rows.getInt(1));
				}
			}
		}
		return filled;
	}

	/** Receives the bytes streamed for one table of several, by its index. */
	@FunctionalInterface
	public interface ObjIntLongConsumer {

		void accept(int index, long bytes);

	}

	/**
	 * Copies one slice of a table ({@link TableSlice}) into its target relation and
	 * commits, without FREEZE (the relation is not emptied in this transaction, its
	 * sibling slices fill it at the same time).
	 * @param clearRange first delete the slice's rows from the target, in the same
	 * transaction: for a key slice that may have committed before (a retry or a resumed
	 * run); a CTID slice's rows cannot be found on the target, so it is never asked
	 * @param beforeCommit runs once every row is streamed, just before the commit
	 * @throws CopyException naming the side that failed, {@link CopyException#atCommit()}
	 * when the commit itself failed and the rows may or may not be there
	 */
	public CopyResult copySlice(Connection source, Connection target, Load load, TableSlice slice, boolean clearRange,
			LongConsumer progress, Runnable beforeCommit) throws CopyException {
		if (clearRange && slice.kind() != TableSlice.Kind.KEY) {
			throw new IllegalArgumentException("only a key slice can clear its rows on the target");
		}
		try {
			target.setAutoCommit(false);
			try (Statement statement = target.createStatement()) {
				if (clearRange) {
					statement.execute("DELETE FROM ONLY " + load.target().relation() + " WHERE " + slice.predicate());
				}
			}
			SourceTable table = load.table();
			String query = "(SELECT " + table.columnList() + " FROM ONLY " + table.qualifiedName() + " WHERE "
					+ slice.predicate() + ")";
			CopyResult result = load(source, target, load, query, false, progress);
			beforeCommit.run();
			commit(target);
			return result;
		}
		catch (CopyException ex) {
			rollbackQuietly(target);
			throw ex;
		}
		catch (SQLException ex) {
			rollbackQuietly(target);
			throw new CopyException(Side.TARGET, ex);
		}
	}

	/**
	 * Commits; a failure may have come before or after the server committed. The commit
	 * is synchronous (target sessions pin synchronous_commit = on, SessionSettings): the
	 * repository records the partition complete right after it.
	 */
	private static void commit(Connection target) throws CopyException {
		try {
			target.commit();
		}
		catch (SQLException ex) {
			throw new CopyException(Side.TARGET, ex, true);
		}
	}

	/** One table of a unit, streamed inside the unit's transaction. */
	private CopyResult load(Connection source, Connection target, Load load, LongConsumer progress)
			throws CopyException, SQLException {
		// FREEZE: the unit's TRUNCATE gave the relation a new file in this transaction,
		// so rows are written frozen and the first VACUUM has nothing to rewrite
		return load(source, target, load, load.source(), load.target().freeze(), progress);
	}

	/**
	 * Streams {@code from} (a table name or a parenthesized query) of the source into the
	 * load's target relation, inside the caller's transaction.
	 */
	private CopyResult load(Connection source, Connection target, Load load, String from, boolean freeze,
			LongConsumer progress) throws CopyException, SQLException {
		SourceTable table = load.table();
		String columns = table.columnList().isEmpty() ? "" : " (" + table.columnList() + ")";
		String sourceColumns = from.startsWith("(") ? "" : columns;
		String format = load.binary() ? "FORMAT binary" : "FORMAT text";
		String options = freeze ? "FREEZE, " + format : format;
		try {
			CopyManager sourceCopy = source.unwrap(PGConnection.class).getCopyAPI();
			CopyIn copyIn = target.unwrap(PGConnection.class)
				.getCopyAPI()
				.copyIn("COPY " + load.target().relation() + columns + " FROM STDIN WITH (" + options + ")");
			try (PGCopyOutputStream into = new PGCopyOutputStream(copyIn, this.bufferBytes)) {
				CountingOutputStream counter = new CountingOutputStream(into, progress);
				try {
					sourceCopy.copyOut("COPY " + from + sourceColumns + " TO STDOUT WITH (" + format + ")", counter);
				}
				catch (SQLException ex) {
					throw new CopyException(Side.SOURCE, ex);
				}
				catch (IOException ex) {
					// the target refused a buffer: PGCopyOutputStream wraps its
					// SQLException
					throw new CopyException(Side.TARGET, asSqlException(ex));
				}
				counter.publish();
				return new CopyResult(into.endCopy(), counter.count);
			}
		}
		catch (IOException ex) {
			throw new CopyException(Side.TARGET, asSqlException(ex));
		}
	}

	/**
	 * Whether to COPY {@code table} in binary format under {@code format}, reading the
	 * column types of the target {@code relation} (quoted, qualified) when that decides
	 * it.
	 * @throws CopyException when the target's catalog cannot be read
	 */
	public static boolean useBinary(CopyFormat format, SourceTable table, boolean sameMajorVersion, Connection target,
			String relation) throws CopyException {
		if (format != CopyFormat.AUTO) {
			return useBinary(format, table, sameMajorVersion, Set.of());
		}
		try {
			return useBinary(format, table, sameMajorVersion, new TargetCatalog(target).columnTypes(relation));
		}
		catch (SQLException ex) {
			throw new CopyException(Side.TARGET, ex);
		}
	}

	/**
	 * Whether to COPY {@code table} in binary format under {@code format}.
	 * @param targetColumnTypes the target table's columns as "quoted_name type" strings,
	 * the form of {@link SourceTable#columnTypes()} lines
	 */
	public static boolean useBinary(CopyFormat format, SourceTable table, boolean sameMajorVersion,
			Set<String> targetColumnTypes) {
		return switch (format) {
			case TEXT -> false;
			case BINARY -> true;
			case AUTO -> sameMajorVersion && table.builtinTypes() && !table.columnTypes().isEmpty()
					&& targetColumnTypes.containsAll(table.columnTypes().lines().toList());
		};
	}

	private static SQLException asSqlException(IOException ex) {
		return (ex.getCause() instanceof SQLException cause) ? cause
				: new SQLException("COPY stream broke: " + ex.getMessage(), "08006", ex);
	}

	/**
	 * Rolls back after a failure; a broken connection rolls back on the server anyway.
	 */
	static void rollbackQuietly(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ignored) {
			// the connection is broken; closing it rolls back on the server
		}
	}

	/**
	 * One table of a copy unit.
	 *
	 * @param binary COPY in binary format (see {@link CopyFormat} for when that is safe)
	 */
	public record Load(SourceTable table, CopyTarget target, boolean binary, boolean throughQuery) {

		public Load(SourceTable table, CopyTarget target, boolean binary) {
			this(table, target, binary, false);
		}

		/**
		 * What the source's COPY TO reads: the table, or with {@code throughQuery} a
		 * query of its columns (a Citus table, whose own COPY TO reads its shards outside
		 * the session's snapshot).
		 */
		String source() {
			return this.throughQuery
					? "(SELECT " + this.table.columnList() + " FROM ONLY " + this.table.qualifiedName() + ")"
					: this.table.qualifiedName();
		}

	}

	/**
	 * Counts bytes on their way to the target, without buffering. PgJDBC writes one row
	 * per call, so progress is published about every {@link #PUBLISH_EVERY} bytes, not
	 * per row: the consumer's atomic add stays off the per-row path.
	 */
	private static final class CountingOutputStream extends FilterOutputStream {

		private static final int PUBLISH_EVERY = 64 * 1024;

		private final LongConsumer progress;

		private long count;

		private long unpublished;

		CountingOutputStream(OutputStream out, LongConsumer progress) {
			super(out);
			this.progress = progress;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.out.write(bytes, offset, length);
			counted(length);
		}

		@Override
		public void write(int b) throws IOException {
			this.out.write(b);
			counted(1);
		}

		private void counted(int length) {
			this.count += length;
			this.unpublished += length;
			if (this.unpublished >= PUBLISH_EVERY) {
				publish();
			}
		}

		void publish() {
			if (this.unpublished > 0) {
				this.progress.accept(this.unpublished);
				this.unpublished = 0;
			}
		}

	}

}

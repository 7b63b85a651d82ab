package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.Side;

/**
 * Copies large objects, keeping their OIDs (columns of type oid refer to them). The
 * pre-data restore already created them with their owner and privileges; this class
 * writes their contents, creating the object when pre-data did not.
 * <p>
 * The objects are cut in {@code parts} by OID ({@code oid % parts}), each part copied by
 * its own pair of sessions. An object up to {@link #WHOLE} bytes travels whole: the
 * source returns it in a row of the listing ({@code lo_get}, many rows per round trip),
 * and the target writes a batch of them in one statement; a larger one is streamed in
 * chunks through large object descriptors.
 * <p>
 * Contract: each object's contents are replaced whole (truncate, then write), and the
 * target commits every {@code batchSize} objects, so a retry rewrites at most one batch
 * per part and never appends twice. Memory holds at most one fetch of whole objects
 * ({@link #FETCH} of them) and one batch to write per part.
 */
public final class LargeObjectCopier {

	/** The largest object that travels whole, in one row and one statement. */
	static final int WHOLE = 1 << 20;

	/** Rows of the source listing per round trip: at most this many whole objects. */
	private static final int FETCH = 8;

	private static final int CHUNK = 256 * 1024;

	/** INV_WRITE, the mode lo_open takes to write. */
	private static final int INV_WRITE = 0x20000;

	/**
	 * Writes a batch of whole objects, given as two arrays: for each, creates it when
	 * pre-data did not, empties it and writes it. The subquery (OFFSET 0 keeps it one)
	 * empties an object before the outer level writes it, row by row.
	 */
	private static final String WRITE_WHOLE = "SELECT pg_catalog.count(pg_catalog.lo_put(s.o, 0, s.d)) FROM"
			+ " (SELECT t.o, t.d, pg_catalog.lo_truncate(pg_catalog.lo_open(CASE WHEN EXISTS (SELECT 1 FROM"
			+ " pg_catalog.pg_largeobject_metadata m WHERE m.oid = t.o) THEN t.o ELSE pg_catalog.lo_create(t.o) END, "
			+ INV_WRITE + "), 0) FROM ROWS FROM (pg_catalog.unnest(?::pg_catalog.oid[]),"
			+ " pg_catalog.unnest(?::pg_catalog.bytea[])) AS t(o, d)" + " OFFSET 0) AS s";

	private final int batchSize;

	public LargeObjectCopier(int batchSize) {
		this.batchSize = batchSize;
	}

	/**
	 * Copies every large object in one pair of sessions.
	 * @see #copy(Connection, Connection, int, int)
	 */
	public CopyResult copy(Connection source, Connection target) throws CopyException {
		return copy(source, target, 0, 1, () -> false);
	}

	/**
	 * Copies the large objects of one part.
	 * @param source a connection inside the run's snapshot (large objects need a
	 * transaction)
	 * @param part which part, from 0
	 * @param parts how many parts the objects are cut in
	 * @param abandoned whether to stop before the next object (another part failed): a
	 * {@link CancellationException} then, the target's open batch rolled back
	 * @return the number of large objects and bytes copied
	 * @throws CopyException naming the side that failed; the target's open batch is
	 * rolled back
	 */
	public CopyResult copy(Connection source, Connection target, int part, int parts, BooleanSupplier abandoned)
			throws CopyException {
		try {
			target.setAutoCommit(false);
			return copyAll(source, target, part, parts, abandoned);
		}
		catch (CancellationException ex) {
			TableCopier.rollbackQuietly(target);
			throw ex;
		}
		catch (CopyException ex) {
			TableCopier.rollbackQuietly(target);
			throw ex;
		}
		catch (SQLException ex) {
			TableCopier.rollbackQuietly(target);
			throw new CopyException(Side.TARGET, ex);
		}
	}

	private CopyResult copyAll(Connection source, Connection target, int part, int parts, BooleanSupplier abandoned)
			throws CopyException, SQLException {
		LargeObjectManager to = target.unwrap(PGConnection.class).getLargeObjectAPI();
		long objects = 0;
		long bytes = 0;
		byte[] chunk = new byte[CHUNK];
		List<Long> oids = new ArrayList<>();
		List<byte[]> contents = new ArrayList<>();
		long pending = 0;
		try (PreparedStatement exists = target
			.prepareStatement("SELECT 1 FROM pg_catalog.pg_largeobject_metadata WHERE oid = ?");
				PreparedStatement create = target.prepareStatement("SELECT pg_catalog.lo_create(?)");
				PreparedStatement writeWhole = target.prepareStatement(WRITE_WHOLE);
				SourceObjects sourceObjects = new SourceObjects(source, part, parts)) {
			while (sourceObjects.next()) {
				if (abandoned.getAsBoolean()) {
					throw new CancellationException(
							"large objects, part " + (part + 1) + "/" + parts + ": abandoned, another part failed");
				}
				long oid = sourceObjects.oid();
				byte[] head = sourceObjects.head();
				if (head.length <= WHOLE) {
					oids.add(oid);
					contents.add(head);
					pending += head.length;
					bytes += head.length;
					if (oids.size() >= FETCH * 4 || pending >= 2 * WHOLE) {
						writeWhole(target, writeWhole, oids, contents);
						pending = 0;
					}
				}
				else {
					ensureExists(exists, create, oid);
					LargeObject out = to.open(oid, LargeObjectManager.WRITE);
					try {
						out.truncate64(0);
						bytes += sourceObjects.copyInto(oid, head, out, chunk);
					}
					finally {
						out.close();
					}
				}
				if (++objects % this.batchSize == 0) {
					writeWhole(target, writeWhole, oids, contents);
					pending = 0;
					target.commit();
				}
			}
			writeWhole(target, writeWhole, oids, contents);
		}
		target.commit();
		return new CopyResult(objects, bytes);
	}

	/** Writes the whole objects gathered, in one statement, and forgets them. */
	private static void writeWhole(Connection target, PreparedStatement writeWhole, List<Long> oids,
			List<byte[]> contents) throws SQLException {
		if (oids.isEmpty()) {
			return;
		}
		writeWhole.setArray(1, target.createArrayOf("oid", oids.toArray(new Long[0])));
		writeWhole.setArray(2, target.createArrayOf("bytea", contents.toArray(new byte[0][])));
		writeWhole.executeQuery().close();
		oids.clear();
		contents.clear();
	}

	private static void ensureExists(PreparedStatement exists, PreparedStatement create, long oid) throws SQLException {
		exists.setLong(1, oid);
		try (ResultSet rs = exists.executeQuery()) {
			if (rs.next()) {
				return;
			}
		}
		create.setLong(1, oid);
		create.execute();
	}

	/**
	 * The source side: the large objects of one part, each with its first
	 * {@link #WHOLE}{@code + 1} bytes (all of it when it is no larger), and the contents
	 * of larger ones; every failure SOURCE.
	 */
	private static final class SourceObjects implements AutoCloseable {

		private final LargeObjectManager from;

		private final PreparedStatement list;

		private final ResultSet rows;

		SourceObjects(Connection source, int part, int parts) throws CopyException {
			try {
				this.from = source.unwrap(PGConnection.class).getLargeObjectAPI();
				this.list = source.prepareStatement(SqlFiles.load("list_large_objects"));
				// a server-prepared statement from the first execution, so that the
				// objects come in binary: as text, bytea travels and is held in hex,
				// twice
				// its size, and decoding it costs CPU
				this.list.unwrap(PGStatement.class).setPrepareThreshold(-1);
				this.list.setInt(1, WHOLE + 1);
				this.list.setInt(2, parts);
				this.list.setInt(3, part);
				this.list.setFetchSize(FETCH);
				this.rows = this.list.executeQuery();
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		boolean next() throws CopyException {
			try {
				return this.rows.next();
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		long oid() throws CopyException {
			try {
				return this.rows.getLong(1);
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		byte[] head() throws CopyException {
			try {
				return this.rows.getBytes(2);
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		/** Writes {@code head}, then streams the rest of the object after it. */
		long copyInto(long oid, byte[] head, LargeObject out, byte[] chunk) throws CopyException, SQLException {
			out.write(head, 0, head.length);
			long copied = head.length;
			LargeObject in = open(oid);
			try {
				seek(in, head.length);
				for (int read = read(in, chunk); read > 0; read = read(in, chunk)) {
					out.write(chunk, 0, read);
					copied += read;
				}
			}
			finally {
				close(in);
			}
			return copied;
		}

		private static void seek(LargeObject in, long position) throws CopyException {
			try {
				in.seek64(position, LargeObject.SEEK_SET);
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		private LargeObject open(long oid) throws CopyException {
			try {
				return this.from.open(oid, LargeObjectManager.READ);
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		private static int read(LargeObject in, byte[] chunk) throws CopyException {
			try {
				return in.read(chunk, 0, chunk.length);
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		private static void close(LargeObject in) throws CopyException {
			try {
				in.close();
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		@Override
		public void close() throws CopyException {
			try {
				this.rows.close();
				this.list.close();
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

	}

}

package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.Side;

/**
 * Copies large objects, keeping their OIDs (columns of type oid refer to them). The
 * pre-data restore already created them with their owner and privileges; this class
 * writes their contents, creating the object when pre-data did not.
 *
 * <p>
 * Contract: each object's contents are replaced whole (truncate, then write), and the
 * target commits every {@code batchSize} objects, so a retry rewrites at most one batch
 * and never appends twice. Memory holds one chunk of one object at a time.
 */
public final class LargeObjectCopier {

	private static final int CHUNK = 256 * 1024;

	private final int batchSize;

	public LargeObjectCopier(int batchSize) {
		this.batchSize = batchSize;
	}

	/**
	 * @param source a connection inside the run's snapshot (large objects need a
	 * transaction)
	 * @return the number of large objects and bytes copied
	 * @throws CopyException naming the side that failed; the target's open batch is
	 * rolled back
	 */
	public CopyResult copy(Connection source, Connection target) throws CopyException {
		try {
			target.setAutoCommit(false);
			return copyAll(source, target);
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

	private CopyResult copyAll(Connection source, Connection target) throws CopyException, SQLException {
		LargeObjectManager to = target.unwrap(PGConnection.class).getLargeObjectAPI();
		long objects = 0;
		long bytes = 0;
		byte[] chunk = new byte[CHUNK];
		try (PreparedStatement exists = target
			.prepareStatement("SELECT 1 FROM pg_catalog.pg_largeobject_metadata WHERE oid = ?");
				PreparedStatement create = target.prepareStatement("SELECT pg_catalog.lo_create(?)");
				SourceObjects sourceObjects = new SourceObjects(source)) {
			for (long oid = sourceObjects.next(); oid != 0; oid = sourceObjects.next()) {
				ensureExists(exists, create, oid);
				LargeObject out = to.open(oid, LargeObjectManager.WRITE);
				try {
					out.truncate64(0);
					bytes += sourceObjects.copyInto(oid, out, chunk);
				}
				finally {
					out.close();
				}
				if (++objects % this.batchSize == 0) {
					target.commit();
				}
			}
		}
		target.commit();
		return new CopyResult(objects, bytes);
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
	 * The source side: the list of large objects and their contents, every failure
	 * SOURCE.
	 */
	private static final class SourceObjects implements AutoCloseable {

		private final LargeObjectManager from;

		private final PreparedStatement list;

		private final ResultSet rows;

		SourceObjects(Connection source) throws CopyException {
			try {
				this.from = source.unwrap(PGConnection.class).getLargeObjectAPI();
				this.list = source.prepareStatement(SqlFiles.load("list_large_objects"));
				this.list.setFetchSize(10_000);
				this.rows = this.list.executeQuery();
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		/** The next OID, 0 when done (large object OIDs are never 0). */
		long next() throws CopyException {
			try {
				return this.rows.next() ? this.rows.getLong(1) : 0;
			}
			catch (SQLException ex) {
				throw new CopyException(Side.SOURCE, ex);
			}
		}

		long copyInto(long oid, LargeObject out, byte[] chunk) throws CopyException, SQLException {
			long copied = 0;
			LargeObject in = open(oid);
			try {
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

package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import io.pgcopydb.catalog.SqlFiles;

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
	 */
	public CopyResult copy(Connection source, Connection target) throws SQLException {
		target.setAutoCommit(false);
		LargeObjectManager from = source.unwrap(PGConnection.class).getLargeObjectAPI();
		LargeObjectManager to = target.unwrap(PGConnection.class).getLargeObjectAPI();
		long objects = 0;
		long bytes = 0;
		byte[] chunk = new byte[CHUNK];
		try (PreparedStatement list = source.prepareStatement(SqlFiles.load("list_large_objects"));
				PreparedStatement exists = target
					.prepareStatement("SELECT 1 FROM pg_catalog.pg_largeobject_metadata WHERE oid = ?");
				PreparedStatement create = target.prepareStatement("SELECT pg_catalog.lo_create(?)")) {
			list.setFetchSize(10_000);
			try (ResultSet rs = list.executeQuery()) {
				while (rs.next()) {
					long oid = rs.getLong(1);
					ensureExists(exists, create, oid);
					bytes += copyOne(from, to, oid, chunk);
					if (++objects % this.batchSize == 0) {
						target.commit();
					}
				}
			}
			target.commit();
		}
		catch (SQLException | RuntimeException ex) {
			target.rollback();
			throw ex;
		}
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

	private static long copyOne(LargeObjectManager from, LargeObjectManager to, long oid, byte[] chunk)
			throws SQLException {
		long copied = 0;
		LargeObject in = from.open(oid, LargeObjectManager.READ);
		try {
			LargeObject out = to.open(oid, LargeObjectManager.WRITE);
			try {
				out.truncate64(0);
				int read;
				while ((read = in.read(chunk, 0, chunk.length)) > 0) {
					out.write(chunk, 0, read);
					copied += read;
				}
			}
			finally {
				out.close();
			}
		}
		finally {
			in.close();
		}
		return copied;
	}

}

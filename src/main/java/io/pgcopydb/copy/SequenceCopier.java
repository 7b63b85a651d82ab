package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.config.Side;

/**
 * Gives each target sequence the value its source sequence has. setval is idempotent, so
 * a retry may simply run again. Sequence reads are not transactional: the value read is
 * the current one, never older than the run's snapshot, as with pg_dump.
 */
public final class SequenceCopier {

	/**
	 * @param source a connection inside the run's snapshot
	 * @param target an autocommit connection
	 * @return the number of sequences set
	 * @throws CopyException naming the side that failed
	 */
	public int copy(Connection source, Connection target, List<SourceSequence> sequences) throws CopyException {
		int count = 0;
		try (PreparedStatement setval = target.prepareStatement("SELECT pg_catalog.setval(?::regclass, ?, ?)")) {
			for (SourceSequence sequence : sequences) {
				setval.setString(1, sequence.qualifiedName());
				readInto(source, sequence, setval);
				setval.execute();
				count++;
			}
		}
		catch (SQLException ex) {
			throw new CopyException(Side.TARGET, ex);
		}
		return count;
	}

	private static void readInto(Connection source, SourceSequence sequence, PreparedStatement setval)
			throws CopyException, SQLException {
		long lastValue;
		boolean called;
		try (Statement read = source.createStatement();
				ResultSet rs = read.executeQuery("SELECT last_value, is_called FROM " + sequence.qualifiedName())) {
			rs.next();
			lastValue = rs.getLong(1);
			called = rs.getBoolean(2);
		}
		catch (SQLException ex) {
			throw new CopyException(Side.SOURCE, ex);
		}
		setval.setLong(2, lastValue);
		setval.setBoolean(3, called);
	}

}

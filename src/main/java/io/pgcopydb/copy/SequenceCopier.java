package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.pgcopydb.catalog.SourceSequence;

/**
 * Gives each target sequence the value its source sequence had in the run's snapshot.
 * setval is idempotent, so a retry may simply run again.
 */
public final class SequenceCopier {

	/**
	 * @param source a connection inside the run's snapshot
	 * @param target an autocommit connection
	 * @return the number of sequences set
	 */
	public int copy(Connection source, Connection target, List<SourceSequence> sequences) throws SQLException {
		int count = 0;
		try (PreparedStatement setval = target.prepareStatement("SELECT pg_catalog.setval(?::regclass, ?, ?)")) {
			for (SourceSequence sequence : sequences) {
				try (Statement read = source.createStatement();
						ResultSet rs = read
							.executeQuery("SELECT last_value, is_called FROM " + sequence.qualifiedName())) {
					rs.next();
					setval.setString(1, sequence.qualifiedName());
					setval.setLong(2, rs.getLong(1));
					setval.setBoolean(3, rs.getBoolean(2));
					setval.execute();
					count++;
				}
			}
		}
		return count;
	}

}

package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.config.Side;

/**
 * Gives each target sequence the value its source sequence has. A sequence owned by a
 * column (serial, identity) is resolved on the target through that column
 * ({@code pg_get_serial_sequence}): a table recreated after restore pre-data, say as a
 * partitioned table, owns a sequence of its own, which is the one to set. A sequence the
 * target has under neither name is left out and reported. setval is idempotent, so a
 * retry may simply run again. Sequence reads are not transactional: the value read is the
 * current one, never older than the run's snapshot, as with pg_dump.
 */
public final class SequenceCopier {

	/**
	 * @param source a connection inside the run's snapshot
	 * @param target an autocommit connection
	 * @return the sequences set, and those the target has no counterpart for
	 * @throws CopyException naming the side that failed
	 */
	public Result copy(Connection source, Connection target, List<SourceSequence> sequences) throws CopyException {
		int count = 0;
		List<String> missing = new ArrayList<>();
		try (PreparedStatement setval = target.prepareStatement("SELECT pg_catalog.setval(?::regclass, ?, ?)")) {
			TargetCatalog catalog = new TargetCatalog(target);
			for (SourceSequence sequence : sequences) {
				Optional<String> onTarget = sequence.owned()
						? catalog.sequenceFor(sequence.ownerTable(), sequence.ownerColumn(), sequence.qualifiedName())
						: Optional.of(sequence.qualifiedName());
				if (onTarget.isEmpty()) {
					missing.add(sequence.qualifiedName());
					continue;
				}
				setval.setString(1, onTarget.get());
				readInto(source, sequence, setval);
				setval.execute();
				count++;
			}
		}
		catch (SQLException ex) {
			throw new CopyException(Side.TARGET, ex);
		}
		return new Result(count, missing);
	}

	/**
	 * @param set the number of sequences set
	 * @param missing owned sequences the target has neither under their name nor on their
	 * column, quoted and qualified
	 */
	public record Result(int set, List<String> missing) {
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

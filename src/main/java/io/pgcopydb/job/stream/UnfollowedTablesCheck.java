package io.pgcopydb.job.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.cdc.receive.UnfollowedTables;

/**
 * One look at the source for the tables a pgoutput follow does not stream
 * ({@link UnfollowedTables}), on a normal connection; what it finds is recorded in the
 * repository for {@code job show}. Gives the warning naming them, or null: none, a text
 * plugin, no setup yet, or the source could not be read (the next check tries again).
 */
final class UnfollowedTablesCheck implements Supplier<String> {

	private static final Logger logger = LoggerFactory.getLogger(UnfollowedTablesCheck.class);

	private final FollowRequest request;

	private final FollowState state;

	private final StreamRecords records;

	UnfollowedTablesCheck(FollowRequest request, FollowState state, StreamRecords records) {
		this.request = request;
		this.state = state;
		this.records = records;
	}

	@Override
	public String get() {
		StreamRecord recorded = this.state.recorded();
		if (recorded == null || recorded.publication() == null) {
			return null;
		}
		try (Connection source = this.request.source().connect("follow check")) {
			List<String> tables = UnfollowedTables.find(source, recorded, this.request.filters());
			this.records.saveUnfollowed(tables, Instant.now());
			return tables.isEmpty() ? null : UnfollowedTables.warning(tables, recorded.publication());
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("checking the source for tables not followed failed: {}", ex.getMessage());
			return null;
		}
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.pg.SqlStates;

/**
 * A run from a Citus source: the layout the catalog step reads in the run's snapshot (the
 * tables the filters keep) is recorded with the plan ({@link ClonePlan#saveCitus}), for
 * the distribution step, the copy (which reads a Citus table through a query, see
 * {@link ClonePlan.CitusPlan#readsThroughQuery}) and the split planning. The shards' own
 * relations never enter the plan, and a Citus table's size is its shards' (the
 * coordinator's shell is empty), so that the longest copies start first.
 */
final class CitusRun {

	private static final Logger logger = LoggerFactory.getLogger(CitusRun.class);

	private CitusRun() {
	}

	/**
	 * The tables of {@code listed} that are shards of a Citus table: a session sees them
	 * when citus.override_table_visibility is off.
	 */
	static Set<Long> shardTables(CitusLayout citus, List<SourceTable> listed, Connection source) throws SQLException {
		if (!citus.distributes()) {
			return Set.of();
		}
		Set<List<String>> shards = CitusLayout.shardRelations(source);
		Set<Long> oids = new HashSet<>();
		for (SourceTable table : listed) {
			if (shards.contains(List.of(table.schema(), table.name()))) {
				oids.add(table.oid());
			}
		}
		if (!oids.isEmpty()) {
			logger.info("Leaving out {} relations that are shards of Citus tables (their rows are copied through"
					+ " their tables)", oids.size());
		}
		return oids;
	}

	/**
	 * The tables, each Citus table with the size of its shards, read in a savepoint of
	 * the caller's transaction: a size that cannot be read (a worker node down) leaves
	 * the coordinator's, with a warning, and the run goes on.
	 */
	static List<SourceTable> sized(CitusLayout citus, List<SourceTable> tables, Connection source) {
		if (!citus.distributes()) {
			return tables;
		}
		Map<Long, Long> sizes;
		try {
			Savepoint before = source.setSavepoint();
			try {
				sizes = CitusLayout.sizes(source);
				source.releaseSavepoint(before);
			}
			catch (SQLException ex) {
				source.rollback(before);
				logger.warn("Could not read the sizes of the Citus tables over their shards ({}): the copy order"
						+ " follows their size on the coordinator", SqlStates.firstLine(ex.getMessage()));
				return tables;
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not read the sizes of the Citus tables: {}", SqlStates.firstLine(ex.getMessage()));
			return tables;
		}
		return tables.stream().map((table) -> {
			Long bytes = sizes.get(table.oid());
			if (bytes == null || bytes <= table.bytes()) {
				return table;
			}
			return new SourceTable(table.oid(), table.schema(), table.name(), table.columnList(), table.columnTypes(),
					table.builtinTypes(), bytes, table.partitionAncestors(), table.partitionBound(),
					table.indexNames());
		}).toList();
	}

}

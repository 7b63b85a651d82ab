package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.database.CitusLayout.CitusTable;
import io.pgcopydb.database.CitusLayout.Kind;
import io.pgcopydb.database.DistributionScript;
import io.pgcopydb.error.BadStateException;

/**
 * Checks a Citus source against the target before the run is recorded (or before its
 * first restore or copy), so that a distribution is never lost silently: a target without
 * Citus, or whose Citus cluster has no node for the shards, is refused (exit 3) with the
 * tables named and the remedies, unless --skip-citus-distribution asks for plain tables.
 * A source with shards on worker nodes gets a warning: the run's snapshot is the
 * coordinator's, and a worker's shards are read outside it, so the copy is consistent
 * only while writes are stopped.
 */
final class CitusPreflight {

	private static final Logger logger = LoggerFactory.getLogger(CitusPreflight.class);

	/** How many tables a message names before "and N more". */
	private static final int LISTED = 10;

	private CitusPreflight() {
	}

	/**
	 * @param kept whether the run keeps a table, by schema and name, as far as names tell
	 */
	static void check(CloneRequest request, Connection source, Connection target, TableNames kept) throws SQLException {
		CitusLayout layout = CitusLayout.read(source);
		List<CitusTable> tables = layout.scripted()
			.stream()
			.filter((table) -> kept.keeps(table.schemaName(), table.name()))
			.toList();
		if (tables.isEmpty()) {
			return;
		}
		List<CitusLayout.CitusNode> workers = layout.workersWithShards();
		if (!workers.isEmpty()) {
			logger.warn("The source is a Citus cluster with shards on {} worker node(s) ({}): the run's snapshot is"
					+ " the coordinator's and does not cover the reads of their shards, so the copy is consistent"
					+ " only while writes to the source are stopped", workers.size(),
					String.join(", ", workers.stream().map(CitusLayout.CitusNode::address).toList()));
		}
		checkColumnar(source, target);
		if (!request.objects().citusDistribution()) {
			logger.warn("--skip-citus-distribution: the source's {} Citus tables will be plain tables on the target",
					tables.size());
			return;
		}
		String names = names(tables);
		List<String> unsupported = DistributionScript.unsupported(layout);
		if (!unsupported.isEmpty()) {
			throw new BadStateException("the source distributes " + names(unsupported)
					+ " with the deprecated append or range method, which pgcopydb does not make again: distribute"
					+ " them by hash on the source first, or pass --skip-citus-distribution to copy every Citus"
					+ " table into a plain table");
		}
		CitusLayout there = CitusLayout.read(target);
		if (!there.present()) {
			throw new BadStateException("the source distributes " + tables.size() + " tables with Citus (" + names
					+ ") but the target database " + request.target().connectionString().database()
					+ " has no citus extension: install Citus on the target"
					+ " (shared_preload_libraries = 'citus', CREATE EXTENSION citus, its nodes added), or pass"
					+ " --skip-citus-distribution to copy them into plain tables");
		}
		boolean placed = tables.stream().anyMatch((table) -> table.kind() != Kind.CITUS_LOCAL);
		if (placed && !there.placesShards()) {
			throw new BadStateException("the target's Citus cluster has no node to place the shards of " + names
					+ ": add worker nodes (SELECT citus_add_node(...)), or let the coordinator hold shards"
					+ " (SELECT citus_set_coordinator_host(...); SELECT citus_set_node_property(..., 'shouldhaveshards',"
					+ " true)), or pass --skip-citus-distribution");
		}
		boolean local = tables.stream().anyMatch((table) -> table.kind() == Kind.CITUS_LOCAL && !table.autoconverted());
		if (local && !there.hasCoordinator()) {
			throw new BadStateException("the source has Citus-local tables, which need the target's coordinator in"
					+ " its metadata: SELECT citus_set_coordinator_host('<host>', <port>) on the target, or pass"
					+ " --skip-citus-distribution");
		}
		logger.info("The source distributes {} tables with Citus {} ({}): the target (Citus {}) gets the same"
				+ " distribution before the data", tables.size(), layout.version(), names, there.version());
	}

	/** Columnar tables need the citus_columnar extension on the target. */
	private static void checkColumnar(Connection source, Connection target) throws SQLException {
		long columnar;
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c"
						+ " JOIN pg_catalog.pg_am a ON a.oid = c.relam WHERE a.amname = 'columnar'")) {
			rs.next();
			columnar = rs.getLong(1);
		}
		if (columnar == 0) {
			return;
		}
		try (Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT FROM pg_catalog.pg_available_extensions"
						+ " WHERE name = 'citus_columnar')")) {
			rs.next();
			if (!rs.getBoolean(1)) {
				throw new BadStateException("the source has " + columnar + " columnar table(s), which need the"
						+ " citus_columnar extension on the target: install Citus there (its citus_columnar"
						+ " extension), or leave those tables out with --filters");
			}
		}
	}

	private static String names(List<?> tables) {
		List<String> shown = tables.stream()
			.limit(LISTED)
			.map((table) -> (table instanceof CitusTable citus) ? citus.displayName() : table.toString())
			.toList();
		return String.join(", ", shown)
				+ ((tables.size() > LISTED) ? " and " + (tables.size() - LISTED) + " more" : "");
	}

	/** Whether the run keeps a table, by its name. */
	@FunctionalInterface
	interface TableNames {

		boolean keeps(String schema, String name);

	}

}

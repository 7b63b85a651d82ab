package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.database.CitusLayout.CitusTable;
import io.pgcopydb.database.CitusLayout.Kind;
import io.pgcopydb.database.DistributionScript;
import io.pgcopydb.database.Extensions;
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

	private static final int CITUS_12 = 12;

	private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+)");

	/** How many tables a message names before "and N more". */
	private static final int LISTED = 10;

	private CitusPreflight() {
	}

	/**
	 * @param kept whether the run keeps a table, by schema and name, as far as names tell
	 */
	static void check(CloneRequest request, Connection source, Connection target, TableNames kept) throws SQLException {
		checkColumnar(source, target, kept);
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
		if (!request.objects().citusDistribution()) {
			logger.warn("--skip-citus-distribution: the source's {} Citus tables will be plain tables on the target",
					tables.size());
			return;
		}
		String names = names(tables);
		List<String> unsupported = DistributionScript.unsupported(tables);
		if (!unsupported.isEmpty()) {
			throw new BadStateException("the source distributes " + names(unsupported)
					+ " with the deprecated append or range method, which pgcopydb does not make again: distribute"
					+ " them by hash on the source first, leave them out with --filters, or pass"
					+ " --skip-citus-distribution to copy every Citus table into a plain table");
		}
		CitusLayout there = CitusLayout.read(target);
		String database = request.target().connectionString().database();
		if (!there.present()) {
			if (!citusLoaded(target) || !request.extensionKept("citus")) {
				throw new BadStateException("the source distributes " + tables.size() + " tables with Citus (" + names
						+ ") but the target database " + database + " has no citus extension: install"
						+ " Citus on the target (shared_preload_libraries = 'citus', CREATE EXTENSION citus, its nodes"
						+ " added), or pass --skip-citus-distribution to copy them into plain tables");
			}
			logger.info("The target server has Citus loaded: the pre-data restore creates the citus extension in {},"
					+ " whose coordinator then holds the shards (add worker nodes before the run to spread them)",
					database);
		}
		else {
			checkNodes(there, tables, names);
		}
		List<String> needTwelve = tables.stream()
			.filter((table) -> table.kind() == Kind.SINGLE_SHARD || table.kind() == Kind.SCHEMA)
			.map(CitusTable::displayName)
			.toList();
		if (there.present() && major(there.version()) < CITUS_12 && !needTwelve.isEmpty()) {
			throw new BadStateException("the target runs Citus " + there.version() + ", older than 12.0, which has no"
					+ " single-shard tables nor schema-based sharding, as the source's " + names(needTwelve)
					+ " are: upgrade Citus on the target, or pass --skip-citus-distribution");
		}
		logger.info("The source distributes {} tables with Citus {} ({}): the target gets the same distribution"
				+ " before the data", tables.size(), layout.version(), names);
	}

	/**
	 * The target's Citus cluster must place shards; its coordinator must be in the
	 * metadata for Citus-local tables. A cluster with no node at all is a fresh single
	 * node: Citus adds the coordinator itself, with shards, on the first distribution.
	 */
	private static void checkNodes(CitusLayout there, List<CitusTable> tables, String names) {
		boolean placed = tables.stream().anyMatch((table) -> table.kind() != Kind.CITUS_LOCAL);
		if (placed && !there.placesShards()) {
			throw new BadStateException("the target's Citus cluster has no node to place the shards of " + names
					+ ": add worker nodes (SELECT citus_add_node(...)), or let the coordinator hold shards"
					+ " (SELECT citus_set_node_property(<coordinator>, 'shouldhaveshards', true)), or pass"
					+ " --skip-citus-distribution");
		}
		boolean local = tables.stream().anyMatch((table) -> table.kind() == Kind.CITUS_LOCAL && !table.autoconverted());
		if (local && !there.hasCoordinator()) {
			throw new BadStateException("the source has Citus-local tables, which need the target's coordinator in"
					+ " its metadata: SELECT citus_set_coordinator_host('<host>', <port>) on the target, or pass"
					+ " --skip-citus-distribution");
		}
	}

	/**
	 * Whether the server runs with Citus loaded (its settings exist, not placeholders).
	 */
	private static boolean citusLoaded(Connection target) throws SQLException {
		try (Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT EXISTS (SELECT FROM pg_catalog.pg_settings WHERE name = 'citus.shard_count')")) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

	/** The major version of a Citus extension version ("12.1-1"), 0 when unknown. */
	static int major(String version) {
		if (version == null) {
			return 0;
		}
		Matcher matcher = LEADING_NUMBER.matcher(version);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	/** Columnar tables the run keeps need the citus_columnar extension on the target. */
	private static void checkColumnar(Connection source, Connection target, TableNames kept) throws SQLException {
		List<String> columnar = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
						+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
						+ " JOIN pg_catalog.pg_am a ON a.oid = c.relam WHERE a.amname = 'columnar'")) {
			while (rs.next()) {
				if (kept.keeps(rs.getString(1), rs.getString(2))) {
					columnar.add(rs.getString(1) + "." + rs.getString(2));
				}
			}
		}
		if (columnar.isEmpty()) {
			return;
		}
		if (!Extensions.available(target, "citus_columnar")) {
			throw new BadStateException("the source has " + columnar.size() + " columnar table(s) (" + names(columnar)
					+ "), which need the citus_columnar extension on the target: install"
					+ " Citus there, or leave those tables out with --filters");
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

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.catalog.SourceInventory;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.compare.DataCompare;
import io.pgcopydb.compare.SchemaCompare;
import io.pgcopydb.compare.TableDiff;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.pg.Identifiers;

/**
 * {@code pgcopydb compare}: prove a migration before the cut-over. Exit 0 when equal, 10
 * when anything differs (the report names it), the error codes otherwise.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
		description = "Compare the source and target databases: exit 0 when equal, 10 when they differ.")
final class CompareCommand {

	@Command(name = "schema", mixinStandardHelpOptions = true, sortOptions = false,
			description = "Compare every object a clone copies (schemas, tables, columns, indexes, constraints,"
					+ " sequences with their values, views, functions, triggers, rules, policies, types, collations,"
					+ " extensions, comments, owners and privileges, database settings): each difference named by"
					+ " object and property. Exit 0 when equal, 10 when anything differs.")
	int schema(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = "--target", paramLabel = "<uri>",
					description = "Target database connection string (default: $PGCOPYDB_TARGET_PGURI).") String target,
			@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
					description = "Compare only the objects a run with this filter file copies.") Path filters,
			@Option(names = "--no-owner",
					description = "Do not compare owners (as a run with --no-owner).") boolean noOwner,
			@Option(names = "--no-acl",
					description = "Do not compare privileges (as a run with --no-acl).") boolean noAcl,
			@Option(names = "--no-comments",
					description = "Do not compare comments (as a run with --no-comments).") boolean noComments,
			@Option(names = "--skip-extensions",
					description = "Do not compare extensions (as a run with --skip-extensions).") boolean skipExtensions,
			@Option(names = "--skip-ext-comments",
					description = "Do not compare extensions' comments.") boolean skipExtComments,
			@Option(names = "--skip-collations",
					description = "Do not compare collations (as a run with --skip-collations).") boolean skipCollations,
			@Option(names = "--skip-db-properties",
					description = "Do not compare the database's settings, comment and privileges.") boolean skipDbProperties,
			@Option(names = "--skip-citus-distribution",
					description = "Do not compare the citus and citus_columnar extensions (as a run with"
							+ " --skip-citus-distribution, into plain tables).") boolean skipCitusDistribution,
			@Option(names = "--json", description = "Print JSON on stdout instead of text.") boolean json) {
		Filters loaded = (filters != null) ? Filters.load(filters) : Filters.NONE;
		PgEndpoint sourceEndpoint = Endpoints.of(Side.SOURCE, source);
		PgEndpoint targetEndpoint = Endpoints.of(Side.TARGET, target);
		SchemaCompare.Options options = new SchemaCompare.Options(noOwner, noAcl, noComments, skipExtensions,
				skipExtComments, skipCollations, skipDbProperties, skipCitusDistribution);
		Map<String, SchemaCompare.SchemaObject> sourceObjects;
		Map<String, SchemaCompare.SchemaObject> targetObjects;
		FilterPlan plan;
		try (Connection connection = sourceEndpoint.connect("compare schema");
				SourceInventory inventory = SourceInventory.open(connection)) {
			plan = inventory.plan(loaded, targetEndpoint.serverVersion().major() >= 18);
			sourceObjects = SchemaCompare.read(connection, options);
		}
		catch (SQLException ex) {
			throw sourceEndpoint.failure("reading the schema to compare", ex);
		}
		try (Connection connection = targetEndpoint.connect("compare schema")) {
			targetObjects = SchemaCompare.read(connection, options);
		}
		catch (SQLException ex) {
			throw targetEndpoint.failure("reading the schema to compare", ex);
		}
		SchemaCompare.Report report = SchemaCompare.compare(sourceObjects, targetObjects, plan);
		if (json) {
			Json.print(SchemaReport.json(report));
		}
		else {
			SchemaReport.print(report);
		}
		return report.equal() ? ExitCode.SUCCESS.code() : ExitCode.DIFFERENT.code();
	}

	@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
			description = "Compare every table's rows, each side read in one snapshot: row counts, and the rows that"
					+ " differ by key (missing on the target, extra there, changed). Exit 0 when every table is equal,"
					+ " 10 when one differs.")
	int data(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = "--target", paramLabel = "<uri>",
					description = "Target database connection string (default: $PGCOPYDB_TARGET_PGURI).") String target,
			@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
					description = "Compare only the tables a run with this filter file copies.") Path filters,
			@Option(names = "--table-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_TABLE_JOBS:-4}",
					description = "Tables compared at once (default 4; $PGCOPYDB_TABLE_JOBS).") int tableJobs,
			@Option(names = "--max-rows", paramLabel = "<n>", defaultValue = "10",
					description = "Differing rows listed per table at most (default 10); the count is exact.") int maxRows,
			@Option(names = "--follow",
					description = "The follow of --dir keeps the target in sync: read the target once it has applied"
							+ " the source's snapshot position, and check what differs again (--rechecks), so that"
							+ " replication lag is not reported; rows still changing are reported as such.") boolean follow,
			@Option(names = "--rechecks", paramLabel = "<n>", defaultValue = "3",
					description = "With --follow: checks again of what differs, at most (default 3).") int rechecks,
			@Option(names = "--follow-timeout", paramLabel = "<seconds>", defaultValue = "60",
					description = "With --follow: how long to wait for the follow to apply a source position"
							+ " (default 60).") int followTimeout,
			@Mixin WorkDirOptions workDir,
			@Option(names = "--json", description = "Print JSON on stdout instead of text.") boolean json) {
		if (tableJobs < 1 || maxRows < 0) {
			throw new BadArgumentsException("--table-jobs must be 1 or more and --max-rows 0 or more");
		}
		if (follow && (rechecks < 1 || followTimeout < 1)) {
			throw new BadArgumentsException("--rechecks and --follow-timeout must be 1 or more");
		}
		Filters loaded = (filters != null) ? Filters.load(filters) : Filters.NONE;
		PgEndpoint sourceEndpoint = Endpoints.of(Side.SOURCE, source);
		PgEndpoint targetEndpoint = Endpoints.of(Side.TARGET, target);
		List<DataCompare.Table> tables = tables(sourceEndpoint, targetEndpoint, loaded);
		DataCompare.Follow inStep = null;
		if (follow) {
			String follower = "the follow of " + workDir.workDirectory().root();
			// the sentinel is read once first: no follow in --dir fails here, before any
			// snapshot
			StreamSentinelCommand.withSentinel(workDir, SentinelStore::get);
			inStep = new DataCompare.Follow(
					() -> StreamSentinelCommand.withSentinel(workDir, (store) -> store.get().replayLsn()), follower,
					rechecks, Duration.ofSeconds(followTimeout));
		}
		DataCompare.Report report = DataCompare.run(sourceEndpoint, targetEndpoint, tables,
				new DataCompare.Options(tableJobs, maxRows, inStep));
		if (json) {
			Json.print(json(report));
		}
		else {
			print(report);
		}
		return report.equal() ? ExitCode.SUCCESS.code() : ExitCode.DIFFERENT.code();
	}

	/**
	 * The tables whose rows a run with these filters copies. A partition the target does
	 * not have, where the target has its partition root as a table (partitions merged
	 * into one), is compared through the root: the root's partitions on the source with
	 * the root on the target.
	 */
	private static List<DataCompare.Table> tables(PgEndpoint source, PgEndpoint target, Filters filters) {
		Map<String, DataCompare.Table> tables = new LinkedHashMap<>();
		Map<String, String> roots = new LinkedHashMap<>();
		try (Connection connection = source.connect("compare data");
				SourceInventory inventory = SourceInventory.open(connection)) {
			FilterPlan plan = inventory.plan(filters, source.serverVersion().major() >= 18);
			for (SourceInventory.Table table : inventory.tables()) {
				ObjectId id = new ObjectId(ObjectId.PG_CLASS, table.oid());
				if (plan.skips(id) || plan.skipsData(id) || plan.dataSkipped().containsKey(id)) {
					continue;
				}
				String qualified = Identifiers.qualified(table.schema(), table.name());
				tables.put(qualified, new DataCompare.Table(qualified,
						Identifiers.displayQualified(table.schema(), table.name()), table.bytes()));
				if (table.partitionParent() != null) {
					roots.put(qualified, partitionRoot(connection, table.oid()));
				}
			}
		}
		catch (SQLException ex) {
			throw source.failure("listing the tables to compare", ex);
		}
		if (roots.isEmpty()) {
			return new ArrayList<>(tables.values());
		}
		try (Connection connection = target.connect("compare data")) {
			for (Map.Entry<String, String> partition : roots.entrySet()) {
				String root = partition.getValue();
				if (!exists(connection, partition.getKey()) && exists(connection, root)) {
					DataCompare.Table leaf = tables.remove(partition.getKey());
					DataCompare.Table merged = tables.get(root);
					tables.put(root,
							new DataCompare.Table(root, root, leaf.bytes() + ((merged != null) ? merged.bytes() : 0)));
				}
			}
		}
		catch (SQLException ex) {
			throw target.failure("looking up the partitioned tables to compare", ex);
		}
		return new ArrayList<>(tables.values());
	}

	/**
	 * The partition's root, qualified and quoted (the inventory's search_path is empty).
	 */
	private static String partitionRoot(Connection source, long oid) throws SQLException {
		try (PreparedStatement query = source
			.prepareStatement("SELECT pg_catalog.pg_partition_root(?::pg_catalog.oid)::pg_catalog.regclass::text")) {
			query.setLong(1, oid);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				return rs.getString(1);
			}
		}
	}

	private static boolean exists(Connection connection, String qualified) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
			query.setString(1, qualified);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	private static void print(DataCompare.Report report) {
		TextTable table = new TextTable("Table", "Result", "Source rows>", "Target rows>", "Differing rows>");
		for (TableDiff diff : report.tables()) {
			table.row(diff.table(), diff.status().label(), count(diff.sourceRows()), count(diff.targetRows()),
					count(diff.differing()));
		}
		table.print();
		long differing = report.tables().stream().filter((diff) -> !diff.equal()).count();
		for (TableDiff diff : report.tables()) {
			if (diff.equal()) {
				continue;
			}
			System.out.println();
			System.out.println(diff.table() + ": " + diff.status().label()
					+ ((diff.differing() >= 0) ? ", " + diff.differing() + " row(s)" : "")
					+ ((diff.note() != null) ? " (" + diff.note() + ")" : ""));
			for (TableDiff.RowDiff row : diff.rows()) {
				System.out.println("  " + row.key() + "  " + row.kind().label() + ((row.copies() != 0)
						? " (" + Math.abs(row.copies()) + " cop" + ((Math.abs(row.copies()) == 1) ? "y" : "ies") + ")"
						: ""));
			}
			if (diff.differing() > diff.rows().size() && !diff.rows().isEmpty()) {
				System.out.println("  ... and " + (diff.differing() - diff.rows().size()) + " more (--max-rows)");
			}
		}
		long caughtUp = report.tables().stream().mapToLong(TableDiff::caughtUp).sum();
		if (caughtUp > 0) {
			System.out.println();
			System.out.println("Replication lag: " + caughtUp
					+ " row(s) differed at a check and were equal at the next (not differences).");
		}
		System.out.println();
		System.out.println((differing == 0) ? "Every table is equal (" + report.tables().size() + " compared)."
				: differing + " of " + report.tables().size() + " table(s) differ.");
	}

	private static String count(long value) {
		return (value >= 0) ? Long.toString(value) : "";
	}

	private static Map<String, Object> json(DataCompare.Report report) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("equal", report.equal());
		List<Map<String, Object>> tables = new ArrayList<>();
		for (TableDiff diff : report.tables()) {
			Map<String, Object> table = new LinkedHashMap<>();
			table.put("table", diff.table());
			table.put("result", diff.status().label());
			table.put("source_rows", (diff.sourceRows() >= 0) ? diff.sourceRows() : null);
			table.put("target_rows", (diff.targetRows() >= 0) ? diff.targetRows() : null);
			table.put("differing_rows", (diff.differing() >= 0) ? diff.differing() : null);
			List<Map<String, Object>> rows = new ArrayList<>();
			for (TableDiff.RowDiff row : diff.rows()) {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("key", row.key());
				entry.put("difference", row.kind().label());
				if (row.copies() != 0) {
					entry.put("copies", row.copies());
				}
				rows.add(entry);
			}
			table.put("rows", rows);
			table.put("note", diff.note());
			if (diff.caughtUp() > 0) {
				table.put("caught_up_rows", diff.caughtUp());
			}
			tables.add(table);
		}
		root.put("tables", tables);
		return root;
	}

}

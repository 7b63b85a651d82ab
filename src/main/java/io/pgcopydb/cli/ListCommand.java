package io.pgcopydb.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceInventory;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.database.DistributionScript;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.copy.TableSlicer;
import io.pgcopydb.database.Collations;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.filter.Verdict;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.Runs;
import io.pgcopydb.job.clone.CloneProgress;
import io.pgcopydb.job.stream.FollowStatus;
import io.pgcopydb.job.stream.FollowSteps;
import io.pgcopydb.pg.ByteSize;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.progress.Durations;

/**
 * {@code pgcopydb list progress [--summary] [--json]}: where the last clone and the
 * follow of a --dir stand, read from its repository; works while they run, from another
 * process.
 * {@code list databases, extensions, collations, tables, table-parts, sequences, indexes,
 * depends, schema} read the source only, and show what a run with the same
 * {@code --filters} would copy: text for a person (aligned, sizes as pg_size_pretty, a
 * count line), or JSON whose field names jobs/README.md documents.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
		description = "List what a --dir records, or what the source holds.")
final class ListCommand {

	@Command(name = "progress", mixinStandardHelpOptions = true,
			description = "Progress of the last clone (tables, rows, indexes, steps) and of the follow of --dir"
					+ " (received, applied and endpos LSNs, lag); works while they run.")
	int progress(
			@Option(names = "--summary",
					description = "Also show every step with its status and duration.") boolean summary,
			@Mixin RepositoryOptions options) {
		Progress progress = options.read(ProgressQueries.class, (queries) -> queries.read(options.workDirectory()));
		if (progress.cloned() == null && progress.follow() == null) {
			throw new BadStateException(
					"no clone and no follow is recorded in --dir " + options.workDirectory().root());
		}
		if (options.json) {
			Map<String, Object> json = (progress.cloned() != null) ? json(progress.cloned(), summary)
					: new LinkedHashMap<>(Json.run(progress.followRun()));
			if (progress.follow() != null) {
				json.put("follow", followJson(progress, summary));
			}
			Json.print(json);
		}
		else {
			if (progress.cloned() != null) {
				print(progress.cloned(), summary);
			}
			if (progress.follow() != null) {
				printFollow(progress, summary);
			}
		}
		return ExitCode.SUCCESS.code();
	}

	/** What list progress shows: the last clone and the follow, either may be null. */
	record Progress(CloneProgress.Progress cloned, Runs.Run followRun, FollowStatus.Status follow,
			List<Runs.StepRun> followSteps) {
	}

	/** The clone's and the follow's queries over one repository context. */
	static final class ProgressQueries {

		private final CloneProgress clone;

		private final FollowStatus follow;

		ProgressQueries(JdbcTemplate repository, Runs runs) {
			this.clone = new CloneProgress(repository, runs);
			this.follow = new FollowStatus(repository, runs);
		}

		Progress read(WorkDirectory dir) {
			Runs.Run followRun = this.follow.runs().last(FollowSteps.JOB);
			FollowStatus.Status status = this.follow.read(dir, followRun);
			return new Progress(this.clone.last(), followRun, status,
					(followRun != null) ? this.follow.runs().runSteps(followRun.instanceId()) : List.of());
		}

	}

	private static Map<String, Object> followJson(Progress progress, boolean summary) {
		FollowStatus.Status follow = progress.follow();
		Sentinel sentinel = follow.sentinel();
		Map<String, Object> json = new LinkedHashMap<>();
		if (progress.followRun() != null) {
			json.put("executionId", progress.followRun().executionId());
			json.put("status", progress.followRun().status());
		}
		json.put("command", follow.command());
		json.put("ended", follow.ended());
		json.put("received_lsn", sentinel.flushLsn().asString());
		json.put("applied_lsn", sentinel.replayLsn().asString());
		json.put("endpos", sentinel.endpos().asString());
		json.put("apply", sentinel.apply());
		json.put("lag_bytes", sentinel.lagBytes());
		Duration lag = sentinel.lagTime(Instant.now());
		json.put("lag_seconds", (lag != null) ? lag.toMillis() / 1000.0 : null);
		json.put("change_files_bytes", follow.changeFileBytes());
		if (summary) {
			json.put("steps", progress.followSteps().stream().map(Json::step).toList());
		}
		return json;
	}

	private static void printFollow(Progress progress, boolean summary) {
		FollowStatus.Status follow = progress.follow();
		Sentinel sentinel = follow.sentinel();
		Runs.Run run = progress.followRun();
		System.out.printf("Follow%s: %s%n",
				(run != null) ? " job execution " + run.executionId()
						+ ((follow.command() != null) ? " (" + follow.command() + ")" : "") : "",
				(follow.ended() != null) ? follow.ended() : "set up, not run yet");
		Duration lag = sentinel.lagTime(Instant.now());
		System.out.printf("Changes: received %s, applied %s, endpos %s%s; lag %s, %s; change files %s%n",
				sentinel.flushLsn(), sentinel.replayLsn(), sentinel.endpos().isValid() ? sentinel.endpos() : "none",
				sentinel.apply() ? "" : " (apply off)", ByteSize.pretty(sentinel.lagBytes()),
				(lag != null) ? Durations.format(lag) : "unknown", ByteSize.pretty(follow.changeFileBytes()));
		if (summary) {
			Json.printSteps(progress.followSteps());
		}
	}

	@Command(name = "extensions", mixinStandardHelpOptions = true,
			description = "The source database's extensions: version, schema, configuration tables. With"
					+ " --requirements, a JSON file for pgcopydb copy extensions --requirements.")
	int extensions(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database ($PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
					description = "Mark the extensions this filter file leaves out.") java.nio.file.Path filters,
			@Option(names = "--skip-extensions",
					description = "Mark every extension left out, as a run with --skip-extensions.") boolean skipExtensions,
			@Option(names = "--requirements",
					description = "Print name and version of each extension the filters keep as JSON, to edit and"
							+ " pass to copy extensions --requirements.") boolean requirements,
			@Option(names = "--json", description = "Print JSON.") boolean json) {
		Filters loaded = (filters != null) ? Filters.load(filters) : Filters.NONE;
		Filters filter = skipExtensions ? loaded.skippingExtensions() : loaded;
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, source);
		Extensions extensions;
		try (Connection connection = endpoint.connect("list extensions")) {
			extensions = Extensions.read(connection);
		}
		catch (SQLException ex) {
			throw endpoint.failure("listing the extensions", ex);
		}
		if (requirements) {
			Json.print(extensions.extensions()
				.stream()
				.filter((extension) -> filter.extensionLeftOut(extension.name()).isEmpty())
				.map((extension) -> Map.of("name", extension.name(), "version", extension.version()))
				.toList());
		}
		else if (json) {
			Json.print(extensions.extensions().stream().map((extension) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("name", extension.name());
				row.put("version", extension.version());
				row.put("schema", extension.schema());
				row.put("configTables", configTables(extensions, extension));
				String leftOut = filter.isEmpty() && !skipExtensions ? null
						: filter.extensionLeftOut(extension.name()).map(Verdict::describe).orElse(null);
				row.put("kept", leftOut == null);
				row.put("leftOutBy", leftOut);
				return row;
			}).toList());
		}
		else {
			TextTable table = new TextTable("Name", "Version", "Schema", "Configuration tables", "Filter");
			int kept = 0;
			for (Extensions.Extension extension : extensions.extensions()) {
				String leftOut = filter.isEmpty() && !skipExtensions ? null
						: filter.extensionLeftOut(extension.name()).map(Verdict::describe).orElse(null);
				kept += (leftOut == null) ? 1 : 0;
				table.row(extension.name(), extension.version(), extension.schema(),
						String.join(", ", configTables(extensions, extension)),
						(leftOut == null) ? "kept" : "left out: " + leftOut);
			}
			table.print();
			System.out.printf("%d extensions, %d kept%n", table.size(), kept);
		}
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "collations", mixinStandardHelpOptions = true,
			description = "The collations created in the source database (--skip-collations leaves them out of a"
					+ " clone): provider, locale, recorded and current version, and whether the filters keep their"
					+ " schema.")
	int collations(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database ($PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
					description = "Mark the collations in schemas this filter file leaves out.") java.nio.file.Path filters,
			@Option(names = "--skip-extensions",
					description = "As a run with --skip-extensions (checked against the filter file; an extension's"
							+ " collations are not listed, so it marks none).") boolean skipExtensions,
			@Option(names = "--json", description = "Print JSON.") boolean json) {
		Filters loaded = (filters != null) ? Filters.load(filters) : Filters.NONE;
		Filters filter = skipExtensions ? loaded.skippingExtensions() : loaded;
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, source);
		List<Collations.Collation> collations;
		try (Connection connection = endpoint.connect("list collations")) {
			collations = Collations.read(connection);
		}
		catch (SQLException ex) {
			throw endpoint.failure("listing the collations", ex);
		}
		if (json) {
			Json.print(collations.stream().map((collation) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("schema", collation.schema());
				row.put("name", collation.name());
				row.put("provider", collation.provider());
				row.put("collate", collation.collate());
				row.put("ctype", collation.ctype());
				row.put("version", collation.version());
				row.put("actualVersion", collation.actualVersion());
				String leftOut = leftOut(filter, collation);
				row.put("kept", leftOut == null);
				row.put("leftOutBy", leftOut);
				return row;
			}).toList());
		}
		else {
			TextTable table = new TextTable("Name", "Provider", "Locale", "Version", "Current", "Filter");
			int kept = 0;
			for (Collations.Collation collation : collations) {
				String leftOut = leftOut(filter, collation);
				kept += (leftOut == null) ? 1 : 0;
				table.row(collation.schema() + "." + collation.name(), collation.provider(),
						Objects.toString(collation.collate(), ""), Objects.toString(collation.version(), ""),
						Objects.toString(collation.actualVersion(), ""),
						(leftOut == null) ? "kept" : "left out: " + leftOut);
			}
			table.print();
			System.out.printf("%d collations, %d kept%n", table.size(), kept);
		}
		return ExitCode.SUCCESS.code();
	}

	/** Why the filters leave out a collation (its schema's verdict), or null. */
	private static String leftOut(Filters filter, Collations.Collation collation) {
		return filter.schemaLeftOut(collation.schema()).map(Verdict::describe).orElse(null);
	}

	@Command(name = "databases", mixinStandardHelpOptions = true,
			description = "The source server's databases: owner, encoding, size.")
	int databases(@Mixin SourceListOptions options) {
		List<SourceInventory.Database> databases = options.read("databases",
				(source) -> source.inventory().databases());
		if (options.json) {
			Json.print(databases.stream().map(SourceListing::database).toList());
			return ExitCode.SUCCESS.code();
		}
		TextTable table = new TextTable("Name", "Owner", "Encoding", "Size>");
		long bytes = 0;
		for (SourceInventory.Database database : databases) {
			table.row(database.name(), database.owner(), database.encoding(),
					(database.bytes() != null) ? ByteSize.pretty(database.bytes()) : "");
			bytes += (database.bytes() != null) ? database.bytes() : 0;
		}
		table.print();
		System.out.printf("%d databases, %s%n", databases.size(), ByteSize.pretty(bytes));
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "tables", mixinStandardHelpOptions = true,
			description = "The tables a run copies (ordinary tables and leaf partitions): estimated rows, size, whether"
					+ " their rows are copied. With --list-skipped, every object the filters leave out, and why.")
	int tables(@Option(names = "--list-skipped",
			description = "List what the filters leave out (tables, views, foreign keys, sequences, triggers...) with"
					+ " the reason: the filter entry, or the dependency.") boolean listSkipped,
			@Mixin SourceListOptions options) {
		if (listSkipped) {
			List<Map<String, Object>> skipped = options.read("skipped objects", (source) -> source.filters().isEmpty()
					? List.of() : SourceListing.skipped(source.inventory().graph(), source.plan()));
			if (options.json) {
				Json.print(skipped);
				return ExitCode.SUCCESS.code();
			}
			TextTable table = new TextTable("Kind", "Name", "Reason");
			long byEntry = skipped.stream().filter((skip) -> skip.get("cause") == null).count();
			skipped.forEach((skip) -> table.row(skip.get("kind"), skip.get("displayName"), skip.get("reason")));
			table.print();
			System.out.printf("%d objects left out: %d by the filters, %d by a dependency%n", skipped.size(), byEntry,
					skipped.size() - byEntry);
			return ExitCode.SUCCESS.code();
		}
		List<Map<String, Object>> tables = options.read("tables",
				(source) -> SourceListing.tables(source.inventory(), source.plan()));
		if (options.json) {
			Json.print(tables);
			return ExitCode.SUCCESS.code();
		}
		TextTable table = new TextTable("Schema", "Name", "Estimated rows>", "Size>", "Copy", "Parts>");
		long bytes = 0;
		int schemaOnly = 0;
		for (Map<String, Object> row : tables) {
			boolean copyRows = (Boolean) row.get("copyRows");
			table.row(row.get("schema"), row.get("name"), row.get("estimatedRows"), row.get("size"),
					copyRows ? "rows" : "schema only", row.get("parts"));
			bytes += copyRows ? (Long) row.get("bytes") : 0;
			schemaOnly += copyRows ? 0 : 1;
		}
		table.print();
		System.out.printf("%d tables, %d schema only; %s of rows to copy%n", tables.size(), schemaOnly,
				ByteSize.pretty(bytes));
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "table-parts", mixinStandardHelpOptions = true,
			description = "The slices a run with these options copies one source table in (same-table"
					+ " concurrency): key or page ranges, read now from the source.")
	int tableParts(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database ($PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = "--schema-name", paramLabel = "<name>", defaultValue = "public",
					description = "The table's schema (default: ${DEFAULT-VALUE}).") String schemaName,
			@Option(names = "--table-name", paramLabel = "<name>", required = true,
					description = "The table's name.") String tableName,
			@Option(names = { "--split-tables-larger-than", "--split-at" }, paramLabel = "<size>",
					defaultValue = "${env:PGCOPYDB_SPLIT_TABLES_LARGER_THAN:-0}",
					description = "As clone's option (default 0: never; $PGCOPYDB_SPLIT_TABLES_LARGER_THAN).") String threshold,
			@Option(names = "--split-max-parts", paramLabel = "<n>",
					defaultValue = "${env:PGCOPYDB_SPLIT_MAX_PARTS:-0}",
					description = "As clone's option (default: --table-jobs).") int maxParts,
			@Option(names = "--table-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_TABLE_JOBS:-4}",
					description = "As clone's option (default: ${DEFAULT-VALUE}).") int tableJobs,
			@Option(names = "--skip-split-by-ctid",
					description = "As clone's option ($PGCOPYDB_SKIP_CTID_SPLIT).") boolean skipCtid,
			@Option(names = "--json", description = "Print JSON on stdout instead of text.") boolean json) {
		TableSlicer.Options options = CloneOptions.split(threshold, maxParts, tableJobs,
				skipCtid || CloneOptions.envFlag("PGCOPYDB_SKIP_CTID_SPLIT")
						|| CloneOptions.envFlag("PGCOPYDB_SKIP_SPLIT_BY_CTID"));
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, source);
		SourceTable table;
		List<TableSlice> slices;
		try (Connection connection = endpoint.connect("list table-parts")) {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			table = new CatalogReader(connection).tables()
				.stream()
				.filter((candidate) -> candidate.schema().equals(schemaName) && candidate.name().equals(tableName))
				.findFirst()
				.orElseThrow(() -> new BadStateException(
						"the source has no table " + Identifiers.displayQualified(schemaName, tableName)
								+ " whose rows a run copies: check --schema-name and --table-name"));
			slices = TableSlicer.plan(connection, List.of(table), options, endpoint.serverVersion().major());
			connection.rollback();
		}
		catch (SQLException ex) {
			throw endpoint.failure("listing the parts of " + Identifiers.displayQualified(schemaName, tableName), ex);
		}
		if (json) {
			List<Map<String, Object>> parts = new ArrayList<>();
			for (TableSlice slice : slices) {
				Map<String, Object> part = new LinkedHashMap<>();
				part.put("part", slice.number());
				part.put("parts", slice.count());
				part.put("kind", slice.kind().name().toLowerCase(java.util.Locale.ROOT));
				part.put("key", slice.keyColumn());
				part.put("from", slice.lower());
				part.put("before", slice.upper());
				part.put("nullKeys", slice.nullKeys());
				part.put("predicate", slice.predicate());
				parts.add(part);
			}
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("schema", table.schema());
			result.put("name", table.name());
			result.put("bytes", table.bytes());
			result.put("parts", parts);
			Json.print(result);
			return ExitCode.SUCCESS.code();
		}
		if (slices.isEmpty()) {
			System.out.printf("%s (%s) is copied whole: %s%n", table.displayName(), ByteSize.pretty(table.bytes()),
					!options.enabled() ? "no --split-tables-larger-than"
							: (table.bytes() <= options.thresholdBytes()) ? "not larger than the threshold"
									: "no integer key, and no page ranges (--skip-split-by-ctid, or a source before"
											+ " PostgreSQL 14)");
			return ExitCode.SUCCESS.code();
		}
		TextTable text = new TextTable("Part>", "Rows", "Condition");
		for (TableSlice slice : slices) {
			text.row(slice.label(), slice.describe(), slice.predicate());
		}
		text.print();
		System.out.printf("%s (%s) in %d parts%n", table.displayName(), ByteSize.pretty(table.bytes()), slices.size());
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "sequences", mixinStandardHelpOptions = true,
			description = "The sequences a run sets on the target: last value, owning column.")
	int sequences(@Mixin SourceListOptions options) {
		List<Map<String, Object>> sequences = options.read("sequences",
				(source) -> SourceListing.sequences(source.inventory(), source.plan()));
		if (options.json) {
			Json.print(sequences);
			return ExitCode.SUCCESS.code();
		}
		TextTable table = new TextTable("Schema", "Name", "Last value>", "Owned by");
		long unowned = 0;
		for (Map<String, Object> row : sequences) {
			boolean isUnowned = (Boolean) row.get("unowned");
			unowned += isUnowned ? 1 : 0;
			table.row(row.get("schema"), row.get("name"), row.get("lastValue"),
					isUnowned ? "unowned (owner " + row.get("ownerLeftOut") + " left out)" : row.get("ownedBy"));
		}
		table.print();
		System.out.printf("%d sequences, %d kept without OWNED BY%n", sequences.size(), unowned);
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "distribution", mixinStandardHelpOptions = true,
			description = "The SQL script that gives a Citus target the source's Citus distribution (reference,"
					+ " distributed, single-shard and Citus-local tables, distributed schemas; colocation groups and"
					+ " shard counts), for the tables a run with these --filters copies. Run it on the target"
					+ " between restore pre-data and copy data, edited if you like (another shard count): clone does"
					+ " the same by itself. With --json, the source's layout and the statements.")
	int distribution(@Mixin SourceListOptions options) {
		CitusListing listing = options.read("Citus distribution", (source) -> {
			CitusLayout layout = CitusLayout.read(source.inventory().connection());
			String database;
			try (java.sql.Statement statement = source.inventory().connection().createStatement();
					java.sql.ResultSet rs = statement.executeQuery("SELECT pg_catalog.current_database()")) {
				rs.next();
				database = rs.getString(1);
			}
			FilterPlan plan = source.plan();
			return new CitusListing(database, layout.keeping((oid) -> !plan.skips(new ObjectId(ObjectId.PG_CLASS, oid)),
					(schema) -> source.filters().isEmpty() || source.filters().schemaLeftOut(schema).isEmpty()));
		});
		CitusLayout layout = listing.layout();
		DistributionScript script = DistributionScript.of(layout);
		if (options.json) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("database", listing.database());
			json.put("citusVersion", layout.version());
			json.put("tables", layout.tables().stream().map((table) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("schema", table.schemaName());
				row.put("name", table.name());
				row.put("kind", table.kind().label());
				row.put("distributionColumn", table.column());
				row.put("colocationId", table.colocationId());
				row.put("shardCount", table.shardCount());
				row.put("partitionOfCitusTable", table.partition());
				row.put("autoconverted", table.autoconverted());
				return row;
			}).toList());
			json.put("schemas", layout.schemas());
			json.put("workersWithShards",
					layout.workersWithShards().stream().map(CitusLayout.CitusNode::address).toList());
			json.put("statements", script.statements().stream().map((step) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("object", step.object());
				row.put("kind", step.kind().label());
				row.put("detail", step.detail());
				row.put("sql", step.sql() + ";");
				return row;
			}).toList());
			json.put("notes", script.notes());
			Json.print(json);
			return ExitCode.SUCCESS.code();
		}
		if (!layout.present()) {
			System.out.println("-- database " + listing.database()
					+ " has no citus extension: there is no distribution to make again");
			return ExitCode.SUCCESS.code();
		}
		String header = "Citus distribution of database " + listing.database() + " (citus " + layout.version() + "): "
				+ script.statements().size() + " statements for " + layout.tables().size() + " tables"
				+ "\nMade by pgcopydb list distribution. Run it on the target Citus database between"
				+ "\n`pgcopydb restore pre-data` and `pgcopydb copy data`. Each statement does nothing for a table"
				+ "\nthe target already has in Citus's metadata, so the script can run again.";
		if (!layout.workersWithShards().isEmpty()) {
			header += "\nThe source has shards on " + layout.workersWithShards().size() + " worker node(s): a copy is"
					+ " consistent only while writes are stopped.";
		}
		System.out.print(script.render(header));
		return ExitCode.SUCCESS.code();
	}

	/** The Citus layout a list reads, and the name of its database. */
	private record CitusListing(String database, CitusLayout layout) {
	}

	@Command(name = "indexes", mixinStandardHelpOptions = true,
			description = "The indexes a run builds: table, constraint, size, definition.")
	int indexes(@Mixin SourceListOptions options) {
		List<Map<String, Object>> indexes = options.read("indexes",
				(source) -> SourceListing.indexes(source.inventory(), source.plan()));
		if (options.json) {
			Json.print(indexes);
			return ExitCode.SUCCESS.code();
		}
		TextTable table = new TextTable("Schema", "Table", "Name", "Constraint", "Size>", "Definition");
		long bytes = 0;
		for (Map<String, Object> row : indexes) {
			table.row(row.get("schema"), row.get("table"), row.get("name"),
					Objects.toString(row.get("constraint"), "none"), row.get("size"), row.get("definition"));
			bytes += (Long) row.get("bytes");
		}
		table.print();
		System.out.printf("%d indexes, %s%n", indexes.size(), ByteSize.pretty(bytes));
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "depends", mixinStandardHelpOptions = true,
			description = "The objects that depend on a table (transitively), as a filter excluding it would leave"
					+ " them out; without a table, what the filters leave out through a dependency.")
	int depends(
			@Option(names = "--schema-name", paramLabel = "<schema>",
					description = "The table's schema.") String schemaName,
			@Option(names = "--table-name", paramLabel = "<table>", description = "The table.") String tableName,
			@Mixin SourceListOptions options) {
		if ((schemaName == null) != (tableName == null)) {
			throw new BadArgumentsException("list depends: pass both --schema-name and --table-name, or neither");
		}
		List<Map<String, Object>> dependents = options.read("dependencies",
				(source) -> DependsListing.dependents(source, schemaName, tableName));
		if (options.json) {
			Json.print(dependents);
			return ExitCode.SUCCESS.code();
		}
		TextTable table = new TextTable("Kind", "Name", "Depends through");
		dependents.forEach((row) -> table.row(row.get("kind"), row.get("displayName"), row.get("chain")));
		table.print();
		System.out.printf("%d dependent objects%n", dependents.size());
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "schema", mixinStandardHelpOptions = true,
			description = "Per schema: owner, counts of tables, views, indexes, sequences, functions, and size, kept or"
					+ " left out by the filters.")
	int schema(@Mixin SourceListOptions options) {
		Map<String, Object> listing = options.read("schemas", (source) -> {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("schemas", SchemaListing.schemas(source.inventory().schemaContents(), source.plan()));
			json.put("tables", SourceListing.tables(source.inventory(), source.plan()));
			json.put("indexes", SourceListing.indexes(source.inventory(), source.plan()));
			json.put("sequences", SourceListing.sequences(source.inventory(), source.plan()));
			json.put("skipped", source.filters().isEmpty() ? List.of()
					: SourceListing.skipped(source.inventory().graph(), source.plan()));
			return json;
		});
		if (options.json) {
			Json.print(listing);
		}
		else {
			@SuppressWarnings("unchecked")
			List<Map<String, Object>> schemas = (List<Map<String, Object>>) listing.get("schemas");
			SchemaListing.print(schemas);
		}
		return ExitCode.SUCCESS.code();
	}

	private static List<String> configTables(Extensions extensions, Extensions.Extension extension) {
		return extensions.configTables()
			.stream()
			.filter((table) -> table.extension().equals(extension.name()))
			.map((table) -> table.schema() + "." + table.name())
			.toList();
	}

	private static Map<String, Object> json(CloneProgress.Progress progress, boolean summary) {
		Map<String, Object> json = new LinkedHashMap<>(Json.run(progress.run()));
		json.put("elapsedSeconds", progress.elapsed().toSeconds());
		Map<String, Object> tables = new LinkedHashMap<>(Map.of("total", progress.tablesTotal(), "done",
				progress.tablesDone(), "inProgress", progress.tablesInProgress(), "toDo", progress.tablesToDo()));
		if (!progress.hostsInProgress().isEmpty()) {
			// a distributed run: the worker host of each table in progress
			tables.put("inProgressOn", progress.hostsInProgress());
		}
		json.put("tables", tables);
		json.put("rows", progress.rows());
		json.put("indexes", Map.of("total", progress.indexesTotal(), "done", progress.indexesDone()));
		if (summary) {
			json.put("steps", progress.steps().stream().map(Json::step).toList());
		}
		return json;
	}

	private static void print(CloneProgress.Progress progress, boolean summary) {
		Runs.Run run = progress.run();
		System.out.printf("Clone job execution %d: %s, elapsed %s%n", run.executionId(),
				RunOutcome.PAUSED.equals(run.exitCode()) ? "PAUSED (stages left for the next command)" : run.status(),
				Durations.format(progress.elapsed()));
		System.out.printf("Tables:  %d of %d copied, %d in progress%s, %d to do; %d rows copied%n",
				progress.tablesDone(), progress.tablesTotal(), progress.tablesInProgress().size(),
				progress.tablesInProgress().isEmpty() ? ""
						: " (" + progress.tablesInProgress()
							.stream()
							.map(progress::describeInProgress)
							.collect(java.util.stream.Collectors.joining(", ")) + ")",
				progress.tablesToDo(), progress.rows());
		System.out.printf("Indexes: %d of %d built%n", progress.indexesDone(), progress.indexesTotal());
		if (!run.consistent()) {
			System.out.printf("Not consistent: %s%n", run.notConsistent());
		}
		if (summary) {
			Json.printSteps(progress.steps());
		}
	}

}

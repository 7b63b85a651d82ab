package io.pgcopydb.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.database.Collations;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.Runs;
import io.pgcopydb.job.clone.CloneProgress;
import io.pgcopydb.progress.Durations;

/**
 * {@code pgcopydb list progress [--summary] [--json]}: where the last clone of a --dir
 * stands, read from its repository; works while the clone runs, from another process.
 * {@code list extensions} and {@code list collations} read the source only.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
		description = "List what a --dir records, or what the source holds.")
final class ListCommand {

	@Command(name = "progress", mixinStandardHelpOptions = true,
			description = "Progress of the last clone: tables, rows, indexes, steps; works while it runs.")
	int progress(
			@Option(names = "--summary",
					description = "Also show every step with its status and duration.") boolean summary,
			@Mixin RepositoryOptions options) {
		CloneProgress.Progress progress = options.read(CloneProgress.class, CloneProgress::last);
		if (progress == null) {
			throw new BadStateException("no clone is recorded in --dir " + options.workDirectory().root());
		}
		if (options.json) {
			Json.print(json(progress, summary));
		}
		else {
			print(progress, summary);
		}
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "extensions", mixinStandardHelpOptions = true,
			description = "The source database's extensions: version, schema, configuration tables. With"
					+ " --requirements, a JSON file for pgcopydb copy extensions --requirements.")
	int extensions(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database ($PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = "--requirements",
					description = "Print name and version of each extension as JSON, to edit and pass to copy"
							+ " extensions --requirements.") boolean requirements,
			@Option(names = "--json", description = "Print JSON.") boolean json) {
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
				.map((extension) -> Map.of("name", extension.name(), "version", extension.version()))
				.toList());
		}
		else if (json) {
			Json.print(extensions.extensions()
				.stream()
				.map((extension) -> Map.of("name", extension.name(), "version", extension.version(), "schema",
						extension.schema(), "configTables",
						extensions.configTables()
							.stream()
							.filter((table) -> table.extension().equals(extension.name()))
							.map((table) -> table.schema() + "." + table.name())
							.toList()))
				.toList());
		}
		else {
			System.out.printf("%-24s %-12s %-20s %s%n", "Name", "Version", "Schema", "Configuration tables");
			for (Extensions.Extension extension : extensions.extensions()) {
				System.out.printf("%-24s %-12s %-20s %s%n", extension.name(), extension.version(), extension.schema(),
						extensions.configTables()
							.stream()
							.filter((table) -> table.extension().equals(extension.name()))
							.map((table) -> table.schema() + "." + table.name())
							.reduce((a, b) -> a + ", " + b)
							.orElse(""));
			}
		}
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "collations", mixinStandardHelpOptions = true,
			description = "The collations created in the source database (--skip-collations leaves them out of a"
					+ " clone): provider, locale, recorded and current version.")
	int collations(
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source database ($PGCOPYDB_SOURCE_PGURI).") String source,
			@Option(names = "--json", description = "Print JSON.") boolean json) {
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, source);
		List<Collations.Collation> collations;
		try (Connection connection = endpoint.connect("list collations")) {
			collations = Collations.read(connection);
		}
		catch (SQLException ex) {
			throw endpoint.failure("listing the collations", ex);
		}
		if (json) {
			Json.print(collations);
		}
		else {
			System.out.printf("%-32s %-8s %-20s %-12s %s%n", "Name", "Provider", "Locale", "Version", "Current");
			for (Collations.Collation collation : collations) {
				System.out.printf("%-32s %-8s %-20s %-12s %s%n", collation.schema() + "." + collation.name(),
						collation.provider(), Objects.toString(collation.collate(), ""),
						Objects.toString(collation.version(), ""), Objects.toString(collation.actualVersion(), ""));
			}
		}
		return ExitCode.SUCCESS.code();
	}

	private static Map<String, Object> json(CloneProgress.Progress progress, boolean summary) {
		Map<String, Object> json = new LinkedHashMap<>(Json.run(progress.run()));
		json.put("elapsedSeconds", progress.elapsed().toSeconds());
		json.put("tables", Map.of("total", progress.tablesTotal(), "done", progress.tablesDone(), "inProgress",
				progress.tablesInProgress(), "toDo", progress.tablesToDo()));
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
						: " (" + String.join(", ", progress.tablesInProgress()) + ")",
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

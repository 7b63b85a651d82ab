package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.Verdict;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.clone.RunFilters;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.schema.ArchiveFilter;
import io.pgcopydb.schema.ArchiveToc;
import io.pgcopydb.schema.PgToolLocator;
import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.schema.PreDataFilter;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.schema.TocEntry;

/**
 * {@code pgcopydb restore parse-list}: an archive's entries in pg_restore's list format,
 * those the run's filters leave out commented out with the reason, so that a DBA checks
 * before a migration window what the schema restores will create. The filters are the
 * run's when --dir records one (their plan was made in the run's snapshot; other
 * --filters are refused), else --filters planned over the source as it is now. Reads
 * only: the repository, the archives, the source's catalog.
 */
@Command(name = "parse-list", sortOptions = false, mixinStandardHelpOptions = true,
		description = "List the entries of the schema archives in --dir (or of <archive>) in pg_restore's list"
				+ " format, those the filters leave out commented out with the reason; --json for a script.")
final class ParseListCommand implements java.util.concurrent.Callable<Integer> {

	private static final Logger logger = LoggerFactory.getLogger(ParseListCommand.class);

	@Mixin
	WorkDirOptions workDir;

	@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
			description = "The filter file; with a run recorded in --dir, it must be the run's.")
	Path filters;

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database, to plan --filters when --dir records no run ($PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = "--section", paramLabel = "pre-data|post-data",
			description = "Only this archive of --dir (default: both).")
	String section;

	@Option(names = "--json", description = "Print JSON on stdout instead of the listing.")
	boolean json;

	@Option(names = "--pg-bin", paramLabel = "<dir>", description = "Directory of pg_restore ($PGCOPYDB_PG_BIN).")
	Path pgBin;

	@Parameters(arity = "0..1", paramLabel = "<archive>", description = "An archive to list instead of those of --dir.")
	Path archive;

	@Override
	public Integer call() {
		LogSetup.init(this.workDir.debug);
		WorkDirectory dir = this.workDir.workDirectory();
		List<Path> archives = archives(dir);
		Filters given = (this.filters != null) ? Filters.load(this.filters) : null;
		Plan plan = plan(dir, given);
		SchemaArchives tools = new SchemaArchives(new PgToolLocator(this.pgBin, System.getenv()).locate(0),
				new PgToolRunner(dir.processRecords()));
		Map<Path, ArchiveToc> listings = new LinkedHashMap<>();
		List<String> schemas = new ArrayList<>();
		for (Path path : List.of(dir.preDataArchive(), dir.postDataArchive())) {
			if (this.archive == null && Files.isRegularFile(path)) {
				ArchiveToc toc = tools.list(path, dir.pgRestoreLog(), schemas);
				toc.entries()
					.stream()
					.filter((entry) -> "SCHEMA".equals(entry.desc()))
					.forEach((entry) -> schemas.add(entry.name()));
				listings.put(path, toc);
			}
		}
		if (this.archive != null) {
			listings.put(this.archive, tools.list(this.archive, dir.pgRestoreLog()));
		}
		ArchiveFilter filtered = ArchiveFilter.of(plan.plan(), new ArrayList<>(listings.values()));
		List<Map<String, Object>> rows = new ArrayList<>();
		StringBuilder text = new StringBuilder();
		for (Path path : archives) {
			ArchiveToc toc = listings.get(path);
			java.util.function.Function<TocEntry, Optional<String>> reason = (entry) -> filtered.reason(entry)
				.or(() -> extensionReason(plan.filters(), entry));
			for (TocEntry entry : toc.entries()) {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("archive", path.getFileName().toString());
				row.put("dumpId", entry.dumpId());
				row.put("desc", entry.desc());
				row.put("schema", entry.schema());
				row.put("name", entry.name());
				row.put("owner", entry.owner());
				Optional<String> why = reason.apply(entry);
				row.put("restored", why.isEmpty());
				row.put("reason", why.orElse(null));
				rows.add(row);
			}
			if (archives.size() > 1) {
				text.append("; Archive: ").append(path).append('\n');
			}
			text.append(toc.annotated(reason)).append('\n');
		}
		if (this.json) {
			Json.print(rows);
		}
		else {
			System.out.print(text);
		}
		return ExitCode.SUCCESS.code();
	}

	private static Optional<String> extensionReason(Filters filters, TocEntry entry) {
		String extension = PreDataFilter.extensionOf(entry);
		if (extension == null || filters.isEmpty()) {
			return Optional.empty();
		}
		return filters.extensionLeftOut(extension).map(Verdict::describe);
	}

	/** The archives listed, in order: <archive>, or those of --dir --section picks. */
	private List<Path> archives(WorkDirectory dir) {
		if (this.archive != null) {
			if (this.section != null) {
				throw new BadArgumentsException(
						"--section picks an archive of --dir, <archive> names one: pass either");
			}
			if (!Files.isRegularFile(this.archive)) {
				throw new BadArgumentsException("archive " + this.archive + " not found: pass a pg_dump custom-format"
						+ " archive, or leave it out to list those of --dir");
			}
			return List.of(this.archive);
		}
		List<Path> paths = new ArrayList<>();
		if (this.section == null || "pre-data".equals(this.section)) {
			paths.add(dir.preDataArchive());
		}
		if (this.section == null || "post-data".equals(this.section)) {
			paths.add(dir.postDataArchive());
		}
		if (paths.isEmpty()) {
			throw new BadArgumentsException(
					"--section " + this.section + " is not a section of the schema dump: pass pre-data or post-data");
		}
		for (Path path : paths) {
			if (!Files.isRegularFile(path)) {
				throw new BadStateException("no schema dump in --dir " + dir.root() + " (" + path.getFileName()
						+ " is missing): run pgcopydb dump schema with this --dir first, or name an archive");
			}
		}
		return paths;
	}

	/** The plan and the filters it came from. */
	private record Plan(FilterPlan plan, Filters filters) {
	}

	/**
	 * The run's plan when --dir records a run (refusing other --filters), else --filters
	 * planned over the source now, else nothing left out.
	 */
	private Plan plan(WorkDirectory dir, Filters given) {
		RunFilters.Recorded recorded = dir.hasRecordedRuns()
				? RunRepository.read(dir, RunFilters.class, RunFilters::last) : null;
		if (recorded != null && recorded.digest() != null) {
			if (given != null && !RunFilters.digest(given).equals(recorded.digest())) {
				List<String> differences = recorded.digest().isEmpty() ? List.of("the run has no --filters")
						: given.differencesFrom(recorded.normalized());
				throw new BadStateException(
						"--filters " + this.filters + " differ from the filters of the run in --dir " + dir.root()
								+ " (" + (differences.isEmpty() ? "other entries" : String.join(", ", differences))
								+ "): leave --filters out to see the run's, or pass another --dir");
			}
			Filters filters = (given != null) ? given : recorded.normalized().isEmpty() ? Filters.NONE
					: Filters.ofNormalized(recorded.normalized(), dir.root().resolve("(the run's filters)"));
			logger.info("Marking what the filters of the run in --dir {} leave out", dir.root());
			return new Plan(recorded.plan(), filters);
		}
		if (given == null || given.isEmpty()) {
			return new Plan(FilterPlan.NONE, Filters.NONE);
		}
		if ((this.source == null || this.source.isBlank())
				&& System.getenv(Side.SOURCE.environmentVariable()) == null) {
			throw new BadArgumentsException(
					"--dir " + dir.root() + " records no run whose filters to show, so --filters"
							+ " are planned over the source: pass --source <connection string> or set "
							+ Side.SOURCE.environmentVariable());
		}
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, this.source);
		try (Connection connection = endpoint.connect("restore parse-list")) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
			}
			SourceGraph graph = SourceGraph.read(connection);
			connection.rollback();
			// the target is not known: the source's version is the best guess of it
			FilterPlan plan = FilterPlanner.plan(given, graph.objects(), graph.dependencies(),
					endpoint.serverVersion().major() >= 18);
			plan.warnings().forEach(logger::warn);
			return new Plan(plan, given);
		}
		catch (SQLException ex) {
			throw endpoint.failure("reading the source's objects and dependencies", ex);
		}
	}

}

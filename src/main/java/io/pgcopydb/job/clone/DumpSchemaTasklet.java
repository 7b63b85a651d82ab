package io.pgcopydb.job.clone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.database.DatabaseProperties;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.schema.RestoreRecord;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * pg_dump of the pre-data and post-data sections, in the run's snapshot, into --dir, with
 * the database's properties (settings, comment, privileges), which pg_dump leaves out.
 */
class DumpSchemaTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(DumpSchemaTasklet.class);

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	private final SchemaArchives archives;

	private final ClonePlan plan;

	DumpSchemaTasklet(CloneRequest request, RunSnapshot snapshot, SchemaArchives archives, ClonePlan plan) {
		this.request = request;
		this.snapshot = snapshot;
		this.archives = archives;
		this.plan = plan;
	}

	/**
	 * The schemas the filters leave out by name (pg_dump need not read them), and the
	 * tables they leave out elsewhere that the source role cannot lock (pg_dump locks
	 * every table it dumps, which takes SELECT and the schema's USAGE). Other left-out
	 * objects stay in the archive, where {@code restore parse-list} shows them, and the
	 * restores leave them out.
	 * @param unlockable OIDs of left-out tables the source role cannot lock
	 */
	static SchemaArchives.DumpExclusions exclusions(FilterPlan filterPlan, Set<Long> unlockable) {
		List<String> schemas = new ArrayList<>();
		for (FilterPlan.Skip skip : filterPlan.skipped().values()) {
			if (GraphObject.SCHEMA.equals(skip.object().kind()) && skip.verdict() != null) {
				schemas.add(skip.object().name());
			}
		}
		List<String[]> tables = new ArrayList<>();
		for (FilterPlan.Skip skip : filterPlan.skipped().values()) {
			GraphObject object = skip.object();
			if (object.holdsRows() && !schemas.contains(object.schema())
					&& unlockable.contains(object.id().objectOid())) {
				tables.add(new String[] { object.schema(), object.name() });
			}
		}
		return new SchemaArchives.DumpExclusions(schemas, tables);
	}

	private Set<Long> unlockable(FilterPlan filterPlan) {
		List<Long> leftOut = filterPlan.skipped()
			.values()
			.stream()
			.filter((skip) -> skip.object().holdsRows())
			.map((skip) -> skip.object().id().objectOid())
			.toList();
		if (leftOut.isEmpty()) {
			return Set.of();
		}
		try (Connection source = this.request.source().connect("dump exclusions")) {
			return new CatalogReader(source).unlockableTables(leftOut);
		}
		catch (SQLException ex) {
			throw this.request.source().failure("checking which left-out tables pg_dump can lock", ex);
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		WorkDirectory dir = this.request.workDirectory();
		String id = this.snapshot.id();
		boolean largeObjects = !this.request.skipLargeObjects();
		// new archives, new dumpIds: what an earlier dump's entries created is no record
		RestoreRecord.clear(dir);
		long instance = Executions.instanceId(chunkContext);
		FilterPlan filterPlan = this.plan.filterPlan(instance);
		SchemaArchives.DumpExclusions exclusions = exclusions(filterPlan, unlockable(filterPlan));
		long[] lockSlots;
		try (Connection source = this.request.source().connect("database properties")) {
			dir.write(dir.databaseProperties(), DatabaseProperties.read(source).toJson());
			lockSlots = lockSlots(source);
		}
		catch (SQLException ex) {
			throw this.request.source().failure("reading the database properties", ex);
		}
		// each pg_dump locks every table it dumps, as the run's own session locks those
		// it copies: two at once lock them twice, which must leave room for the others
		boolean together = 3L * lockSlots[1] <= lockSlots[0] / 2;
		if (!together) {
			logger.debug("Dumping the two sections one after the other: the source has {} lock slots for {} tables",
					lockSlots[0], lockSlots[1]);
			dump(id, "pre-data", largeObjects, dir.preDataArchive(), dir.pgDumpLog(), exclusions);
			dump(id, "post-data", largeObjects, dir.postDataArchive(), dir.pgDumpLog(), exclusions);
		}
		else {
			// both sections at once, each pg_dump reading the catalog in the same
			// snapshot
			// (on 10,000 tables each takes seconds); the post-data one logs apart, then
			// appended once it succeeded (a failure's message names that file)
			Path postLog = dir.logsDir().resolve("pg_dump-post-data.log");
			ExecutorService executor = Executors
				.newSingleThreadExecutor((task) -> new Thread(task, "pg_dump-post-data"));
			Future<?> postData = executor
				.submit(() -> dump(id, "post-data", largeObjects, dir.postDataArchive(), postLog, exclusions));
			boolean postDataDone = false;
			try {
				dump(id, "pre-data", largeObjects, dir.preDataArchive(), dir.pgDumpLog(), exclusions);
				postData.get();
				postDataDone = true;
			}
			catch (ExecutionException ex) {
				throw (ex.getCause() instanceof RuntimeException failure) ? failure
						: new IllegalStateException(ex.getCause());
			}
			finally {
				// a failed pre-data dump or a stop request ends the other pg_dump too
				postData.cancel(true);
				executor.shutdown();
				awaitQuietly(executor);
				if (postDataDone) {
					appendLog(postLog, dir.pgDumpLog());
				}
			}
		}
		logger.info("Dumped the source schema into {} and {}", dir.preDataArchive(), dir.postDataArchive());
		return RepeatStatus.FINISHED;
	}

	private void dump(String snapshotId, String section, boolean largeObjects, Path archive, Path log,
			SchemaArchives.DumpExclusions exclusions) {
		this.archives.dump(this.request.source(), snapshotId, section, largeObjects, this.snapshot.lockTimeout(),
				archive, log, exclusions);
	}

	/**
	 * The size of the source's shared lock table, in locks, and how many relations a
	 * pg_dump may lock (every table, view, sequence and foreign table outside the system
	 * schemas, whatever the filters leave out: an upper bound).
	 */
	private static long[] lockSlots(Connection source) throws SQLException {
		try (java.sql.Statement statement = source.createStatement();
				java.sql.ResultSet rows = statement
					.executeQuery("SELECT pg_catalog.current_setting('max_locks_per_transaction')::bigint"
							+ " * (pg_catalog.current_setting('max_connections')::bigint"
							+ " + pg_catalog.current_setting('max_prepared_transactions')::bigint),"
							+ " (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
							+ " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
							+ " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
							+ " AND n.nspname !~ '^pg_(toast|temp)')")) {
			rows.next();
			return new long[] { rows.getLong(1), rows.getLong(2) };
		}
	}

	/**
	 * Waits for the post-data pg_dump's thread, which ends its child when interrupted,
	 * this thread's interrupt (a stop request) set aside meanwhile and kept.
	 */
	private static void awaitQuietly(ExecutorService executor) {
		boolean interrupted = Thread.interrupted();
		try {
			if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
				logger.warn("The post-data pg_dump did not end within a minute of being stopped");
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Appends {@code from} to {@code to} and deletes it; a failure is only logged. */
	private static void appendLog(Path from, Path to) {
		try {
			if (Files.exists(from)) {
				Files.write(to, Files.readAllBytes(from), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
				Files.delete(from);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not append {} to {}: {}", from, to, ex.getMessage());
		}
	}

}

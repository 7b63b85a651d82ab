package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		WorkDirectory dir = this.request.workDirectory();
		String id = this.snapshot.id();
		boolean largeObjects = !this.request.skipLargeObjects();
		// new archives, new dumpIds: what an earlier dump's entries created is no record
		RestoreRecord.clear(dir);
		FilterPlan filterPlan = this.plan.filterPlan(Executions.instanceId(chunkContext));
		SchemaArchives.DumpExclusions exclusions = exclusions(filterPlan, unlockable(filterPlan));
		this.archives.dump(this.request.source(), id, "pre-data", largeObjects, this.snapshot.lockTimeout(),
				dir.preDataArchive(), dir.pgDumpLog(), exclusions);
		this.archives.dump(this.request.source(), id, "post-data", largeObjects, this.snapshot.lockTimeout(),
				dir.postDataArchive(), dir.pgDumpLog(), exclusions);
		try (Connection source = this.request.source().connect("database properties")) {
			dir.write(dir.databaseProperties(), DatabaseProperties.read(source).toJson());
		}
		catch (SQLException ex) {
			throw this.request.source().failure("reading the database properties", ex);
		}
		logger.info("Dumped the source schema into {} and {}", dir.preDataArchive(), dir.postDataArchive());
		return RepeatStatus.FINISHED;
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

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
	 * The schemas the filters leave out by name, and the tables (ordinary, partitioned,
	 * foreign) they leave out outside those schemas: pg_dump need not read nor lock them,
	 * and the source role may lack the privilege to. Views and the other objects left out
	 * through a dependency stay in the archive, and the restores leave them out.
	 */
	static SchemaArchives.DumpExclusions exclusions(FilterPlan filterPlan) {
		List<String> schemas = new ArrayList<>();
		for (FilterPlan.Skip skip : filterPlan.skipped().values()) {
			if (GraphObject.SCHEMA.equals(skip.object().kind()) && skip.verdict() != null) {
				schemas.add(skip.object().name());
			}
		}
		List<String[]> tables = new ArrayList<>();
		for (FilterPlan.Skip skip : filterPlan.skipped().values()) {
			GraphObject object = skip.object();
			if (object.holdsRows() && !schemas.contains(object.schema())) {
				tables.add(new String[] { object.schema(), object.name() });
			}
		}
		return new SchemaArchives.DumpExclusions(schemas, tables);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		WorkDirectory dir = this.request.workDirectory();
		String id = this.snapshot.id();
		boolean largeObjects = !this.request.skipLargeObjects();
		// new archives, new dumpIds: what an earlier dump's entries created is no record
		RestoreRecord.clear(dir);
		SchemaArchives.DumpExclusions exclusions = exclusions(
				this.plan.filterPlan(Executions.instanceId(chunkContext)));
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

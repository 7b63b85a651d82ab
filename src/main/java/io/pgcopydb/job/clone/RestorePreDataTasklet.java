package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.schema.PreDataFilter;
import io.pgcopydb.schema.SchemaRestore;

/**
 * Creates the schema on the target from the pre-data archive, the objects the target
 * lacks only: a resumed run that redoes its own partial pre-data restores what is missing
 * and drops nothing. With --drop-if-exists alone, the archive's objects are dropped first
 * (pg_restore --clean --if-exists). A target already holding the source's tables was
 * refused before the run started ({@link TargetPreflight}); an object clashing with the
 * archive's is refused here again, before anything is restored, for the resumed and step
 * commands.
 */
class RestorePreDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RestorePreDataTasklet.class);

	private final CloneRequest request;

	private final ClonePlan plan;

	private final SchemaRestore restore;

	private final RunState state;

	RestorePreDataTasklet(CloneRequest request, ClonePlan plan, SchemaRestore restore, RunState state) {
		this.request = request;
		this.plan = plan;
		this.restore = restore;
		this.state = state;
	}

	private static final String CITUS_COLUMNAR = "citus_columnar";

	/** What the target has of the source's extensions decides what pre-data creates. */
	static PreDataFilter filter(CloneRequest request) {
		CloneRequest.ObjectOptions objects = request.objects();
		try (Connection target = request.target().connect("pre-data extensions")) {
			// plain tables from a Citus source: citus_columnar (made by CREATE EXTENSION
			// citus since Citus 11.1) is left out too where the target cannot create it;
			// columnar tables, which need it, were refused before the run then
			boolean columnarAvailable = objects.citusDistribution() || Extensions.available(target, CITUS_COLUMNAR);
			java.util.function.Predicate<String> kept = (name) -> request.extensionKept(name)
					&& (columnarAvailable || !CITUS_COLUMNAR.equals(name));
			return new PreDataFilter(kept, objects.extensionComments(), objects.collations(),
					Extensions.installedVersions(target).keySet(), Extensions.extensionSchemas(target),
					Extensions.schemaOwners(target), request.noOwner());
		}
		catch (SQLException ex) {
			throw request.target().failure("reading the target's extensions", ex);
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		List<SourceTable> planned = this.plan.tables(instance);
		if (this.state.attempted(CloneSteps.RESTORE_PRE_DATA) && !this.request.dropIfExists()) {
			logger.info("Pre-data was attempted before: restoring only what the target lacks");
		}
		SchemaRestore.Restored restored = this.restore.preData(this.request.target(), this.request.workDirectory(),
				planned, this.request.restoreOptions(false, this.request.dropIfExists()), filter(this.request),
				this.plan.filterPlan(instance));
		logger.info("Restored the pre-data section ({} archive entries, {} already on the target) on the {}",
				restored.restored(), restored.present(), this.request.target());
		return RepeatStatus.FINISHED;
	}

}

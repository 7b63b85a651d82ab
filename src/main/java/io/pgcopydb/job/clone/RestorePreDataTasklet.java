package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.schema.PreDataFilter;
import io.pgcopydb.schema.SchemaRestore;

/**
 * Creates the schema on the target from the pre-data archive; with --drop-if-exists, or
 * when a resumed run redoes its own partial pre-data, the archive's objects are dropped
 * first (pg_restore --clean --if-exists). A target already holding the source's tables
 * was refused before the run started ({@link TargetPreflight}).
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

	/** What the target has of the source's extensions decides what pre-data creates. */
	private PreDataFilter filter() {
		CloneRequest.ObjectOptions objects = this.request.objects();
		try (Connection target = this.request.target().connect("pre-data extensions")) {
			return new PreDataFilter(objects.extensions(), objects.extensionComments(), objects.collations(),
					Extensions.installedVersions(target).keySet(), Extensions.extensionSchemas(target),
					Extensions.schemaOwners(target), this.request.noOwner());
		}
		catch (SQLException ex) {
			throw this.request.target().failure("reading the target's extensions", ex);
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		Set<QualifiedName> planned = new HashSet<>();
		for (SourceTable table : this.plan.tables(Executions.instanceId(chunkContext))) {
			planned.add(new QualifiedName(table.schema(), table.name()));
		}
		boolean clean = this.request.dropIfExists() || this.state.attempted(CloneSteps.RESTORE_PRE_DATA);
		int entries = this.restore.preData(this.request.target(), this.request.workDirectory(), planned,
				this.request.restoreOptions(false, clean), filter());
		logger.info("Restored the pre-data section ({} archive entries) on the {}", entries, this.request.target());
		return RepeatStatus.FINISHED;
	}

}

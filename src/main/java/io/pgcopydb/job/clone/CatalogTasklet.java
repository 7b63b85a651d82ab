package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceForeignKey;
import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.progress.RunSummary;

/**
 * Reads the source catalog once, in the run's snapshot, applies the run's filters and
 * stores the plan. With --filters, the objects and dependencies the filters decide on
 * ({@link SourceGraph}) are read in the same transaction, so what is left out matches the
 * schema dump; the decision ({@link FilterPlan}) is stored with the plan and never made
 * again in the run. Without filters the graph is not read at all.
 */
class CatalogTasklet implements Tasklet {

	static final String LARGE_OBJECTS_KEY = "largeObjects";

	/** PostgreSQL 18 creates a foreign key NOT VALID on a partitioned table. */
	private static final int NOT_VALID_ON_PARTITIONED = 18;

	private static final Logger logger = LoggerFactory.getLogger(CatalogTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	CatalogTasklet(CloneRequest request, Sessions sessions, ClonePlan plan) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		try (Connection source = this.sessions.source("catalog")) {
			CatalogReader reader = new CatalogReader(source);
			CitusLayout citus = CitusLayout.read(source);
			List<SourceTable> listed = reader.tables();
			Set<Long> shards = CitusRun.shardTables(citus, listed, source);
			List<SourceTable> tables = CitusRun.sized(citus,
					listed.stream().filter((table) -> !shards.contains(table.oid())).toList(), source);
			List<SourceIndex> indexes = reader.indexes()
				.stream()
				.filter((index) -> !shards.contains(index.tableOid()))
				.toList();
			List<SourceSequence> sequences = reader.sequences();
			List<SourceForeignKey> foreignKeys = reader.foreignKeys();
			long largeObjects = reader.largeObjectCount();
			Filters filters = this.request.filters();
			SourceGraph graph = filters.isEmpty() ? new SourceGraph(List.of(), List.of()) : SourceGraph.read(source);
			FilterPlan filterPlan = filters.isEmpty() ? FilterPlan.NONE
					: FilterPlanner.plan(filters, graph.objects(), graph.dependencies(), notValidOnPartitioned());
			FilteredCatalog kept = FilteredCatalog.of(filterPlan, tables, indexes, sequences);
			source.rollback();
			this.sessions.lockSourceTables(kept.copied());
			Map<ObjectId, GraphObject> objects = graph.objects()
				.stream()
				.collect(Collectors.toMap(GraphObject::id, Function.identity(), (a, b) -> a));
			this.plan.save(Executions.instanceId(chunkContext), kept.tables(), kept.indexes(), kept.sequences(),
					filterPlan, objects);
			Set<Long> planned = kept.tables().stream().map(SourceTable::oid).collect(Collectors.toSet());
			this.plan.saveForeignKeys(Executions.instanceId(chunkContext),
					foreignKeys.stream().filter((key) -> planned.contains(key.tableOid())).toList());
			Executions.jobContext(chunkContext).putLong(LARGE_OBJECTS_KEY, largeObjects);
			this.plan.saveCitus(Executions.instanceId(chunkContext),
					citus.keeping((oid) -> !filterPlan.skips(new ObjectId(ObjectId.PG_CLASS, oid)),
							(schema) -> filters.isEmpty() || filters.schemaLeftOut(schema).isEmpty()),
					this.request.objects().citusDistribution());
			report(filterPlan, chunkContext);
			long bytes = kept.copied().stream().mapToLong(SourceTable::bytes).sum();
			logger.info("Planned {} tables ({} MB on disk), {} indexes and constraints, {} sequences, {} large objects",
					kept.tables().size(), bytes >> 20, kept.indexes().size(), kept.sequences().size(), largeObjects);
			return RepeatStatus.FINISHED;
		}
		catch (SQLException ex) {
			throw this.sessions.sourceFailure("reading the source catalog", ex);
		}
	}

	/**
	 * The target is known to create NOT VALID foreign keys on partitioned tables; false
	 * when the command does not know the target (dump schema alone).
	 */
	private boolean notValidOnPartitioned() {
		return this.request.targetVersion() != null && this.request.targetVersion().major() >= NOT_VALID_ON_PARTITIONED;
	}

	/** Each warning at WARN, one INFO line, and the line kept for the run summary. */
	private void report(FilterPlan filterPlan, ChunkContext chunkContext) {
		if (this.request.filters().isEmpty()) {
			return;
		}
		filterPlan.warnings().forEach((warning) -> logger.warn("{}", warning));
		String summary = FilteredCatalog.summary(filterPlan);
		if (summary.isEmpty()) {
			logger.info("Filters leave nothing out");
			return;
		}
		logger.info("Filters leave out {}", summary);
		Executions.jobContext(chunkContext).putString(RunSummary.FILTERED_KEY, summary);
	}

}

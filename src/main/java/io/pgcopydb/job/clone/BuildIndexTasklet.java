package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.schema.IndexBuilder;
import io.pgcopydb.job.partition.PartitionKey;

/**
 * One index partition: an index, and the constraint it backs, built on the target as the
 * target's table is now (see {@link IndexBuilder}); an index whose table the target no
 * longer has is reported and not built. Idempotent.
 */
class BuildIndexTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(BuildIndexTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	private final IndexBuilder builder;

	private final ProgressTracker progress;

	BuildIndexTasklet(CloneRequest request, Sessions sessions, ClonePlan plan, IndexBuilder builder,
			ProgressTracker progress) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
		this.builder = builder;
		this.progress = progress;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		PartitionKey key = PartitionKey.parse(Executions.step(chunkContext).getStepName());
		if (key.bundle() > 0) {
			return buildBundle(Executions.instanceId(chunkContext), key.bundle());
		}
		ExecutionContext context = Executions.step(chunkContext).getExecutionContext();
		if (context.containsKey(IndexSchedule.ALTER_TABLE)) {
			return alterTable(Executions.instanceId(chunkContext), key.objectOid());
		}
		SourceIndex index = this.plan.index(Executions.instanceId(chunkContext), Executions.partitionOid(chunkContext));
		// its constraint, if any, waits for the table's other builds
		boolean alterLater = context.containsKey(IndexSchedule.ALTER_TABLE_IN);
		long started = System.nanoTime();
		IndexBuilder.Outcome outcome;
		try (Connection target = this.sessions.target("index " + index.displayName())) {
			outcome = alterLater ? this.builder.buildWithoutAlter(target, index) : this.builder.build(target, index);
		}
		catch (SQLException ex) {
			throw this.request.target().failure("building index " + index.displayName(), ex);
		}
		this.progress.indexDone();
		if (outcome == IndexBuilder.Outcome.NO_TABLE) {
			logger.warn("Not building index {}: the target has no table {} any more", index.displayName(),
					index.qualifiedTableName());
			return RepeatStatus.FINISHED;
		}
		logger.info("Built index {}{}{} in {} ms", index.displayName(),
				(!index.backsConstraint()) ? ""
						: (alterLater && outcome == IndexBuilder.Outcome.BUILT)
								? " (its constraint " + Identifiers.display(index.constraintName())
										+ " once the table's indexes are built)"
								: " and constraint " + Identifiers.display(index.constraintName()),
				(outcome == IndexBuilder.Outcome.BUILT_PARTITIONED)
						? " on the partitioned " + Identifiers.displayQualified(index.schema(), index.tableName()) : "",
				(System.nanoTime() - started) / 1_000_000);
		return RepeatStatus.FINISHED;
	}

	/**
	 * The constraints, CLUSTER ON and REPLICA IDENTITY of one table, once all its indexes
	 * are built (see {@link IndexSchedule}), in one transaction. Each is skipped when the
	 * target has it already: a retry or a resumed run does what is left.
	 */
	private RepeatStatus alterTable(long instance, long tableOid) {
		List<SourceIndex> indexes = this.plan.tableIndexes(instance, tableOid)
			.stream()
			.filter(IndexSchedule::altersTable)
			.toList();
		if (indexes.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		String table = Identifiers.displayQualified(indexes.get(0).schema(), indexes.get(0).tableName());
		long started = System.nanoTime();
		try (Connection target = this.sessions.target("constraints of " + table)) {
			IndexBuilder.Outcome outcome = this.builder.alterTable(target, indexes);
			if (outcome == IndexBuilder.Outcome.NO_TABLE) {
				logger.warn("Not adding the constraints of {}: the target has no such table any more", table);
				return RepeatStatus.FINISHED;
			}
			if (outcome == IndexBuilder.Outcome.BUILT_PARTITIONED) {
				logger.debug("The constraints of the partitioned {} came with their indexes", table);
				return RepeatStatus.FINISHED;
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("adding the constraints of " + table, ex);
		}
		List<String> constraints = indexes.stream()
			.filter(SourceIndex::backsConstraint)
			.map((index) -> Identifiers.display(index.constraintName()))
			.toList();
		logger.info("Added {} to {} in {} ms",
				constraints.isEmpty() ? "the properties of its indexes"
						: "constraint " + String.join(", ", constraints),
				table, (System.nanoTime() - started) / 1_000_000);
		return RepeatStatus.FINISHED;
	}

	/**
	 * The indexes of a bundle's tables, one after the other in one session and one
	 * transaction: small tables whose builds take milliseconds each, where a partition
	 * and a commit per index cost more than the build. A retry builds them all again
	 * (each build is idempotent).
	 */
	private RepeatStatus buildBundle(long instance, int bundle) {
		List<SourceIndex> indexes = this.plan.bundleIndexes(instance, bundle);
		long started = System.nanoTime();
		int[] built = { 0 };
		try (Connection target = this.sessions.target("indexes of bundle " + bundle)) {
			this.builder.buildAll(target, indexes, (index, outcome) -> {
				this.progress.indexDone();
				if (outcome == IndexBuilder.Outcome.NO_TABLE) {
					logger.warn("Not building index {}: the target has no table {} any more", index.displayName(),
							index.qualifiedTableName());
					return;
				}
				built[0]++;
				logger.debug("Built index {}", index.displayName());
			});
		}
		catch (SQLException ex) {
			throw this.request.target().failure("building the indexes of bundle " + bundle, ex);
		}
		logger.info("Built {} indexes of the tables of bundle {} in {} ms", built[0], bundle,
				(System.nanoTime() - started) / 1_000_000);
		return RepeatStatus.FINISHED;
	}

}

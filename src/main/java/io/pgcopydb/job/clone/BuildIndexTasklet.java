package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.schema.IndexBuilder;

/** One index partition: an index, and the constraint it backs, built on the target. */
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
		SourceIndex index = this.plan.index(Executions.instanceId(chunkContext), Executions.partitionOid(chunkContext));
		long started = System.nanoTime();
		try (Connection target = this.sessions.target("index " + index.displayName())) {
			this.builder.build(target, index);
		}
		catch (SQLException ex) {
			throw this.request.target().failure("building index " + index.displayName(), ex);
		}
		this.progress.indexDone();
		logger.info("Built index {}{} in {} ms", index.displayName(),
				index.backsConstraint() ? " and constraint " + index.constraintName() : "",
				(System.nanoTime() - started) / 1_000_000);
		return RepeatStatus.FINISHED;
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.copy.CopyException;
import io.pgcopydb.copy.CopyResult;
import io.pgcopydb.copy.LargeObjectCopier;
import io.pgcopydb.progress.RunSummary;

/** Copies the contents of every large object (unless --skip-large-objects). */
class LargeObjectsTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(LargeObjectsTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final LargeObjectCopier copier;

	LargeObjectsTasklet(CloneRequest request, Sessions sessions, LargeObjectCopier copier) {
		this.request = request;
		this.sessions = sessions;
		this.copier = copier;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws SQLException {
		if (this.request.skipLargeObjects()) {
			logger.info("Skipping large objects (--skip-large-objects)");
			return RepeatStatus.FINISHED;
		}
		if (Executions.jobContext(chunkContext).getLong(CatalogTasklet.LARGE_OBJECTS_KEY, 1) == 0) {
			return RepeatStatus.FINISHED;
		}
		try (Connection source = this.sessions.source("large objects");
				Connection target = this.sessions.target("large objects")) {
			CopyResult result = this.copier.copy(source, target);
			contribution.incrementWriteCount(result.rows());
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, result.bytes());
			logger.info("Copied {} large objects ({} kB)", result.rows(), result.bytes() >> 10);
			return RepeatStatus.FINISHED;
		}
		catch (CopyException ex) {
			throw this.request.endpoint(ex.side()).failure("copying large objects", ex.getCause());
		}
	}

}

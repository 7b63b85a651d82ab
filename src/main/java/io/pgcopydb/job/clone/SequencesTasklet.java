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
import io.pgcopydb.copy.SequenceCopier;

/**
 * Sets every target sequence to its source value; an owned sequence is found on the
 * target through its column, see {@link SequenceCopier}.
 */
class SequencesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(SequencesTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	SequencesTasklet(CloneRequest request, Sessions sessions, ClonePlan plan) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws SQLException {
		var sequences = this.plan.sequences(Executions.instanceId(chunkContext));
		try (Connection source = this.sessions.source("sequences");
				Connection target = this.sessions.target("sequences")) {
			SequenceCopier.Result result = new SequenceCopier().copy(source, target, sequences);
			contribution.incrementWriteCount(result.set());
			logger.info("Reset {} sequences", result.set());
			if (!result.missing().isEmpty()) {
				logger.warn("Left out {} sequences the target has neither by name nor on their column: {}",
						result.missing().size(), String.join(", ", result.missing()));
			}
			return RepeatStatus.FINISHED;
		}
		catch (CopyException ex) {
			throw this.request.endpoint(ex.side()).failure("setting sequence values", ex.getCause());
		}
	}

}

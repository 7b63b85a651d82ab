package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceSnapshot;
import io.pgcopydb.copy.SequenceCopier;

/** Sets every target sequence to its value in the run's snapshot. */
class SequencesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(SequencesTasklet.class);

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	private final ClonePlan plan;

	SequencesTasklet(CloneRequest request, RunSnapshot snapshot, ClonePlan plan) {
		this.request = request;
		this.snapshot = snapshot;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var sequences = this.plan.sequences(Executions.instanceId(chunkContext));
		try (Connection source = this.request.source().connect("sequences");
				Connection target = this.request.target().connect("sequences")) {
			try {
				SourceSnapshot.begin(source, this.snapshot.id());
			}
			catch (SQLException ex) {
				throw this.request.source().failure("reading sequence values", ex);
			}
			int count = new SequenceCopier().copy(source, target, sequences);
			contribution.incrementWriteCount(count);
			logger.info("Reset {} sequences", count);
			return RepeatStatus.FINISHED;
		}
		catch (SQLException ex) {
			throw this.request.target().failure("setting sequence values", ex);
		}
	}

}

package io.pgcopydb.job.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** Exports the run's source snapshot, or adopts the one given with --snapshot. */
class SnapshotTasklet implements Tasklet {

	/** Job context key: the snapshot the run read, recorded for operators and resume. */
	static final String SNAPSHOT_KEY = "snapshot";

	private static final Logger logger = LoggerFactory.getLogger(SnapshotTasklet.class);

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	SnapshotTasklet(CloneRequest request, RunSnapshot snapshot) {
		this.request = request;
		this.snapshot = snapshot;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		String id;
		if (this.request.snapshot() != null) {
			id = this.snapshot.adopt(this.request.snapshot());
			logger.info("Using snapshot {} given with --snapshot", id);
		}
		else {
			id = this.snapshot.export();
			if (this.request.resuming()) {
				logger.warn("Resuming with a new snapshot (--not-consistent): tables copied before and after the"
						+ " interruption reflect different moments of the source");
			}
			logger.info("Exported snapshot {} from the {}", id, this.request.source());
		}
		Executions.jobContext(chunkContext).putString(SNAPSHOT_KEY, id);
		return RepeatStatus.FINISHED;
	}

}

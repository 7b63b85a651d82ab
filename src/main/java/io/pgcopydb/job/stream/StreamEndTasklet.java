package io.pgcopydb.job.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.cdc.sentinel.SentinelStore;

/**
 * The cut-over, once receive and apply reached endpos: sequences and materialized views
 * ({@link CutOver}), a check of the large objects, the line that says where the follow
 * ended.
 */
class StreamEndTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(StreamEndTasklet.class);

	private final CutOver cutOver;

	private final SentinelStore sentinel;

	StreamEndTasklet(CutOver cutOver, SentinelStore sentinel) {
		this.cutOver = cutOver;
		this.sentinel = sentinel;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		int sequences = this.cutOver.sequences();
		int views = this.cutOver.materializedViews();
		this.cutOver.largeObjectsAlike();
		long applied = chunkContext.getStepContext()
			.getStepExecution()
			.getJobExecution()
			.getExecutionContext()
			.getLong(ApplyTasklet.APPLIED_KEY, 0L);
		Sentinel at = this.sentinel.get();
		logger.info("endpos {} reached: {} transactions applied (target at {}); set {} sequences, refreshed {}"
				+ " materialized views", at.endpos(), applied, at.replayLsn(), sequences, views);
		contribution.incrementWriteCount(applied);
		return RepeatStatus.FINISHED;
	}

}

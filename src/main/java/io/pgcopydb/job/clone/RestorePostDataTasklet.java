package io.pgcopydb.job.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.schema.SchemaRestore;

/**
 * Restores, entry by entry (one transaction ran out of lock slots at about 2,100 tables
 * with primary keys), what the job did not build itself from the post-data archive:
 * foreign keys, triggers, rules, policies, comments, exclusion constraints, indexes of
 * partitioned tables, materialized view data. The planned indexes and constraints the
 * target already has (built by the copy) are left out; those it does not have, because no
 * index stage ran ({@code restore post-data} before {@code copy indexes}), are restored
 * from the archive. Entries of tables the target no longer has (partitions merged into
 * their parent) are left out and listed. What the target already has is left out too: a
 * post-data restore that committed before the run could record it (the process killed
 * right after) is found done, and the step completes. Foreign keys valid on the source
 * are created NOT VALID before the restore and validated after it, several at once
 * ({@code --restore-jobs}), largest table first.
 */
class RestorePostDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RestorePostDataTasklet.class);

	private final CloneRequest request;

	private final ClonePlan plan;

	private final SchemaRestore restore;

	RestorePostDataTasklet(CloneRequest request, ClonePlan plan, SchemaRestore restore) {
		this.request = request;
		this.plan = plan;
		this.restore = restore;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		SchemaRestore.PostData restored = this.restore.postData(this.request.target(), this.request.workDirectory(),
				this.plan.indexes(instance), this.plan.tables(instance), this.plan.foreignKeys(instance),
				this.request.restoreOptions(false, false), this.plan.filterPlan(instance));
		logger.info("Restored the post-data section: {} archive entries, {} already on the target, {} left out",
				restored.restored(), restored.present(), restored.leftOut().size());
		return RepeatStatus.FINISHED;
	}

}

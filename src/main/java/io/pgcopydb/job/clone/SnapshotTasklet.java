package io.pgcopydb.job.clone;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.progress.RunSummary;
import io.pgcopydb.snapshot.RunSnapshot;
import io.pgcopydb.snapshot.SnapshotSource;

/**
 * Exports the run's source snapshot, or adopts the one given with --snapshot or held by
 * {@code pgcopydb snapshot}.
 */
class SnapshotTasklet implements Tasklet {

	/** Job context key: the snapshot the run read, recorded for operators and resume. */
	static final String SNAPSHOT_KEY = "snapshot";

	private static final Logger logger = LoggerFactory.getLogger(SnapshotTasklet.class);

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	private final RunState state;

	private final ClonePlan plan;

	SnapshotTasklet(CloneRequest request, RunSnapshot snapshot, RunState state, ClonePlan plan) {
		this.request = request;
		this.snapshot = snapshot;
		this.state = state;
		this.plan = plan;
	}

	/**
	 * A resume of a source-reading stage begun earlier reads through the snapshot of the
	 * run it finishes, or says it does not: the job context, carried over by the restart,
	 * holds the snapshot the run read so far. A stage not begun yet may read a new
	 * snapshot, as each command is consistent by itself; it is logged.
	 */
	private void checkSameSnapshot(ChunkContext chunkContext, String id) {
		String before = Executions.jobContext(chunkContext).getString(SNAPSHOT_KEY, null);
		if (before == null || before.equals(id)) {
			return;
		}
		if (!this.state.resumesSourceReads(this.request)) {
			logger.info("Earlier commands of this run read snapshot {}; {} reads snapshot {}", before,
					this.request.command(), id);
			return;
		}
		if (!this.request.notConsistent()) {
			throw new BadStateException("cannot resume consistently: the interrupted run read snapshot " + before
					+ ", not " + id + "; pass --snapshot " + before + " if it is still held, or --not-consistent");
		}
		logger.warn("Resuming with snapshot {} instead of {} (--not-consistent): tables copied before and after the"
				+ " interruption reflect different moments of the source", id, before);
		var context = Executions.jobContext(chunkContext);
		String earlier = context.getString(RunSummary.NOT_CONSISTENT_KEY, null);
		String now = "resumed with --not-consistent: snapshot " + before + ", then " + id;
		context.putString(RunSummary.NOT_CONSISTENT_KEY, (earlier == null) ? now : earlier + "; then " + id);
	}

	/**
	 * A run planned by an earlier process locks the tables it has still to copy here: the
	 * catalog step, which locks them on a first run, is complete.
	 */
	private void lockTablesLeftToCopy(long instance) {
		if (!this.request.includes(Stage.TABLE_DATA) || this.state.completed(CloneSteps.COPY_DATA)) {
			return;
		}
		Map<Long, List<PartitionKey>> copies = this.plan.copyPartitions(instance);
		List<SourceTable> left = this.plan.copiedTables(instance)
			.stream()
			.filter((
					table) -> !copies.get(table.oid()).stream().allMatch((key) -> this.state.completed(key.stepName())))
			.toList();
		this.snapshot.lockTables(left);
	}

	/**
	 * Records the identity of each side the first time a command of the run uses it (the
	 * job parameters hold "" for a side the first command did not use), so that a later
	 * command is compared with it; see {@link CloneRuns}.
	 */
	private void recordSides(ChunkContext chunkContext) {
		var context = Executions.jobContext(chunkContext);
		for (Side side : Side.values()) {
			String identity = CloneRequest.identity(this.request.endpoint(side));
			if (!identity.isEmpty() && !context.containsKey(CloneRuns.identityKey(side))) {
				context.putString(CloneRuns.identityKey(side), identity);
			}
		}
	}

	/**
	 * Records the run's filters at its first command: their digest and normalised text
	 * ("" for none), never the file's path, which may change between commands; every
	 * later command is compared with them before it runs (see {@link CloneRuns}).
	 */
	private void recordFilters(ChunkContext chunkContext) {
		var context = Executions.jobContext(chunkContext);
		if (!context.containsKey(CloneRuns.FILTERS_DIGEST_KEY)) {
			context.putString(CloneRuns.FILTERS_DIGEST_KEY, CloneRuns.digest(this.request.filters()));
			context.putString(CloneRuns.FILTERS_KEY, CloneRuns.normalized(this.request.filters()));
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		recordSides(chunkContext);
		recordFilters(chunkContext);
		if (!this.state.readsSource(this.request)) {
			logger.info("{} does not read the source: no snapshot needed", this.request.command());
			return RepeatStatus.FINISHED;
		}
		SnapshotSource source = this.state.snapshot();
		String id = this.snapshot.take(source);
		if (source instanceof SnapshotSource.Export) {
			logger.info("Exported snapshot {} from the {}", id, this.request.source());
		}
		else {
			logger.debug("Reading the source in snapshot {}", id);
		}
		checkSameSnapshot(chunkContext, id);
		Executions.jobContext(chunkContext).putString(SNAPSHOT_KEY, id);
		lockTablesLeftToCopy(Executions.instanceId(chunkContext));
		return RepeatStatus.FINISHED;
	}

}

package io.pgcopydb.job.clone;

import java.util.List;
import java.util.Map;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.progress.ProgressTracker;

/**
 * Gives the progress display its totals when the copy starts: tables, bytes and indexes
 * of the plan, less what the JobRepository records as already done by an earlier
 * execution of the same run.
 */
class CopyProgressListener implements StepExecutionListener {

	private final ClonePlan plan;

	private final ProgressTracker tracker;

	private final StepStatusBoard board;

	CopyProgressListener(ClonePlan plan, ProgressTracker tracker, StepStatusBoard board) {
		this.plan = plan;
		this.tracker = tracker;
		this.board = board;
	}

	@Override
	public void beforeStep(StepExecution copyData) {
		long instance = copyData.getJobExecution().getJobInstance().getId();
		List<SourceTable> tables = this.plan.copiedTables(instance);
		List<SourceIndex> indexes = this.plan.indexes(instance);
		StepStatusBoard.Snapshot status = this.board.read(instance, copyData.getJobExecutionId());
		Map<Long, List<PartitionKey>> copies = this.plan.copyPartitions(instance);
		List<SourceTable> done = tables.stream()
			.filter((table) -> copies.get(table.oid()).stream().allMatch((key) -> status.isCompleted(key.stepName())))
			.toList();
		// the slices already copied of a split table count for their share of its bytes
		long slicesDoneBytes = 0;
		for (SourceTable table : tables) {
			List<PartitionKey> keys = copies.get(table.oid());
			if (keys.get(0).slice() > 0 && !done.contains(table)) {
				long slicesDone = keys.stream().filter((key) -> status.isCompleted(key.stepName())).count();
				slicesDoneBytes += table.bytes() / keys.size() * slicesDone;
				this.tracker.slicesLeft(table.displayName(), (int) (keys.size() - slicesDone));
			}
		}
		Map<Long, PartitionKey> builds = this.plan.indexPartitions(instance);
		long indexesDone = indexes.stream()
			.filter((index) -> status.isCompleted(builds.get(index.oid()).stepName()))
			.count();
		this.tracker.plan(tables.size(), tables.stream().mapToLong(SourceTable::bytes).sum(), indexes.size(),
				done.size(), done.stream().mapToLong(SourceTable::bytes).sum() + slicesDoneBytes, (int) indexesDone);
	}

}

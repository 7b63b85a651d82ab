package io.pgcopydb.job.clone;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.job.partition.PartitionDispatcher;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.progress.ProgressTracker;

/**
 * The manager's progress of a distributed run: a worker's copy or build counts here when
 * its partition completes (the rows and bytes a worker streams are counted by the worker,
 * not live here).
 */
final class RemoteProgress implements PartitionDispatcher {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(RemoteProgress.class);

	private final PartitionDispatcher dispatcher;

	private final ClonePlan plan;

	private final ProgressTracker tracker;

	private Map<String, Integer> indexesPerPartition;

	RemoteProgress(PartitionDispatcher dispatcher, ClonePlan plan, ProgressTracker tracker) {
		this.dispatcher = dispatcher;
		this.plan = plan;
		this.tracker = tracker;
	}

	@Override
	public int capacity() {
		return this.dispatcher.capacity();
	}

	@Override
	public CompletableFuture<StepExecution> dispatch(StepExecution partition) {
		return this.dispatcher.dispatch(partition).thenApply((ended) -> {
			if (ended.getStatus() == BatchStatus.COMPLETED) {
				try {
					count(ended);
				}
				catch (RuntimeException ex) {
					// the progress display only: the partition stays complete
					logger.debug("counting {} in the progress failed", ended.getStepName(), ex);
				}
			}
			return ended;
		});
	}

	private void count(StepExecution ended) {
		long instance = ended.getJobExecution().getJobInstance().getId();
		PartitionKey key = PartitionKey.parse(ended.getStepName());
		long rows = ended.getWriteCount();
		switch (key.worker()) {
			case CloneSteps.COPY_TABLE -> {
				if (key.bundle() > 0) {
					boolean first = true;
					for (SourceTable table : this.plan.bundle(instance, key.bundle())) {
						this.tracker.tableStarted(table.displayName(), table.bytes()).done(first ? rows : 0);
						first = false;
					}
				}
				else if (key.slice() > 0) {
					SourceTable table = this.plan.table(instance, key.objectOid());
					TableSlice slice = this.plan.slice(instance, table.oid(), key.slice());
					this.tracker.sliceStarted(table.displayName(), slice.label(), table.bytes() / slice.count())
						.done(rows);
				}
				else {
					SourceTable table = this.plan.table(instance, key.objectOid());
					this.tracker.tableStarted(table.displayName(), table.bytes()).done(rows);
				}
			}
			case CloneSteps.BUILD_INDEX -> {
				for (int i = indexes(instance).getOrDefault(key.stepName(), 0); i > 0; i--) {
					this.tracker.indexDone();
				}
			}
			default -> {
			}
		}
	}

	private synchronized Map<String, Integer> indexes(long instance) {
		if (this.indexesPerPartition == null) {
			Map<String, Integer> counts = new HashMap<>();
			for (PartitionKey key : this.plan.indexPartitions(instance).values()) {
				counts.merge(key.stepName(), 1, Integer::sum);
			}
			this.indexesPerPartition = counts;
		}
		return this.indexesPerPartition;
	}

}

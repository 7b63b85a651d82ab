package io.pgcopydb.job.partition;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

/**
 * Runs partitions in this process, on a bounded executor ({@code --table-jobs} or
 * {@code --index-jobs} threads): the worker step records each one in the JobRepository as
 * it ends.
 */
public final class LocalDispatcher implements PartitionDispatcher {

	private final Step worker;

	private final Executor executor;

	private final int capacity;

	/**
	 * @param capacity the executor's number of threads
	 */
	public LocalDispatcher(Step worker, Executor executor, int capacity) {
		this.worker = worker;
		this.executor = executor;
		this.capacity = capacity;
	}

	@Override
	public int capacity() {
		return this.capacity;
	}

	@Override
	public CompletableFuture<StepExecution> dispatch(StepExecution partition) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				this.worker.execute(partition);
				return partition;
			}
			catch (JobInterruptedException ex) {
				throw new CompletionException(ex);
			}
		}, this.executor);
	}

}

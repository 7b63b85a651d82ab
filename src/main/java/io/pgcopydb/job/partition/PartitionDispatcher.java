package io.pgcopydb.job.partition;

import java.util.concurrent.CompletableFuture;

import org.springframework.batch.core.step.StepExecution;

/**
 * How a released partition gets executed: on a local thread pool today
 * ({@link LocalDispatcher}); by a worker process reached through a message channel for
 * remote partitioning. The dependency gate stays with the caller, whichever it is.
 */
public interface PartitionDispatcher {

	/**
	 * Starts {@code partition}; the future completes once its execution has ended and the
	 * JobRepository recorded how.
	 */
	CompletableFuture<StepExecution> dispatch(StepExecution partition);

	/**
	 * How many partitions run at once at most. The handler dispatches no more than that,
	 * keeping the others ready in its own order, so that the longest ready partition is
	 * the next to start rather than the first one released.
	 */
	default int capacity() {
		return Integer.MAX_VALUE;
	}

}

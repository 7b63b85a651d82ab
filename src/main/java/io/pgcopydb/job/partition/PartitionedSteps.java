package io.pgcopydb.job.partition;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.PartitionStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.pgcopydb.signal.StopSignal;

/**
 * Builds the partitioned steps of one job: each runs its partitions through a
 * {@link DependentPartitionHandler} on local threads, and the job's {@link LiveStatus}
 * follows its start and end, which the gates of the steps waiting on its partitions need
 * (a step that ended without completing a partition fails those waiting on it). Partition
 * step names are the worker's name, a colon, and the {@link PartitionKey#unit() unit}.
 */
public final class PartitionedSteps {

	private final JobRepository repository;

	private final LiveStatus status;

	private final Duration stopCheckInterval;

	private final StopSignal stop;

	/**
	 * @param stopCheckInterval how long a wait for a status change lasts at most, so that
	 * a stop request is noticed
	 */
	public PartitionedSteps(JobRepository repository, LiveStatus status, Duration stopCheckInterval, StopSignal stop) {
		this.repository = repository;
		this.status = status;
		this.stopCheckInterval = stopCheckInterval;
		this.stop = stop;
	}

	/**
	 * A step named {@code name} whose partitions {@code worker} runs on {@code executor}:
	 * as many at a time as a thread pool's core threads, else all those ready.
	 * @param partitioner plans the partitions ({@link PartitionSpec#contexts})
	 * @param upstreamSteps the steps whose partitions these partitions wait on
	 * @param listeners more listeners of the step
	 */
	public Step build(String name, Step worker, Partitioner partitioner, Executor executor, List<String> upstreamSteps,
			StepExecutionListener... listeners) {
		// a pool with an unbounded queue (the default) runs its core threads only
		int threads = (executor instanceof ThreadPoolTaskExecutor pool) ? Math.max(1, pool.getCorePoolSize())
				: Integer.MAX_VALUE;
		return build(name, worker, partitioner, new LocalDispatcher(worker, executor, threads), upstreamSteps,
				listeners);
	}

	/**
	 * As above, the partitions run by {@code dispatcher} (workers of a distributed run).
	 */
	public Step build(String name, Step worker, Partitioner partitioner, PartitionDispatcher dispatcher,
			List<String> upstreamSteps, StepExecutionListener... listeners) {
		DependentPartitionHandler handler = new DependentPartitionHandler(partitioner, dispatcher, this.repository,
				this.status, new PartitionGate(upstreamSteps), this.stopCheckInterval, this.stop);
		PartitionStepBuilder step = new StepBuilder(name, this.repository).partitioner(worker.getName(), partitioner)
			.step(worker)
			.partitionHandler(handler)
			.listener(this.status);
		for (StepExecutionListener listener : listeners) {
			step.listener(listener);
		}
		return step.build();
	}

}

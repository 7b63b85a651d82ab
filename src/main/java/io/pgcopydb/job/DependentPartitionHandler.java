package io.pgcopydb.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * Runs partitions on a bounded executor, in the order their partitioner gave them
 * ({@link #ORDER} in each partition's context: the largest tables first), and only once
 * the steps each partition depends on ({@link #DEPENDS_ON}) are COMPLETED in the
 * JobRepository. This is how an index build starts as soon as its table is copied, while
 * other tables are still being copied, without holding a thread while it waits.
 *
 * <p>
 * Contract: a partition whose dependency failed, or will never run in this execution, is
 * not started; it is recorded FAILED with the reason, so the manager step fails and a
 * restart runs it again. Once a {@link StopSignal stop} is requested no partition starts;
 * those waiting are recorded STOPPED.
 */
public final class DependentPartitionHandler implements PartitionHandler {

	/** Partition context key: the position in which to start it (ascending). */
	public static final String ORDER = "order";

	/** Partition context key: comma-separated step names that must complete first. */
	public static final String DEPENDS_ON = "dependsOn";

	private static final Logger logger = LoggerFactory.getLogger(DependentPartitionHandler.class);

	private final Step step;

	private final AsyncTaskExecutor executor;

	private final JobRepository jobRepository;

	private final StepStatusBoard board;

	private final List<String> upstreamSteps;

	private final Duration pollInterval;

	private final StopSignal stop;

	private final Partitioner partitioner;

	/**
	 * @param partitioner the step's partitioner, to rebuild the context of a partition
	 * that an interrupted run recorded without one
	 * @param upstreamSteps the manager steps whose partitions are depended upon: once
	 * they have ended, a dependency not completed never will be in this execution
	 */
	public DependentPartitionHandler(Step step, Partitioner partitioner, AsyncTaskExecutor executor,
			JobRepository jobRepository, StepStatusBoard board, List<String> upstreamSteps, Duration pollInterval,
			StopSignal stop) {
		this.step = step;
		this.partitioner = partitioner;
		this.executor = executor;
		this.jobRepository = jobRepository;
		this.board = board;
		this.upstreamSteps = upstreamSteps;
		this.pollInterval = pollInterval;
		this.stop = stop;
	}

	@Override
	public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager) throws Exception {
		List<StepExecution> waiting = new ArrayList<>(splitter.split(manager, 1));
		repairContexts(waiting);
		waiting.sort(
				Comparator.comparingLong((StepExecution partition) -> partition.getExecutionContext().getLong(ORDER, 0))
					.thenComparing(StepExecution::getStepName));
		Map<StepExecution, Future<StepExecution>> running = new HashMap<>();
		List<StepExecution> result = new ArrayList<>();
		long jobInstanceId = manager.getJobExecution().getJobInstance().getId();
		long jobExecutionId = manager.getJobExecution().getId();
		while (!waiting.isEmpty()) {
			if (this.stop.requested()) {
				for (StepExecution partition : waiting) {
					result.add(recordStopped(partition));
				}
				break;
			}
			StepStatusBoard.Snapshot board = hasDependencies(waiting) ? this.board.read(jobInstanceId, jobExecutionId)
					: null;
			boolean upstreamEnded = (board != null) && this.upstreamSteps.stream().allMatch(board::hasEnded);
			for (var iterator = waiting.iterator(); iterator.hasNext();) {
				StepExecution partition = iterator.next();
				String blocker = (board != null) ? blocker(partition, board, upstreamEnded) : null;
				if (blocker != null) {
					iterator.remove();
					result.add(recordNotRun(partition, blocker));
				}
				else if (board == null || isReady(partition, board)) {
					iterator.remove();
					running.put(partition, this.executor.submit(() -> {
						this.step.execute(partition);
						return partition;
					}));
				}
			}
			if (!waiting.isEmpty()) {
				Thread.sleep(this.pollInterval.toMillis());
			}
		}
		for (Future<StepExecution> future : running.values()) {
			result.add(await(future));
		}
		return result;
	}

	/**
	 * Spring Batch records a partition before its context; a run killed in between leaves
	 * the partition with an empty context, which a restart carries over. Such a context
	 * is rebuilt from the partitioner (keys are stable) and saved.
	 */
	private void repairContexts(List<StepExecution> partitions) {
		Map<String, ExecutionContext> fresh = null;
		for (StepExecution partition : partitions) {
			if (partition.getExecutionContext().containsKey(ORDER)) {
				continue;
			}
			if (fresh == null) {
				fresh = this.partitioner.partition(1);
			}
			String name = partition.getStepName();
			ExecutionContext rebuilt = fresh.get(name.substring(name.indexOf(StepNames.PARTITION_SEPARATOR) + 1));
			if (rebuilt == null) {
				throw new IllegalStateException(name + " has no context and is no longer in the plan");
			}
			for (Map.Entry<String, Object> entry : rebuilt.entrySet()) {
				partition.getExecutionContext().put(entry.getKey(), entry.getValue());
			}
			this.jobRepository.updateExecutionContext(partition);
			logger.info("{}: rebuilt the context an interrupted run left empty", name);
		}
	}

	private static boolean hasDependencies(List<StepExecution> partitions) {
		return partitions.stream().anyMatch((partition) -> !dependencies(partition).isEmpty());
	}

	private static List<String> dependencies(StepExecution partition) {
		String value = partition.getExecutionContext().getString(DEPENDS_ON, "");
		return value.isEmpty() ? List.of() : List.of(value.split(","));
	}

	private static boolean isReady(StepExecution partition, StepStatusBoard.Snapshot board) {
		return dependencies(partition).stream().allMatch(board::isCompleted);
	}

	private static String blocker(StepExecution partition, StepStatusBoard.Snapshot board, boolean upstreamEnded) {
		for (String dependency : dependencies(partition)) {
			if (board.hasFailed(dependency) || (upstreamEnded && !board.isCompleted(dependency))) {
				return dependency;
			}
		}
		return null;
	}

	/**
	 * A stop was requested before the partition started: STOPPED, so a restart runs it.
	 */
	private StepExecution recordStopped(StepExecution partition) {
		partition.setStatus(BatchStatus.STOPPED);
		partition.setExitStatus(ExitStatus.STOPPED.addExitDescription("not started: " + this.stop.reason()));
		this.jobRepository.update(partition);
		return partition;
	}

	private StepExecution recordNotRun(StepExecution partition, String blocker) {
		logger.warn("{} not started: {} did not complete", partition.getStepName(), blocker);
		String reason = "not started: " + blocker + " did not complete";
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
		// Not one of ours on purpose: the failure of the dependency explains the run
		// better.
		partition.addFailureException(new IllegalStateException(partition.getStepName() + " " + reason));
		this.jobRepository.update(partition);
		return partition;
	}

	private static StepExecution await(Future<StepExecution> future) throws Exception {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

}

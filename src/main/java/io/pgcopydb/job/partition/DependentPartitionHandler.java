package io.pgcopydb.job.partition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.pgcopydb.signal.StopSignal;

/**
 * Starts the partitions of a step in the order their partitioner gave them (the longest
 * work first), each only once its {@link PartitionGate gate} releases it, and hands it to
 * a {@link PartitionDispatcher} when it has a free thread: of the partitions released and
 * waiting for one, the first in that order goes next. This is how an index build starts
 * as soon as its table is copied, while other tables are still being copied, without
 * holding a thread while it waits. The waiting is driven by the {@link LiveStatus}: a
 * status change wakes the partitions that depend on it, nothing re-reads the whole run.
 * <p>
 * Contract: a partition whose dependency failed, or will never complete in this
 * execution, is not started; it is recorded FAILED with the reason, so the manager step
 * fails and a restart runs it again. Once a {@link StopSignal stop} is requested no
 * partition starts; those waiting are recorded STOPPED.
 */
public final class DependentPartitionHandler implements PartitionHandler {

	private static final Logger logger = LoggerFactory.getLogger(DependentPartitionHandler.class);

	private final Partitioner partitioner;

	private final PartitionDispatcher dispatcher;

	private final JobRepository jobRepository;

	private final LiveStatus status;

	private final PartitionGate gate;

	private final Duration stopCheckInterval;

	private final StopSignal stop;

	/**
	 * @param partitioner the step's partitioner, to rebuild the context of a partition
	 * that an interrupted run recorded without one
	 * @param stopCheckInterval how long a wait for a status change lasts at most, so that
	 * a stop request is noticed
	 */
	public DependentPartitionHandler(Partitioner partitioner, PartitionDispatcher dispatcher,
			JobRepository jobRepository, LiveStatus status, PartitionGate gate, Duration stopCheckInterval,
			StopSignal stop) {
		this.partitioner = partitioner;
		this.dispatcher = dispatcher;
		this.jobRepository = jobRepository;
		this.status = status;
		this.gate = gate;
		this.stopCheckInterval = stopCheckInterval;
		this.stop = stop;
	}

	@Override
	public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager) throws Exception {
		List<StepExecution> partitions = new ArrayList<>(splitter.split(manager, 1));
		repairContexts(partitions);
		WaitingPartitions waiting = new WaitingPartitions(partitions);
		JobExecution job = manager.getJobExecution();
		StatusView view = this.status.follow(job);
		waiting.checkSameStepDependencies(view);
		int seen = this.status.version();
		List<CompletableFuture<StepExecution>> running = new ArrayList<>();
		// partitions dispatched and not ended: checked on every status change, so a count
		// rather than a walk over every future of a step of tens of thousands
		AtomicInteger inFlight = new AtomicInteger();
		// released, not dispatched yet: a free thread takes the first in start order, so
		// that a long partition released late does not queue behind short ones
		PriorityQueue<WaitingPartitions.Pending> ready = new PriorityQueue<>(WaitingPartitions.START_ORDER);
		List<StepExecution> result = new ArrayList<>();
		Collection<WaitingPartitions.Pending> toDecide = waiting.all();
		while (!waiting.isEmpty() || !ready.isEmpty()) {
			for (WaitingPartitions.Pending pending : toDecide) {
				if (waiting.contains(pending)) {
					decide(pending, view, waiting, ready, result);
				}
			}
			dispatchReady(ready, running, inFlight, result);
			if (waiting.isEmpty() && ready.isEmpty()) {
				break;
			}
			// The version is read after the view: had it been read first, a dependency
			// completing in between would make partitions merely not yet woken look like
			// a cycle. Read last, an unchanged version means the view checked was the one
			// every decision above already saw.
			if (ready.isEmpty() && inFlight.get() == 0 && waiting.waitOnEachOtherOnly(view)
					&& this.status.version() == seen) {
				// nothing of this step runs, nothing changed: they would wait forever
				for (WaitingPartitions.Pending pending : waiting.all()) {
					waiting.remove(pending);
					result.add(recordNotRun(pending.execution(),
							"not started: it waits on partitions of its own step that wait on it"));
				}
				break;
			}
			this.status.awaitChange(seen, this.stopCheckInterval);
			List<String> changed = this.status.changesSince(seen);
			seen += changed.size();
			toDecide = (this.stop.requested() || changed.stream().anyMatch(this.gate.upstreamSteps()::contains))
					? waiting.all() : waiting.dependingOn(changed);
		}
		for (CompletableFuture<StepExecution> partition : running) {
			result.add(await(partition));
		}
		return result;
	}

	private void decide(WaitingPartitions.Pending pending, StatusView view, WaitingPartitions waiting,
			PriorityQueue<WaitingPartitions.Pending> ready, List<StepExecution> result) {
		PartitionGate.Decision decision = this.gate.decide(pending.spec(), view, this.stop.reason());
		if (decision instanceof PartitionGate.Wait) {
			return;
		}
		waiting.remove(pending);
		StepExecution partition = pending.execution();
		if (decision instanceof PartitionGate.Start) {
			ready.add(pending);
		}
		else if (decision instanceof PartitionGate.Fail fail) {
			result.add(recordNotRun(partition, fail.reason()));
		}
		else if (decision instanceof PartitionGate.Stop stopped) {
			result.add(recordStopped(partition, stopped.reason()));
		}
	}

	/**
	 * Dispatches ready partitions, first in start order, while the dispatcher has a free
	 * thread; once a stop is requested, none: they are recorded STOPPED.
	 */
	private void dispatchReady(PriorityQueue<WaitingPartitions.Pending> ready,
			List<CompletableFuture<StepExecution>> running, AtomicInteger inFlight, List<StepExecution> result) {
		if (this.stop.requested()) {
			while (!ready.isEmpty()) {
				result.add(recordStopped(ready.poll().execution(), "not started: " + this.stop.reason()));
			}
			return;
		}
		int capacity = Math.max(1, this.dispatcher.capacity());
		while (!ready.isEmpty() && inFlight.get() < capacity) {
			StepExecution partition = ready.poll().execution();
			inFlight.incrementAndGet();
			// its thread is free before its end is recorded: the record wakes this loop,
			// which then finds the thread free for the next ready partition; recorded as
			// soon as it ends, so that what depends on it starts at once
			CompletableFuture<StepExecution> dispatched;
			try {
				dispatched = this.dispatcher.dispatch(partition);
			}
			catch (RuntimeException ex) {
				// not started (an executor shut down): its thread stays free
				inFlight.decrementAndGet();
				throw ex;
			}
			running.add(dispatched.whenComplete((ended, ex) -> {
				inFlight.decrementAndGet();
				// a worker process's record of it, or this one's
				this.status.record((ended != null) ? ended : partition);
			}));
		}
	}

	/**
	 * Spring Batch records a partition before its context; a run killed in between leaves
	 * the partition with an empty context, which a restart carries over. Such a context
	 * is rebuilt from the partitioner (keys are stable) and saved. So is a context that
	 * waits on slices: a restart carries over the slices of the generation it was planned
	 * with, and the table may have been sliced anew since (a new generation), whose
	 * partitions only the partitioner knows.
	 */
	private void repairContexts(List<StepExecution> partitions) {
		Map<String, ExecutionContext> fresh = null;
		for (StepExecution partition : partitions) {
			ExecutionContext recorded = partition.getExecutionContext();
			boolean planned = PartitionSpec.isPlanned(recorded);
			if (planned && PartitionSpec.isCurrent(recorded)
					&& !PartitionSpec.of(partition).dependsOn().stream().anyMatch((key) -> key.slice() > 0)) {
				continue;
			}
			if (fresh == null) {
				fresh = this.partitioner.partition(1);
			}
			String name = partition.getStepName();
			ExecutionContext rebuilt = fresh.get(PartitionKey.parse(name).unit());
			if (rebuilt == null) {
				if (planned) {
					continue;
				}
				throw new IllegalStateException(name + " has no context and is no longer in the plan");
			}
			if (planned && rebuilt.getString(PartitionSpec.DEPENDS_ON, "")
				.equals(recorded.getString(PartitionSpec.DEPENDS_ON, ""))) {
				if (!PartitionSpec.isCurrent(recorded)) {
					recorded.putLong(PartitionSpec.FORMAT, PartitionSpec.CURRENT_FORMAT);
					this.jobRepository.updateExecutionContext(partition);
				}
				continue;
			}
			for (Map.Entry<String, Object> entry : rebuilt.entrySet()) {
				recorded.put(entry.getKey(), entry.getValue());
			}
			this.jobRepository.updateExecutionContext(partition);
			logger.info((planned) ? "{}: waits on the partitions planned now"
					: "{}: rebuilt the context an interrupted" + " run left empty", name);
		}
	}

	/**
	 * A stop was requested before the partition started: STOPPED, so a restart runs it.
	 */
	private StepExecution recordStopped(StepExecution partition, String reason) {
		partition.setStatus(BatchStatus.STOPPED);
		partition.setExitStatus(ExitStatus.STOPPED.addExitDescription(reason));
		this.jobRepository.update(partition);
		this.status.record(partition);
		return partition;
	}

	private StepExecution recordNotRun(StepExecution partition, String reason) {
		logger.warn("{} {}", partition.getStepName(), reason);
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
		// Not one of ours on purpose: the failure of the dependency explains the run
		// better.
		partition.addFailureException(new IllegalStateException(partition.getStepName() + " " + reason));
		this.jobRepository.update(partition);
		this.status.record(partition);
		return partition;
	}

	private static StepExecution await(CompletableFuture<StepExecution> future) throws Exception {
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

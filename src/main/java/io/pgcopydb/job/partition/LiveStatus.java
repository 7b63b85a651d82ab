package io.pgcopydb.job.partition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * The status of the steps and partitions of the running job execution, kept in memory:
 * read from the JobRepository once, when the execution first needs it (what earlier
 * executions of the run completed), then fed by every status change this process makes (a
 * partition ended, a manager step started or ended). The partition handlers wait on it
 * instead of re-reading every step execution of the run on every poll, which matters for
 * runs of tens of thousands of partitions.
 * <p>
 * Contract: a partition is recorded here only after the JobRepository recorded it, so a
 * dependent partition starts on what is durably COMPLETED. Every partitioned step of the
 * job must be built with {@link PartitionedSteps}, which feeds it; partitions run by
 * other processes (remote workers) must be fed in by whoever learns of them. A status of
 * an execution older than the one followed is ignored.
 */
public final class LiveStatus implements StatusView, StepExecutionListener {

	private final Recorded recorded;

	private long executionId = -1;

	private final Set<String> completed = new HashSet<>();

	private final Map<String, BatchStatus> current = new HashMap<>();

	/** Every step name whose status changed, in order: a version is a position here. */
	private final List<String> changes = new ArrayList<>();

	/**
	 * @param recorded what the repository records of a job instance, read once per
	 * execution ({@link StepStatusBoard#read})
	 */
	public LiveStatus(Recorded recorded) {
		this.recorded = recorded;
	}

	/**
	 * The status as seen by {@code execution}: the first call of an execution reads what
	 * the repository records of its job instance. Versions keep growing across
	 * executions.
	 */
	public synchronized StatusView follow(JobExecution execution) {
		if (execution.getId() > this.executionId) {
			StepStatusBoard.Snapshot now = this.recorded.read(execution.getJobInstance().getId(), execution.getId());
			this.executionId = execution.getId();
			this.completed.clear();
			this.completed.addAll(now.completed());
			this.current.clear();
			this.current.putAll(now.current());
		}
		return this;
	}

	/** Takes in the status of a step or partition of the execution followed. */
	public synchronized void record(StepExecution step) {
		follow(step.getJobExecution());
		if (step.getJobExecutionId() != this.executionId) {
			return;
		}
		this.current.put(step.getStepName(), step.getStatus());
		if (step.getStatus() == BatchStatus.COMPLETED) {
			this.completed.add(step.getStepName());
		}
		this.changes.add(step.getStepName());
		notifyAll();
	}

	/** A position in the changes, for {@link #changesSince} and {@link #awaitChange}. */
	public synchronized int version() {
		return this.changes.size();
	}

	/** The step names whose status changed since {@code version}. */
	public synchronized List<String> changesSince(int version) {
		return List.copyOf(this.changes.subList(version, this.changes.size()));
	}

	/**
	 * Waits until a status changes after {@code version}, or {@code timeout} passes.
	 */
	public synchronized void awaitChange(int version, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.changes.size() <= version) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			wait(Math.max(1, left / 1_000_000));
		}
	}

	@Override
	public synchronized boolean isCompleted(String stepName) {
		return this.completed.contains(stepName);
	}

	@Override
	public synchronized boolean hasFailed(String stepName) {
		return StatusView.failed(this.current.get(stepName));
	}

	@Override
	public synchronized boolean hasEnded(String stepName) {
		return StatusView.ended(this.current.get(stepName), this.completed.contains(stepName));
	}

	/** A manager step started: its partitions may now complete. */
	@Override
	public void beforeStep(StepExecution stepExecution) {
		record(stepExecution);
	}

	/**
	 * A manager step ended: what it did not complete, it never will in this execution.
	 */
	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		record(stepExecution);
		return null;
	}

	/** Reads what the repository records of the steps of a job instance. */
	@FunctionalInterface
	public interface Recorded {

		StepStatusBoard.Snapshot read(long jobInstanceId, long currentJobExecutionId);

	}

}

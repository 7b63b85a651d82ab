package io.pgcopydb.job;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * What every job needs around each of its executions: while it runs, a {@code job stop}
 * from another process is watched for and a progress display may run; when it ends, the
 * job may rewrite its exit status (a run paused for the next command), then what the run
 * held is released (the display, the source snapshot), whatever the outcome.
 */
public final class RunLifecycleListener implements JobExecutionListener {

	private static final Logger logger = LoggerFactory.getLogger(RunLifecycleListener.class);

	private final StopRequestWatcher watcher;

	private final List<Supplier<AutoCloseable>> whileRunning = new ArrayList<>();

	private final List<AutoCloseable> releasedAtEnd = new ArrayList<>();

	private final List<AutoCloseable> running = new ArrayList<>();

	private Function<JobExecution, ExitStatus> exitStatus = JobExecution::getExitStatus;

	public RunLifecycleListener(StopRequestWatcher watcher) {
		this.watcher = watcher;
	}

	/** Starts {@code display} when an execution starts, and closes it when it ends. */
	public RunLifecycleListener showing(Supplier<AutoCloseable> display) {
		this.whileRunning.add(display);
		return this;
	}

	/** Closes {@code resource} when an execution ends. */
	public RunLifecycleListener releasing(AutoCloseable resource) {
		this.releasedAtEnd.add(resource);
		return this;
	}

	/** Gives an ended execution the exit status {@code exitStatus} says. */
	public RunLifecycleListener endingWith(Function<JobExecution, ExitStatus> exitStatus) {
		this.exitStatus = exitStatus;
		return this;
	}

	@Override
	public synchronized void beforeJob(JobExecution jobExecution) {
		for (Supplier<AutoCloseable> display : this.whileRunning) {
			this.running.add(display.get());
		}
		this.watcher.watch(jobExecution.getId());
	}

	@Override
	public synchronized void afterJob(JobExecution jobExecution) {
		jobExecution.setExitStatus(this.exitStatus.apply(jobExecution));
		this.watcher.unwatch();
		this.running.forEach(RunLifecycleListener::close);
		this.running.clear();
		this.releasedAtEnd.forEach(RunLifecycleListener::close);
	}

	private static void close(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (Exception ex) {
			logger.debug("releasing {} failed", resource, ex);
		}
	}

}

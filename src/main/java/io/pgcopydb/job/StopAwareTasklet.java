package io.pgcopydb.job;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.signal.StopSignal;

/**
 * Makes a tasklet honour the {@link StopSignal}: it does not start once a stop was
 * requested, and a failure caused by the stop (a cancelled statement) is recorded as
 * STOPPED, not FAILED, so the run reads as stopped and restartable.
 */
public final class StopAwareTasklet implements Tasklet {

	private final Tasklet delegate;

	private final StopSignal stop;

	private final boolean runsChildProcess;

	public StopAwareTasklet(Tasklet delegate, StopSignal stop) {
		this(delegate, stop, false);
	}

	/**
	 * @param runsChildProcess the tasklet waits on pg_dump or pg_restore: a stop
	 * interrupts it so that the child is terminated
	 */
	public StopAwareTasklet(Tasklet delegate, StopSignal stop, boolean runsChildProcess) {
		this.delegate = delegate;
		this.stop = stop;
		this.runsChildProcess = runsChildProcess;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		if (this.stop.requested()) {
			throw new JobInterruptedException("not started: " + this.stop.reason(), BatchStatus.STOPPED);
		}
		try {
			return this.runsChildProcess
					? this.stop.interruptible(() -> this.delegate.execute(contribution, chunkContext))
					: this.delegate.execute(contribution, chunkContext);
		}
		catch (Exception ex) {
			if (!this.stop.requested()) {
				throw ex;
			}
			JobInterruptedException stopped = new JobInterruptedException(
					"stopped (" + this.stop.reason() + "), rolled back: " + ex.getMessage(), BatchStatus.STOPPED);
			stopped.initCause(ex);
			throw stopped;
		}
	}

}

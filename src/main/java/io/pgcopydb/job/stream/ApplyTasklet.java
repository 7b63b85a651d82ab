package io.pgcopydb.job.stream;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.apply.ApplyControl;
import io.pgcopydb.cdc.apply.ApplyOptions;
import io.pgcopydb.cdc.apply.ChangeApplier;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.signal.StopSignal;

/**
 * Applies the change files to the target, exactly once ({@link ChangeApplier}), from the
 * target origin's position (advanced first to a startpos ahead of it, see
 * {@link Startpos}), once the sentinel's apply flag is set, until every transaction
 * ending at or before endpos is applied. Change files are removed up to the origin's
 * flushed position as it advances. Ends COMPLETED at endpos (the count of transactions
 * goes to the job context for the end step); STOPPED on a stop or when receive failed;
 * FAILED otherwise, and then receive stops too.
 */
class ApplyTasklet implements Tasklet {

	/** Job context key: source transactions applied by this execution. */
	static final String APPLIED_KEY = "follow.applied";

	private static final Duration REMOVE_EVERY = Duration.ofSeconds(10);

	private static final Duration FLAG_POLL = Duration.ofMillis(200);

	private static final Logger logger = LoggerFactory.getLogger(ApplyTasklet.class);

	private final FollowRequest request;

	private final StreamSource source;

	private final SentinelStore sentinel;

	private final ChangeStore store;

	private final FollowState state;

	private final FollowProgress progress;

	private final StopSignal stop;

	ApplyTasklet(FollowRequest request, StreamSource source, SentinelStore sentinel, ChangeStore store,
			FollowState state, FollowProgress progress, StopSignal stop) {
		this.request = request;
		this.source = source;
		this.sentinel = sentinel;
		this.store = store;
		this.state = state;
		this.progress = progress;
		this.stop = stop;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		StreamRecord recorded = (this.state.recorded() != null) ? this.state.recorded() : this.source.recorded();
		if (recorded == null) {
			throw new BadStateException("no origin is recorded in --dir " + this.request.workDirectory().root()
					+ ": run pgcopydb stream setup first");
		}
		if (!this.request.includes(FollowRequest.Part.RECEIVE)) {
			requireReceived();
		}
		SentinelWatch watch = new SentinelWatch(this.sentinel);
		Control control = new Control(watch);
		boolean reached;
		try {
			if (!awaitApplyFlag(watch, control)) {
				throw stopped();
			}
			// a startpos set while apply waited (stream sentinel set startpos)
			Startpos.apply(this.request.target(), recorded, this.sentinel);
			int recordedSessions = ChangeApplier.recordedSessions(this.store.dir());
			int sessions = (this.request.applyJobs() > 0) ? this.request.applyJobs() : Math.max(1, recordedSessions);
			ApplyOptions options = ApplyOptions.DEFAULTS.withSessions(sessions);
			try (ChangeApplier applier = new ChangeApplier(this.request.target(), recorded.origin(), options,
					this.store.dir())) {
				Lsn from = applier.originPosition();
				logger.info("Applying the change files after {} (origin {}{})", from, recorded.origin(),
						(options.sessions() > 1) ? ", " + options.sessions() + " sessions" : "");
				control.applier = applier;
				reached = applier.apply(this.store::reader, control);
				this.store.removeUpTo(applier.originPosition());
			}
		}
		catch (JobInterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (!control.stopRequested()) {
				this.state.halt("apply failed: " + ex.getMessage());
			}
			throw ex;
		}
		if (!reached) {
			throw stopped();
		}
		contribution.incrementWriteCount(this.progress.transactions());
		chunkContext.getStepContext()
			.getStepExecution()
			.getJobExecution()
			.getExecutionContext()
			.putLong(APPLIED_KEY, this.progress.transactions());
		return RepeatStatus.FINISHED;
	}

	/**
	 * {@code stream apply} runs while nothing receives (the process holds --dir): it
	 * would wait forever for changes past what {@code stream receive} wrote.
	 */
	private void requireReceived() {
		Sentinel at = this.sentinel.get();
		if (!at.endpos().isValid() || at.flushLsn().isBefore(at.endpos())) {
			throw new BadStateException(this.request.command() + " applies what stream receive wrote in --dir "
					+ this.request.workDirectory().root() + " (up to " + at.flushLsn() + ") and nothing receives while"
					+ " it runs: " + (at.endpos().isValid() ? "endpos " + at.endpos() + " is past it; " : "")
					+ "pass --endpos at or before " + at.flushLsn() + ", run stream receive --endpos first, or"
					+ " follow --resume to receive and apply together");
		}
	}

	/**
	 * Waits for the sentinel's apply flag (set once the clone's data and post-data are
	 * done); false when a stop came first.
	 */
	private boolean awaitApplyFlag(SentinelWatch watch, Control control) throws InterruptedException {
		boolean logged = false;
		while (!watch.apply()) {
			if (control.stopRequested()) {
				return false;
			}
			if (!logged) {
				logger.info("Apply waits for the sentinel's apply flag (pgcopydb stream sentinel set apply)");
				logged = true;
			}
			Thread.sleep(FLAG_POLL.toMillis());
		}
		return true;
	}

	private JobInterruptedException stopped() {
		String reason = (this.stop.reason() != null) ? this.stop.reason() : this.state.halted();
		return new JobInterruptedException("apply stopped: " + reason, BatchStatus.STOPPED);
	}

	/**
	 * The sentinel, this process's stop and halt, and the progress, as apply sees them.
	 */
	private final class Control implements ApplyControl {

		private final SentinelWatch watch;

		private ChangeApplier applier;

		private Instant removedAt = Instant.now();

		Control(SentinelWatch watch) {
			this.watch = watch;
		}

		@Override
		public Lsn endpos() {
			return this.watch.endpos();
		}

		@Override
		public boolean applyAllowed() {
			return this.watch.apply();
		}

		@Override
		public Lsn receivedThrough() {
			return this.watch.flushed();
		}

		@Override
		public boolean stopRequested() {
			return ApplyTasklet.this.stop.requested() || ApplyTasklet.this.state.halted() != null;
		}

		@Override
		public void caughtUp(Lsn through) {
			ApplyTasklet.this.sentinel.reportCaughtUp(through);
		}

		@Override
		public void applied(Lsn endLsn, Instant commitTime) {
			ApplyTasklet.this.sentinel.reportApplied(endLsn, commitTime);
			ApplyTasklet.this.progress.applied(endLsn, commitTime);
			Instant now = Instant.now();
			if (this.applier != null && Duration.between(this.removedAt, now).compareTo(REMOVE_EVERY) >= 0) {
				// only what the origin's flushed position covers: a target crash loses
				// commits that were not flushed, and apply reads them again from the
				// files
				ApplyTasklet.this.store.removeUpTo(this.applier.originPosition());
				this.removedAt = now;
			}
		}

	}

}

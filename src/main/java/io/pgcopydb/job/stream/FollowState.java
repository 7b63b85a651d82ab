package io.pgcopydb.job.stream;

import io.pgcopydb.cdc.receive.StreamRecord;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.PgCopyException;

/**
 * What the steps of one streaming job execution share in this process, beside the
 * sentinel: the outcome of setup (which {@code clone --follow} waits on for the slot's
 * snapshot), the session holding that snapshot, and a halt: when receive or apply fails,
 * or the clone of {@code clone --follow} does, the other steps stop too instead of
 * running on alone.
 */
public final class FollowState {

	private static final Logger logger = LoggerFactory.getLogger(FollowState.class);

	private final CountDownLatch setupEnded = new CountDownLatch(1);

	private final AtomicReference<StreamRecord> recorded = new AtomicReference<>();

	private final AtomicReference<AutoCloseable> snapshotHolder = new AtomicReference<>();

	private final AtomicReference<String> halt = new AtomicReference<>();

	private volatile RuntimeException setupFailure;

	void setupDone(StreamRecord what, AutoCloseable holder) {
		this.recorded.set(what);
		this.snapshotHolder.set(holder);
		this.setupEnded.countDown();
	}

	void setupFailed(RuntimeException failure) {
		this.setupFailure = failure;
		this.setupEnded.countDown();
	}

	StreamRecord recorded() {
		return this.recorded.get();
	}

	/**
	 * Waits for setup; returns the snapshot exported with the slot when this execution
	 * created it (null on a resume: that snapshot ended with its process). Fails when
	 * setup failed or did not end within {@code timeout}, or the follow was halted.
	 */
	public String awaitSnapshot(Duration timeout) throws InterruptedException {
		if (!this.setupEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new BadStateException("the follow's setup did not end within " + timeout.toSeconds() + " s");
		}
		if (this.setupFailure != null) {
			throw this.setupFailure;
		}
		StreamRecord what = this.recorded.get();
		if (what == null) {
			throw new PgCopyException(io.pgcopydb.error.ExitCode.STOPPED,
					"the follow stopped before its setup ended: " + halted());
		}
		return (this.snapshotHolder.get() != null) ? what.snapshotName() : null;
	}

	/**
	 * Ends the slot's exported snapshot: the clone's source reads are done (or will never
	 * be). The slot stays.
	 */
	public void releaseSnapshot() {
		AutoCloseable holder = this.snapshotHolder.getAndSet(null);
		if (holder == null) {
			return;
		}
		try {
			holder.close();
			logger.info("Released the slot's exported snapshot: the clone no longer reads the source");
		}
		catch (Exception ex) {
			logger.debug("closing the session holding the slot's snapshot failed", ex);
		}
	}

	/** Stops the other steps: {@code why} names the failure they stop for. */
	public void halt(String why) {
		if (this.halt.compareAndSet(null, why)) {
			logger.info("Stopping the follow: {}", why);
		}
		this.setupEnded.countDown();
	}

	/** Why the steps were asked to stop by another part of the run, or null. */
	public String halted() {
		return this.halt.get();
	}

}

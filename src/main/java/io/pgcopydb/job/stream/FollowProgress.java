package io.pgcopydb.job.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.pg.ByteSize;

/**
 * The counters of a running follow in this process, and the INFO line logged every
 * {@link #INTERVAL} while it runs: received, applied, the lag in bytes and seconds, and
 * the size of the change files (what a DBA watches to decide on the cut-over).
 */
final class FollowProgress {

	static final Duration INTERVAL = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(FollowProgress.class);

	private final AtomicLong transactions = new AtomicLong();

	private volatile Lsn received = Lsn.INVALID;

	private volatile Lsn applied = Lsn.INVALID;

	private volatile Instant appliedCommitTime;

	private final ChangeStore store;

	FollowProgress(ChangeStore store) {
		this.store = store;
	}

	void received(Lsn flush) {
		this.received = flush;
	}

	void applied(Lsn endLsn, Instant commitTime) {
		this.transactions.incrementAndGet();
		this.applied = endLsn;
		this.appliedCommitTime = commitTime;
	}

	/** Source transactions applied by this process. */
	long transactions() {
		return this.transactions.get();
	}

	/** Starts the periodic log line; close the result to end it. */
	AutoCloseable start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "follow-progress");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::log, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		return scheduler::shutdownNow;
	}

	private void log() {
		try {
			Instant commit = this.appliedCommitTime;
			long lagSeconds = (commit != null) ? Math.max(0, Duration.between(commit, Instant.now()).toSeconds()) : 0;
			logger.info("Following: received {}, applied {} ({} transactions), lag {} / {} s, change files {}",
					this.received, this.applied, this.transactions.get(),
					ByteSize.pretty(this.received.bytesAfter(this.applied)), lagSeconds,
					ByteSize.pretty(this.store.diskBytes()));
		}
		catch (RuntimeException ex) {
			logger.debug("progress line failed: {}", ex.getMessage());
		}
	}

}

package io.pgcopydb.job.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.SlotHealth;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.pg.ByteSize;

/**
 * The counters of a running follow in this process, and the INFO line logged every
 * {@link #INTERVAL} while it runs: received, applied, the lag in bytes and seconds, and
 * the size of the change files (what a DBA watches to decide on the cut-over); every
 * minute the WAL the slot retains on the source, as a WARN when the source may remove it,
 * and a WARN naming the source's tables the follow does not stream (created after setup),
 * when that list changes.
 */
final class FollowProgress {

	static final Duration INTERVAL = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(FollowProgress.class);

	private final AtomicLong transactions = new AtomicLong();

	private volatile Lsn received = Lsn.INVALID;

	private volatile Lsn applied = Lsn.INVALID;

	private volatile Instant appliedCommitTime;

	/** How often the slot is read on the source for the progress line. */
	static final Duration SLOT_CHECK_INTERVAL = Duration.ofMinutes(1);

	private final ChangeStore store;

	private final Supplier<SlotHealth> slot;

	private final Supplier<String> unfollowed;

	private Instant slotCheckedAt;

	private String unfollowedWarned;

	/**
	 * @param slot reads the follow's slot on the source, null when it cannot (no slot
	 * yet, source unreachable): a slot at risk is warned of in the progress line
	 * @param unfollowed checks the source for tables the follow does not stream: the
	 * warning naming them, or null when there are none or the check could not run
	 */
	FollowProgress(ChangeStore store, Supplier<SlotHealth> slot, Supplier<String> unfollowed) {
		this.store = store;
		this.slot = slot;
		this.unfollowed = unfollowed;
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

	/**
	 * Every {@link #SLOT_CHECK_INTERVAL}: a WARN when the source may take the slot's WAL
	 * away ({@link SlotHealth#warning()}), an INFO with the WAL it retains otherwise.
	 */
	private void checkSlot() {
		Instant now = Instant.now();
		if (this.slotCheckedAt != null
				&& Duration.between(this.slotCheckedAt, now).compareTo(SLOT_CHECK_INTERVAL) < 0) {
			return;
		}
		this.slotCheckedAt = now;
		checkTables();
		SlotHealth health = this.slot.get();
		if (health == null) {
			return;
		}
		String warning = health.warning();
		if (warning != null) {
			logger.warn("Following: {}", warning);
		}
		else {
			logger.info("Following: slot {} retains {} of WAL on the source (wal_status {}, safe_wal_size {})",
					health.slot(), ByteSize.pretty(health.retainedBytes()), health.walStatus(),
					(health.safeWalSize() != null) ? ByteSize.pretty(health.safeWalSize()) : "unlimited");
		}
	}

	/** A WARN when the tables not followed are not the ones last warned of. */
	private void checkTables() {
		String warning = this.unfollowed.get();
		if (warning != null && !warning.equals(this.unfollowedWarned)) {
			logger.warn("Following: {}", warning);
		}
		this.unfollowedWarned = warning;
	}

	private void log() {
		try {
			Instant commit = this.appliedCommitTime;
			long lagSeconds = (commit != null) ? Math.max(0, Duration.between(commit, Instant.now()).toSeconds()) : 0;
			logger.info("Following: received {}, applied {} ({} transactions), lag {} / {} s, change files {}",
					this.received, this.applied, this.transactions.get(),
					ByteSize.pretty(this.received.bytesAfter(this.applied)), lagSeconds,
					ByteSize.pretty(this.store.diskBytes()));
			checkSlot();
		}
		catch (RuntimeException ex) {
			logger.debug("progress line failed: {}", ex.getMessage());
		}
	}

}

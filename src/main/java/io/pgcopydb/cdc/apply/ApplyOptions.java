package io.pgcopydb.cdc.apply;

import java.time.Duration;

/**
 * The bounds of apply's grouping and batching.
 *
 * @param groupTransactions at most this many source transactions per target transaction
 * @param groupBytes a target transaction is committed at the first source transaction
 * boundary past this many bytes of values
 * @param groupDuration a target transaction is committed at the first source transaction
 * boundary this long after it began (it is committed at once anyway when the change store
 * has nothing more ready, so the lag stays low)
 * @param batchBytes at most this many bytes of statements are held before they are sent:
 * the memory bound, whatever the size of one source transaction
 * @param synchronousCommit the target's synchronous_commit for apply sessions; off (as
 * PostgreSQL's own subscriptions run) keeps exactly-once: the origin's position is in the
 * same WAL as the changes, and change files are removed only up to its flushed position
 * @param sessions how many apply sessions run ({@code --apply-jobs}), each with its own
 * replication origin; see {@link ChangeApplier}
 */
public record ApplyOptions(int groupTransactions, long groupBytes, Duration groupDuration, long batchBytes,
		boolean synchronousCommit, int sessions) {

	public static final ApplyOptions DEFAULTS = new ApplyOptions(20_000, 64L << 20, Duration.ofSeconds(1), 8L << 20,
			false, 1);

	/** The most apply sessions {@code --apply-jobs} allows. */
	public static final int MAX_SESSIONS = 16;

	public ApplyOptions {
		if (sessions < 1 || sessions > MAX_SESSIONS) {
			throw new IllegalArgumentException("apply sessions must be 1 to " + MAX_SESSIONS + ": " + sessions);
		}
	}

	/** Bounds of one session, as before sessions were a bound. */
	public ApplyOptions(int groupTransactions, long groupBytes, Duration groupDuration, long batchBytes,
			boolean synchronousCommit) {
		this(groupTransactions, groupBytes, groupDuration, batchBytes, synchronousCommit, 1);
	}

	/** The same bounds with {@code count} apply sessions. */
	public ApplyOptions withSessions(int count) {
		return new ApplyOptions(this.groupTransactions, this.groupBytes, this.groupDuration, this.batchBytes,
				this.synchronousCommit, count);
	}

}

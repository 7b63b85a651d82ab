package io.pgcopydb.cdc.apply;

import java.time.Instant;

import io.pgcopydb.cdc.Lsn;

/**
 * What steers an apply loop, read before each group of transactions: the sentinel's
 * endpos and apply flag, receive's durable position, a stop request.
 */
public interface ApplyControl {

	/** The sentinel's endpos, {@link Lsn#INVALID} for none. */
	Lsn endpos();

	/** Whether apply may run now (the sentinel's apply flag). */
	boolean applyAllowed();

	/**
	 * The position up to which the change store holds every transaction: with nothing
	 * left to apply at or before endpos and this at or past endpos, apply is done.
	 */
	Lsn receivedThrough();

	/** Whether the job was asked to stop (SIGTERM, {@code job stop}). */
	boolean stopRequested();

	/**
	 * Called after each target commit with the end LSN of the last source transaction it
	 * covers (the origin's new position) and that transaction's commit time.
	 */
	void applied(Lsn endLsn, Instant commitTime);

	/**
	 * Called when apply has applied every transaction the change store holds up to
	 * {@code through} (receive's durable position, possibly past the last commit: an idle
	 * source's keepalives move it): the target is caught up to there, and the lag is
	 * zero. The origin stays at the last commit applied.
	 */
	default void caughtUp(Lsn through) {
	}

}

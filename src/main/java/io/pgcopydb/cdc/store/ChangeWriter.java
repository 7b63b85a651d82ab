package io.pgcopydb.cdc.store;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;

/**
 * Appends decoded events to the change files; see {@link ChangeStore} for durability. Not
 * thread-safe: receive's one thread uses it.
 */
public interface ChangeWriter extends AutoCloseable {

	/** Appends one event (buffered; not durable until {@link #sync()}). */
	void write(ChangeEvent event);

	/**
	 * Makes everything written so far durable; returns the end LSN of the last complete
	 * transaction now on disk ({@link Lsn#INVALID} when none yet).
	 */
	Lsn sync();

	/**
	 * Records durably (fsync) that the store holds every transaction ending at or before
	 * {@code through}, which may be past the last commit written when the stream went on
	 * without a change for us (a keepalive). Called before {@code through} is confirmed
	 * to the slot: a resume compares the slot's confirmed position with it. A store that
	 * does not outlive the process needs no record.
	 */
	default void received(Lsn through) {
	}

	/** Whether a transaction is open (a Begin written without its Commit). */
	boolean inTransaction();

	@Override
	void close();

}

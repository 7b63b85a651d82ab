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

	/** Whether a transaction is open (a Begin written without its Commit). */
	boolean inTransaction();

	@Override
	void close();

}

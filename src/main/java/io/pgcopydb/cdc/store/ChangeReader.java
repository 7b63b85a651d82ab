package io.pgcopydb.cdc.store;

import java.time.Duration;

import io.pgcopydb.cdc.decode.ChangeEvent;

/**
 * Reads the events of complete transactions, in commit order: the events of a transaction
 * are returned only once its Commit is written, so apply never starts a transaction the
 * store may drop. Not thread-safe.
 */
public interface ChangeReader extends AutoCloseable {

	/**
	 * The next event, waiting up to {@code wait} for the writer; null when none came in
	 * time.
	 */
	ChangeEvent next(Duration wait) throws InterruptedException;

	@Override
	void close();

}

package io.pgcopydb.cdc.store;

import java.time.Duration;

import io.pgcopydb.cdc.Lsn;
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

	/**
	 * The commit end LSN of the transaction whose {@link ChangeEvent.Begin} was returned
	 * last, known as soon as the Begin is (the store returns a transaction once its
	 * Commit is written): apply decides at the Begin whether the transaction is applied
	 * already or ends after endpos, whatever the plugin (test_decoding gives no commit
	 * LSN at Begin). {@link Lsn#INVALID} when this reader cannot tell.
	 */
	default Lsn transactionEnd() {
		return Lsn.INVALID;
	}

	@Override
	void close();

}

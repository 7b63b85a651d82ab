package io.pgcopydb.cdc.apply;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.store.ChangeReader;
import io.pgcopydb.config.PgEndpoint;

/**
 * Replays source transactions from the change store on the target, exactly once: each
 * target transaction sets the replication origin to the commit <em>end</em> LSN of the
 * last source transaction it covers ({@code pg_replication_origin_xact_setup}), so the
 * origin's position and the changes commit together; on restart apply reads the store
 * after {@link #originPosition()}. Sessions run with
 * {@code session_replication_role = replica} (no user triggers, no FK checks).
 * <p>
 * Throughput: many source transactions are grouped into one target transaction, rows go
 * out as batched prepared statements bounded by bytes; a transaction larger than the
 * memory bound streams through without being held.
 */
public final class ChangeApplier implements AutoCloseable {

	/**
	 * @param target the target server
	 * @param origin the replication origin's name, created by setup
	 */
	public ChangeApplier(PgEndpoint target, String origin) {
		throw new UnsupportedOperationException("issue 11: apply");
	}

	/** The origin's flushed position: everything at or before it is applied. */
	public Lsn originPosition() {
		throw new UnsupportedOperationException("issue 11: apply");
	}

	/**
	 * Applies what {@code reader} returns until endpos is reached (returns true) or a
	 * stop is requested (returns false); fails with a one-line error naming the table,
	 * the source transaction and the statement's SQLSTATE.
	 */
	public boolean apply(ChangeReader reader, ApplyControl control) throws InterruptedException {
		throw new UnsupportedOperationException("issue 11: apply");
	}

	@Override
	public void close() {
	}

}

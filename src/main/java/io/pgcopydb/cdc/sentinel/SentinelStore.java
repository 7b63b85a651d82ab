package io.pgcopydb.cdc.sentinel;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.Lsn;

/**
 * Reads and writes the {@link Sentinel} in the repository (table
 * {@code PGCOPYDB_SENTINEL}, one row per --dir): the streaming job and the
 * {@code stream sentinel} commands, in different processes, through the same rows.
 */
public final class SentinelStore {

	private final JdbcTemplate repository;

	public SentinelStore(JdbcTemplate repository) {
		this.repository = repository;
	}

	/** Starts a new sentinel: startpos set, endpos none unless given, apply off. */
	public void init(Lsn startpos, Lsn endpos) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	/** The sentinel; fails with a remedy when none was set up in this --dir. */
	public Sentinel get() {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	public void setStartpos(Lsn startpos) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	public void setEndpos(Lsn endpos) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	public void setApply(boolean apply) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	/** Receive's progress: written and durable (confirmed to the slot). */
	public void reportReceived(Lsn write, Lsn flush) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

	/** Apply's progress: committed on the target, with the source commit time. */
	public void reportApplied(Lsn replay, java.time.Instant commitTime) {
		throw new UnsupportedOperationException("issue 11: sentinel");
	}

}

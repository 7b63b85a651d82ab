package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * Opens the sessions of a clone run: source sessions inside the run's snapshot, target
 * sessions plain. Every one is registered with the {@link StopSignal}, so a stop cancels
 * whatever it is running. The caller closes the session.
 */
class Sessions {

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	private final StopSignal stop;

	Sessions(CloneRequest request, RunSnapshot snapshot, StopSignal stop) {
		this.request = request;
		this.snapshot = snapshot;
		this.stop = stop;
	}

	/** A source session in the run's snapshot; see {@link RunSnapshot#sourceSession}. */
	Connection source(String purpose) {
		Connection session = this.snapshot.sourceSession(purpose);
		this.stop.register(session);
		return session;
	}

	/**
	 * The error for a source read that failed; see {@link RunSnapshot#readFailure}.
	 */
	RuntimeException sourceFailure(String doing, SQLException ex) {
		return this.snapshot.readFailure(doing, ex);
	}

	/**
	 * Locks the source tables the run copies until it ends; see
	 * {@link RunSnapshot#lockTables}.
	 */
	void lockSourceTables(List<SourceTable> tables) {
		this.snapshot.lockTables(tables);
	}

	/** An autocommit target session; {@code purpose} shows in pg_stat_activity. */
	Connection target(String purpose) {
		Connection session = this.request.target().connect(purpose);
		this.stop.register(session);
		return session;
	}

}

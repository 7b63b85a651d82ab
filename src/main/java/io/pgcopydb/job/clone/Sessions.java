package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.Side;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * Opens the sessions of a clone run: source sessions inside the run's snapshot, target
 * sessions plain. Every one is registered with the {@link StopSignal} with its side and
 * purpose, so a stop cancels whatever it is running and the stall watcher names it. The
 * caller closes the session.
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
		return sourceWork(purpose).connection();
	}

	/**
	 * A source session in the run's snapshot, registered as doing {@code work} (also its
	 * purpose in pg_stat_activity), for the stop and the stall watcher.
	 */
	WorkSession sourceWork(String work) {
		return this.stop.register(this.snapshot.sourceSession(work), Side.SOURCE, work);
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
		this.snapshot.lockTables(tables, this.stop);
	}

	/** An autocommit target session; {@code purpose} shows in pg_stat_activity. */
	Connection target(String purpose) {
		return targetWork(purpose).connection();
	}

	/** An autocommit target session, registered as doing {@code work}. */
	WorkSession targetWork(String work) {
		return this.stop.register(this.request.target().connect(work), Side.TARGET, work);
	}

}

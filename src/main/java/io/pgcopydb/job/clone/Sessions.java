package io.pgcopydb.job.clone;

import java.sql.Connection;

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

	/** An autocommit target session; {@code purpose} shows in pg_stat_activity. */
	Connection target(String purpose) {
		Connection session = this.request.target().connect(purpose);
		this.stop.register(session);
		return session;
	}

}

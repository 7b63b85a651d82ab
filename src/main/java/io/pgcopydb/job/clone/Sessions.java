package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.SessionPool;
import io.pgcopydb.config.Side;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * Opens the sessions of a clone run: source sessions inside the run's snapshot, target
 * sessions plain. Every one is registered with the {@link StopSignal} with its side and
 * purpose, so a stop cancels whatever it is running and the stall watcher names it. The
 * caller closes the session, which gives it back for the next work of the run
 * ({@link SessionPool}): a source session imports the snapshot again in each transaction.
 */
class Sessions implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Sessions.class);

	private final CloneRequest request;

	private final RunSnapshot snapshot;

	private final StopSignal stop;

	private final SessionPool sourcePool;

	private final SessionPool targetPool;

	Sessions(CloneRequest request, RunSnapshot snapshot, StopSignal stop) {
		this.request = request;
		this.snapshot = snapshot;
		this.stop = stop;
		// as many as work at once: copies, index builds and VACUUMs
		int parallel = request.tableJobs() * 2 + request.indexJobs();
		this.sourcePool = (request.source() != null) ? new SessionPool(request.source(), request.tableJobs()) : null;
		this.targetPool = (request.target() != null) ? new SessionPool(request.target(), parallel) : null;
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
		return this.stop.register(this.snapshot.sourceSession(this.sourcePool.take(work), work), Side.SOURCE, work);
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
		return this.stop.register(this.targetPool.take(work), Side.TARGET, work);
	}

	/** Closes the sessions kept for reuse, at the end of the run. */
	@Override
	public void close() {
		for (SessionPool pool : new SessionPool[] { this.sourcePool, this.targetPool }) {
			if (pool != null) {
				logger.debug("{}", pool.usage());
				pool.close();
			}
		}
	}

}

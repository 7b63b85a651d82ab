package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.pgcopydb.catalog.SourceSnapshot;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;

/**
 * The snapshot this process's run reads the source in: exported and held here for the
 * whole job, or adopted from {@code --snapshot} (then someone else holds it).
 */
@Component
class RunSnapshot implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RunSnapshot.class);

	private volatile SourceSnapshot held;

	private volatile String id;

	synchronized String export(PgEndpoint source) {
		Connection session = source.connect("snapshot");
		try {
			this.held = SourceSnapshot.export(session);
		}
		catch (SQLException ex) {
			try {
				session.close();
			}
			catch (SQLException ignored) {
				// reporting the export failure matters more
			}
			throw source.failure("exporting a snapshot", ex);
		}
		this.id = this.held.id();
		return this.id;
	}

	synchronized String adopt(PgEndpoint source, String snapshotId) {
		try (Connection connection = source.connect("snapshot check")) {
			SourceSnapshot.begin(connection, snapshotId);
			connection.rollback();
		}
		catch (SQLException ex) {
			throw new BadStateException(
					"snapshot \"" + snapshotId + "\" cannot be used on the " + source + ": "
							+ ex.getMessage().lines().findFirst().orElse("")
							+ "; the session that exported it must stay open: restart it, or run without --snapshot",
					ex);
		}
		this.id = snapshotId;
		return snapshotId;
	}

	/**
	 * The snapshot id; fails when this process holds none (a restart in a new process).
	 */
	String id() {
		String current = this.id;
		if (current == null) {
			throw new BadStateException("no source snapshot is available to this run: the snapshot of the earlier run"
					+ " ended with its process; pass --snapshot with a snapshot that is still held");
		}
		return current;
	}

	@Override
	public synchronized void close() {
		if (this.held != null) {
			try {
				this.held.close();
				logger.debug("released snapshot {}", this.id);
			}
			catch (SQLException ex) {
				logger.debug("closing the snapshot session failed", ex);
			}
			this.held = null;
		}
	}

}

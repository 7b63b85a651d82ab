package io.pgcopydb.job.stream;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.ReplicationOrigins;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;

/**
 * Makes the sentinel's startpos ({@code --startpos}, {@code stream sentinel set
 * startpos}) mean what pgcopydb documents: apply skips every transaction ending at or
 * before it, because the copy already holds their rows. Apply starts after the target
 * origin's position, so startpos takes effect by advancing the origin to it, when it is
 * ahead; the origin then says "applied up to startpos" and apply, setup's coverage check
 * and the removal of change files all go from there. Done at setup and at each start of
 * apply (a {@code set startpos} while the follow runs takes effect at its next start).
 * <p>
 * The origin never moves back: what it covers is committed on the target, and applying it
 * again would double rows. A startpos before it is reported and ignored.
 */
final class Startpos {

	private static final Logger logger = LoggerFactory.getLogger(Startpos.class);

	private Startpos() {
	}

	/**
	 * Advances {@code recorded}'s origin, and each of its apply sessions' origins, to the
	 * sentinel's startpos when startpos is after it; returns the origin's position
	 * afterwards.
	 */
	static Lsn apply(PgEndpoint target, StreamRecord recorded, SentinelStore sentinel) {
		Lsn startpos = sentinel.get().startpos();
		String origin = recorded.origin();
		try (Connection connection = target.connect("stream startpos")) {
			Lsn position = ReplicationOrigins.progress(connection, origin);
			if (position == null) {
				throw new BadStateException("replication origin " + origin + " of this --dir is gone from the target:"
						+ " what was applied is unknown; start over with --restart");
			}
			if (!startpos.isValid()) {
				return position;
			}
			// the origins of the other apply sessions (--apply-jobs), each on its own:
			// the
			// lowest of them all is where apply reads from
			for (String session : ReplicationOrigins.sessionOrigins(connection, origin)) {
				Lsn at = ReplicationOrigins.progress(connection, session);
				if (at != null && startpos.isAfter(at)) {
					ReplicationOrigins.advance(connection, session, startpos);
					logger.info("startpos {}: apply session origin {} advanced from {}", startpos, session, at);
				}
			}
			if (startpos.equals(position)) {
				return position;
			}
			if (startpos.isAfter(position)) {
				ReplicationOrigins.advance(connection, origin, startpos);
				sentinel.reportApplied(startpos, null);
				logger.info("startpos {}: origin {} advanced from {}; transactions ending at or before {} are skipped",
						startpos, origin, position, startpos);
				return startpos;
			}
			if (!startpos.equals(recorded.consistentPoint())) {
				logger.warn("startpos {} is before origin {}'s position {}: the target has applied up to {} already"
						+ " and an origin never moves back; apply goes on after {} (to replay from {}, start over"
						+ " with --restart)", startpos, origin, position, position, position, startpos);
			}
			return position;
		}
		catch (SQLException ex) {
			throw target.failure("advancing replication origin " + origin + " to startpos " + startpos, ex);
		}
	}

}

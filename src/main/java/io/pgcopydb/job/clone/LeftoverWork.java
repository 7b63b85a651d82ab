package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.ProcessRecords;
import io.pgcopydb.config.SessionTag;
import io.pgcopydb.config.Side;
import io.pgcopydb.database.TaggedBackends;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.StoppedException;
import io.pgcopydb.signal.StopSignal;

/**
 * Before a command works on the run of a --dir, ends what earlier processes of that --dir
 * left working: a killed JVM can leave a pg_dump or pg_restore running (where setpriv is
 * missing), and server backends that have not noticed their client died (an index build,
 * a COPY waiting for a lock; PostgreSQL 14+ ends them within
 * {@code client_connection_check_interval}, older ones only when they next talk to the
 * client). Left alone, they race the resume (a pg_restore half-way through pre-data) or
 * make it wait silently (a lock).
 * <p>
 * The caller holds the directory's lock, so every process recorded in
 * {@link ProcessRecords} other than this one has ended, and what carries its tag is ours
 * to end: a child gets SIGTERM, then SIGKILL; a backend gets
 * {@code pg_terminate_backend}. A backend this role may not signal is waited for, with a
 * message naming it and how to end it. Each is named in the log. A tag is forgotten once
 * both servers were checked clean of it; a step command that uses one server keeps it for
 * the next.
 */
final class LeftoverWork {

	private static final Logger logger = LoggerFactory.getLogger(LeftoverWork.class);

	private static final Duration CHILD_GRACE = Duration.ofSeconds(5);

	/** How long a terminated backend may take to go. */
	private static final Duration TERMINATION_WAIT = Duration.ofSeconds(30);

	private static final Duration RECHECK = Duration.ofSeconds(5);

	private final ProcessRecords records;

	private final StopSignal stop;

	LeftoverWork(ProcessRecords records, StopSignal stop) {
		this.records = records;
		this.stop = stop;
	}

	/**
	 * Ends the children, then the backends on {@code source} and {@code target} (either
	 * may be null: not used by this command), of earlier processes.
	 * @throws BadStateException when a recorded child cannot be ended
	 * @throws StoppedException when a stop is requested while a backend is waited for
	 */
	void end(PgEndpoint source, PgEndpoint target) {
		endChildren();
		List<SessionTag> earlier = this.records.earlier(SessionTag.current());
		if (earlier.isEmpty()) {
			return;
		}
		boolean bothChecked = true;
		for (PgEndpoint endpoint : new PgEndpoint[] { source, target }) {
			if (endpoint == null) {
				bothChecked = false;
				continue;
			}
			endBackends(endpoint, earlier);
		}
		if (bothChecked) {
			this.records.forget(earlier);
		}
	}

	private void endChildren() {
		for (ProcessRecords.Child child : this.records.children()) {
			if (child.tag().equals(SessionTag.current().value())) {
				continue;
			}
			if (child.alive()) {
				logger.info("Ending {} (pid {}), which an earlier process of this --dir (session tag {}) left running",
						child.what(), child.pid(), child.tag());
				if (!child.terminate(CHILD_GRACE)) {
					throw new BadStateException(child.what() + " (pid " + child.pid() + ") of an earlier process of"
							+ " this --dir still runs and could not be ended: end it (kill -KILL " + child.pid()
							+ "), then run the command again");
				}
			}
			child.forget();
		}
	}

	private void endBackends(PgEndpoint endpoint, List<SessionTag> earlier) {
		Side side = endpoint.side();
		Set<Integer> terminated = new HashSet<>();
		Set<Integer> refused = new HashSet<>();
		long slowAfter = System.nanoTime() + TERMINATION_WAIT.toNanos();
		boolean slowReported = false;
		try (Connection session = endpoint.connect("check earlier work")) {
			for (List<TaggedBackends.Backend> left = TaggedBackends.list(session, earlier); !left
				.isEmpty(); left = TaggedBackends.list(session, earlier)) {
				for (TaggedBackends.Backend backend : left) {
					if (terminated.contains(backend.pid()) || refused.contains(backend.pid())) {
						continue;
					}
					if (TaggedBackends.terminate(session, backend)) {
						terminated.add(backend.pid());
						logger.info("Ended the {} backend {}, left working by an earlier process of this --dir",
								side.label(), backend.describe());
					}
					else {
						refused.add(backend.pid());
						logger.warn("Waiting for the {} backend {}, left working by an earlier process of this --dir:"
								+ " this role may not end it; a superuser (or a member of pg_signal_backend) can, with"
								+ " SELECT pg_terminate_backend({}), or wait until it ends", side.label(),
								backend.describe(), backend.pid());
					}
				}
				if (!slowReported && System.nanoTime() - slowAfter > 0) {
					slowReported = true;
					logger.warn(
							"Still waiting for {} backend(s) on the {} left by an earlier process of this --dir: {}",
							left.size(), side.label(), left.stream().map(TaggedBackends.Backend::describe).toList());
				}
				pause(refused.isEmpty() ? Duration.ofMillis(200) : RECHECK, side);
			}
		}
		catch (SQLException ex) {
			throw endpoint.failure("checking for backends of earlier processes of this --dir", ex);
		}
	}

	/**
	 * Waits before the next look: briefly while terminated backends go, a few seconds
	 * while one this role may not end still works; a stop ends the wait.
	 */
	private void pause(Duration pause, Side side) {
		try {
			if (this.stop.await(pause)) {
				throw new StoppedException("stopped on request (" + this.stop.reason() + ") while waiting for "
						+ "backends of an earlier process on the " + side.label() + "; safe to resume");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoppedException("interrupted while waiting for backends of an earlier process on the "
					+ side.label() + "; safe to resume");
		}
	}

}

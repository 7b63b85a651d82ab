package io.pgcopydb.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The stall decision for one working session, a pure function of its successive
 * {@link SessionSample samples}: progress decides, not bytes alone. The session is
 * healthy at a sample when the worker's counter or the server's progress counters moved
 * since the previous one, or when the backend is working on its own: on CPU or in I/O (a
 * long index build or constraint validation sends nothing for minutes), idle (waiting for
 * this client, which then works on the other side), or waiting for a lock (reported
 * separately, and bounded by the lock timeout). It is stalled when none of that holds:
 * the backend waits on the network peer (wait type Client), or runs a COPY FROM whose row
 * counter stands still, or cannot be queried at all while the worker's counter stands
 * still (frozen, network gone). {@link #stalledFor()} is the time since the last healthy
 * sample.
 *
 * @param lastHealthy the last sample at which the session was healthy (the first sample
 * counts)
 * @param last the latest sample
 * @param lockWaitSince when the current lock wait was first seen, or null
 */
public record SessionHealth(Instant lastHealthy, SessionSample last, Instant lockWaitSince) {

	/** The health after a session's first sample. */
	public static SessionHealth first(SessionSample sample) {
		return new SessionHealth(sample.at(), sample, sample.waitsForLock() ? sample.at() : null);
	}

	/** The health after {@code sample}, which follows {@link #last()}. */
	public SessionHealth next(SessionSample sample) {
		boolean healthy = healthy(this.last, sample);
		Instant lockSince = sample.waitsForLock() ? ((this.lockWaitSince != null) ? this.lockWaitSince : sample.at())
				: null;
		return new SessionHealth(healthy ? sample.at() : this.lastHealthy, sample, lockSince);
	}

	static boolean healthy(SessionSample previous, SessionSample now) {
		if (now.clientProgress() != previous.clientProgress()) {
			return true;
		}
		if (!now.reachable()) {
			return false;
		}
		if (previous.reachable() && !Objects.equals(now.serverProgress(), previous.serverProgress())) {
			return true;
		}
		if (!now.isActive() || "Lock".equals(now.waitType())) {
			return true;
		}
		if ("Client".equals(now.waitType()) || now.countsEveryRow()) {
			return false;
		}
		return true;
	}

	/** How long the session has made no progress, as of its latest sample. */
	public Duration stalledFor() {
		return Duration.between(this.lastHealthy, this.last.at());
	}

	/** How long the session has waited for a lock, or zero. */
	public Duration lockWait() {
		return (this.lockWaitSince != null) ? Duration.between(this.lockWaitSince, this.last.at()) : Duration.ZERO;
	}

}

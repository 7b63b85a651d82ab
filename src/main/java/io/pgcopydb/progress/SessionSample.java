package io.pgcopydb.progress;

import java.time.Instant;
import java.util.List;

/**
 * What the stall watcher saw of one working session at one moment: the client-side
 * counter of the worker, and what the server says of the backend.
 *
 * @param at when the sample was taken
 * @param clientProgress the worker's own counter (bytes streamed, ...)
 * @param reachable whether the server answered and still lists the backend; a frozen
 * network or a vanished backend is not reachable
 * @param state pg_stat_activity.state (active, idle, idle in transaction, ...)
 * @param waitType pg_stat_activity.wait_event_type, null when on CPU
 * @param waitEvent pg_stat_activity.wait_event
 * @param serverProgress a key of the server's progress counters (pg_stat_progress_copy,
 * _create_index, _vacuum) that changes when they move
 * @param countsEveryRow the backend runs a COPY FROM, whose counters move with every row:
 * when they stand still it is not working, whatever its wait says
 * @param blockers pg_blocking_pids of the backend
 */
public record SessionSample(Instant at, long clientProgress, boolean reachable, String state, String waitType,
		String waitEvent, String serverProgress, boolean countsEveryRow, List<Integer> blockers) {

	public SessionSample {
		blockers = List.copyOf(blockers);
	}

	/** A sample of a backend the server did not answer for. */
	public static SessionSample unreachable(Instant at, long clientProgress) {
		return new SessionSample(at, clientProgress, false, null, null, null, null, false, List.of());
	}

	public boolean waitsForLock() {
		return this.reachable && isActive() && "Lock".equals(this.waitType);
	}

	boolean isActive() {
		return this.state != null && (this.state.startsWith("active") || this.state.startsWith("fastpath"));
	}

	/** "state active, wait Client/ClientRead" as the warning shows it. */
	public String describe() {
		if (!this.reachable) {
			return "the server does not answer for it";
		}
		return "state " + this.state + ", "
				+ ((this.waitType != null) ? "wait " + this.waitType + "/" + this.waitEvent : "no wait event");
	}

}

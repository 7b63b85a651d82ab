package io.pgcopydb.progress;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.SessionTag;
import io.pgcopydb.config.Side;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;

/**
 * No silent waits: every interval, asks each server (one query per side, on a monitoring
 * session of its own) what the run's working sessions ({@link StopSignal#sessions()}) are
 * doing, and judges each with {@link SessionHealth}. A session that made no progress for
 * {@code warnAfter} gets a warning naming its work, its side and its wait; after
 * {@code cancelAfter} its statement is cancelled and, when the backend does not react,
 * its connection aborted, and the worker's error then names the stall
 * ({@link WorkSession#failure()}). A lock wait longer than {@code lockReportAfter} is
 * reported with the blocking sessions (user, application, state; never their query), and
 * again every {@link #LOCK_REPEAT}. The child tools (pg_dump, pg_restore) are not
 * registered sessions, but they carry this process's {@link SessionTag}: a lock wait of
 * theirs is reported the same way ({@link #watchChildLockWaits}), so that a pre-data
 * restore queued behind another session's lock does not wait in silence. The longest
 * current stall is shown by the progress line instead of an ETA.
 * <p>
 * One per running job, on a daemon thread; start with {@link #start}, stop by closing.
 */
public final class StallWatcher implements AutoCloseable {

	static final Duration LOCK_REPEAT = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(StallWatcher.class);

	private final Map<Side, PgEndpoint> endpoints;

	private final StopSignal stop;

	private final ProgressTracker tracker;

	private final Limits limits;

	private final Map<Side, Connection> monitors = new ConcurrentHashMap<>();

	private final Map<WorkSession, Watched> watched = new HashMap<>();

	/** Lock waits of unregistered sessions (child tools), by side and pid. */
	private final Map<String, ChildWait> childWaits = new HashMap<>();

	private ScheduledExecutorService scheduler;

	/**
	 * @param interval how often the servers are asked
	 * @param warnAfter how long without progress before a warning
	 * @param cancelAfter how long without progress before the work is cancelled
	 * @param lockReportAfter how long a lock wait lasts before it is reported
	 */
	public record Limits(Duration interval, Duration warnAfter, Duration cancelAfter, Duration lockReportAfter) {
	}

	public StallWatcher(Map<Side, PgEndpoint> endpoints, StopSignal stop, ProgressTracker tracker, Limits limits) {
		this.endpoints = Map.copyOf(endpoints);
		this.stop = stop;
		this.tracker = tracker;
		this.limits = limits;
	}

	/** Starts watching; returns this, to close when the run ends. */
	public StallWatcher start() {
		synchronized (this.monitors) {
			this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "stall-watcher");
				thread.setDaemon(true);
				return thread;
			});
			long millis = Math.max(100, this.limits.interval().toMillis());
			this.scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
		}
		return this;
	}

	private void checkQuietly() {
		// a scheduled task that throws is never run again
		try {
			check();
		}
		catch (RuntimeException ex) {
			logger.debug("the stall watch failed: {}", ex.getMessage(), ex);
		}
	}

	/** Sides whose server did not answer the last round, warned about once per outage. */
	private final Set<Side> unwatchable = EnumSet.noneOf(Side.class);

	/**
	 * One round: sample every working session, judge, report and act. A copy has a
	 * session on each side: when one of them works (healthy at this sample), the other
	 * waiting on it is not stalled (a target COPY waits on the client while the source
	 * scans or waits for a lock), so only a copy whose two sessions both stand still is
	 * acted on, on both sides, which frees the worker whichever side it is blocked on.
	 */
	synchronized void check() {
		List<WorkSession> sessions = this.stop.sessions()
			.stream()
			.filter((session) -> session.side() != null && session.pid() != 0
					&& this.endpoints.containsKey(session.side()))
			.toList();
		this.watched.keySet().retainAll(sessions);
		List<WorkSession> judged = new ArrayList<>();
		for (Side side : Side.values()) {
			List<WorkSession> ofSide = sessions.stream().filter((session) -> session.side() == side).toList();
			if (ofSide.isEmpty()) {
				continue;
			}
			Map<Integer, SessionSample> samples = sample(side, ofSide);
			if (samples == null) {
				// the server did not answer the watcher (connection limit, pooler,
				// network):
				// nothing is known of its sessions, which is not a stall
				continue;
			}
			for (WorkSession session : ofSide) {
				SessionSample sample = samples.get(session.pid());
				if (sample == null) {
					sample = SessionSample.unreachable(Instant.now(), session.clientProgress());
				}
				Watched before = this.watched.get(session);
				Watched now = (before == null) ? new Watched(SessionHealth.first(sample))
						: before.next(before.health.next(sample));
				this.watched.put(session, now);
				judged.add(session);
			}
		}
		Duration longest = Duration.ZERO;
		for (WorkSession session : judged) {
			Watched now = this.watched.get(session);
			boolean peerWorks = judged.stream()
				.filter((other) -> other.side() != session.side() && other.work().equals(session.work()))
				.anyMatch((peer) -> this.watched.get(peer).health.stalledFor().isZero());
			act(session.side(), session, now, peerWorks);
			if (!peerWorks && !this.stop.requested() && now.health.stalledFor().compareTo(longest) > 0) {
				longest = now.health.stalledFor();
			}
		}
		this.tracker.stalled(longest.compareTo(this.limits.interval().multipliedBy(2)) >= 0 ? longest : Duration.ZERO);
		watchChildLockWaits(sessions);
	}

	/**
	 * Reports the lock waits of this process's sessions that are not registered (the
	 * child tools): once a wait has lasted {@code lockReportAfter}, then every
	 * {@link #LOCK_REPEAT}, with the blocking sessions. The wait is timed from the first
	 * sample that saw it.
	 */
	private void watchChildLockWaits(List<WorkSession> registered) {
		String prefix = SessionTag.PREFIX + SessionTag.current().value() + "] ";
		Integer[] watchedPids = registered.stream().map(WorkSession::pid).toArray(Integer[]::new);
		Set<String> seen = new HashSet<>();
		for (Side side : this.endpoints.keySet()) {
			if (this.unwatchable.contains(side)) {
				continue;
			}
			try {
				Connection monitor = monitor(side);
				try (PreparedStatement query = monitor.prepareStatement(SqlFiles.load("list_tagged_lock_waits"))) {
					query.setString(1, prefix);
					query.setString(2, prefix);
					query.setArray(3, monitor.createArrayOf("int4", watchedPids));
					try (ResultSet rs = query.executeQuery()) {
						Instant at = Instant.now();
						while (rs.next()) {
							int pid = rs.getInt("pid");
							String key = side + ":" + pid;
							seen.add(key);
							ChildWait wait = this.childWaits.computeIfAbsent(key, (k) -> new ChildWait(at));
							Duration waited = Duration.between(wait.since, at);
							if (waited.compareTo(this.limits.lockReportAfter()) >= 0 && (wait.reported == null
									|| Duration.between(wait.reported, at).compareTo(LOCK_REPEAT) >= 0)) {
								wait.reported = at;
								logger.warn("{} (backend {}) waits for a lock on the {} held by {} (for {} s)",
										purpose(rs.getString("application_name"), prefix), pid, side.label(),
										blockers(side, ints(rs.getArray("blockers"))), waited.toSeconds());
							}
						}
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				// a new monitoring session next round (the server may have restarted)
				logger.debug("watching the child tools' lock waits on the {} failed: {}", side.label(),
						ex.getMessage());
				closeMonitor(side);
			}
		}
		this.childWaits.keySet().retainAll(seen);
	}

	/**
	 * What a tagged session does: its application_name after the tag and after the name
	 * the user gave ({@code pgcopydb[tag] users-name: pg_restore}).
	 */
	static String purpose(String applicationName, String prefix) {
		String purpose = applicationName.substring(Math.min(prefix.length(), applicationName.length()));
		int colon = purpose.lastIndexOf(": ");
		return (colon >= 0) ? purpose.substring(colon + 2) : purpose;
	}

	private void act(Side side, WorkSession session, Watched watched, boolean peerWorks) {
		SessionHealth health = watched.health;
		Duration stalled = health.stalledFor();
		if (health.lockWait().compareTo(this.limits.lockReportAfter()) >= 0 && (watched.lockReported == null
				|| Duration.between(watched.lockReported, health.last().at()).compareTo(LOCK_REPEAT) >= 0)) {
			watched.lockReported = health.last().at();
			logger.warn("{} waits for a lock on the {} held by {} (for {} s)", session.work(), side.label(),
					blockers(side, health.last().blockers()), health.lockWait().toSeconds());
		}
		if (this.stop.requested() || (peerWorks && watched.cancelled == null)) {
			return;
		}
		if (watched.cancelled != null) {
			if (Duration.between(watched.cancelled, health.last().at()).compareTo(StopSignal.ABORT_AFTER) >= 0
					&& !watched.aborted) {
				watched.aborted = true;
				logger.warn("{}: the {} backend {} did not react to the cancel; closing its connection", session.work(),
						side.label(), session.pid());
				session.abort();
			}
			return;
		}
		if (stalled.compareTo(this.limits.cancelAfter()) >= 0) {
			String why = session.work() + ": the " + side.label() + " backend " + session.pid()
					+ " made no progress for " + stalled.toSeconds() + " s (" + health.last().describe()
					+ "); cancelled after pgcopydb.copy.stall-timeout (" + this.limits.cancelAfter().toSeconds()
					+ " s): check the " + side.label() + " server, then finish with --resume";
			logger.warn("{}", why);
			session.failed(why);
			watched.cancelled = health.last().at();
			session.cancel();
		}
		else if (stalled.compareTo(this.limits.warnAfter()) >= 0 && (watched.warned == null
				|| Duration.between(watched.warned, health.last().at()).compareTo(this.limits.warnAfter()) >= 0)) {
			watched.warned = health.last().at();
			logger.warn("{}: the {} backend {} has made no progress for {} s ({}); cancelled after {} s",
					session.work(), side.label(), session.pid(), stalled.toSeconds(), health.last().describe(),
					this.limits.cancelAfter().toSeconds());
		}
	}

	/**
	 * The samples of {@code sessions} on {@code side}, by pid (a session the server no
	 * longer lists has none), or null when the server could not be asked.
	 */
	private Map<Integer, SessionSample> sample(Side side, List<WorkSession> sessions) {
		Map<Integer, SessionSample> samples = new HashMap<>();
		Map<Integer, Long> client = new HashMap<>();
		sessions.forEach((session) -> client.put(session.pid(), session.clientProgress()));
		try {
			Connection monitor = monitor(side);
			String sql = SqlFiles.load((monitor.getMetaData().getDatabaseMajorVersion() >= 14) ? "list_session_activity"
					: "list_session_activity_pre14");
			try (PreparedStatement query = monitor.prepareStatement(sql)) {
				query.setArray(1, monitor.createArrayOf("int4", client.keySet().toArray()));
				try (ResultSet rs = query.executeQuery()) {
					Instant at = Instant.now();
					while (rs.next()) {
						int pid = rs.getInt("pid");
						samples.put(pid, new SessionSample(at, client.get(pid), true, rs.getString("state"),
								rs.getString("wait_event_type"), rs.getString("wait_event"), rs.getString("progress"),
								rs.getBoolean("counts_every_row"), ints(rs.getArray("blockers"))));
					}
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			if (this.unwatchable.add(side)) {
				logger.warn("Cannot watch the run's sessions on the {}: {}; stalls there go undetected until it"
						+ " answers again", side.label(), ex.getMessage());
			}
			closeMonitor(side);
			return null;
		}
		this.unwatchable.remove(side);
		return samples;
	}

	/** "pid 4242 (user bob, application psql, idle in transaction)" for each blocker. */
	private String blockers(Side side, List<Integer> pids) {
		if (pids.isEmpty()) {
			return "another session";
		}
		List<String> named = new ArrayList<>();
		try {
			Connection monitor = monitor(side);
			try (PreparedStatement query = monitor.prepareStatement(SqlFiles.load("list_blocking_sessions"))) {
				query.setArray(1, monitor.createArrayOf("int4", pids.toArray()));
				try (ResultSet rs = query.executeQuery()) {
					while (rs.next()) {
						named.add("pid " + rs.getInt("pid") + " (user " + rs.getString("usename") + ", application "
								+ rs.getString("application_name") + ", " + rs.getString("state") + ")");
					}
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("naming the blocking sessions on the {} failed: {}", side.label(), ex.getMessage());
		}
		return named.isEmpty() ? "pid " + pids : String.join(", ", named);
	}

	private static List<Integer> ints(Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		return Arrays.stream((Integer[]) array.getArray()).toList();
	}

	/**
	 * The monitoring session of {@code side}, opened on first use; its reads time out, so
	 * that a server gone silent does not stop the watch.
	 */
	private Connection monitor(Side side) throws SQLException {
		Connection monitor = this.monitors.get(side);
		if (monitor == null) {
			monitor = this.endpoints.get(side).connect("stall watch");
			monitor.setNetworkTimeout(Runnable::run, (int) Math.max(5000, this.limits.interval().toMillis() * 2));
			this.monitors.put(side, monitor);
		}
		return monitor;
	}

	private void closeMonitor(Side side) {
		Connection monitor = this.monitors.remove(side);
		if (monitor != null) {
			try {
				monitor.abort(Runnable::run);
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("closing the {} monitoring session failed: {}", side.label(), ex.getMessage());
			}
		}
	}

	/**
	 * Stops the watch without waiting for a round in flight: its monitoring sessions are
	 * aborted under it.
	 */
	@Override
	public void close() {
		ScheduledExecutorService running;
		synchronized (this.monitors) {
			running = this.scheduler;
			this.scheduler = null;
		}
		if (running != null) {
			running.shutdownNow();
		}
		List.copyOf(this.monitors.keySet()).forEach(this::closeMonitor);
		this.tracker.stalled(Duration.ZERO);
	}

	/** A lock wait of a child tool's session: since when it is seen, when reported. */
	private static final class ChildWait {

		private final Instant since;

		private Instant reported;

		ChildWait(Instant since) {
			this.since = since;
		}

	}

	/** A session's health and what was already reported or done about it. */
	private static final class Watched {

		private final SessionHealth health;

		private Instant warned;

		private Instant lockReported;

		private Instant cancelled;

		private boolean aborted;

		Watched(SessionHealth health) {
			this.health = health;
		}

		Watched next(SessionHealth next) {
			Watched watched = new Watched(next);
			boolean stillStalled = next.lastHealthy().equals(this.health.lastHealthy());
			watched.warned = stillStalled ? this.warned : null;
			watched.cancelled = stillStalled ? this.cancelled : null;
			watched.aborted = stillStalled && this.aborted;
			watched.lockReported = (next.lockWaitSince() != null) ? this.lockReported : null;
			return watched;
		}

	}

}

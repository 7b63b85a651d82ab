package io.pgcopydb.config;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.error.BadStateException;

/**
 * Who drives a run kept in a {@link SharedRepository}: the process holding a session
 * advisory lock on the repository database, keyed by the run's schema. The file lock of
 * --dir protects one host only; this lease keeps two processes on different hosts from
 * driving one run, and the server releases it when its session ends, even when the
 * process was killed. So a process holding it knows, as with the file lock, that a run
 * the JobRepository still calls STARTED is stale.
 */
public final class RepositoryLease implements AutoCloseable {

	private static final String HOLDER = "SELECT a.application_name, host(a.client_addr), a.backend_start"
			+ " FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
			+ " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
			+ " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())"
			+ " AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid";

	/** How often the lease's session is checked (which also keeps it from idling out). */
	static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(RepositoryLease.class);

	private static final String OWN = "SELECT 1 FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid()"
			+ " AND locktype = 'advisory' AND granted AND objsubid = 1 AND classid = ?::bigint::oid"
			+ " AND objid = ?::bigint::oid";

	/**
	 * Server settings of the lease's session, so that the server ends it, and frees the
	 * lease, within about 30 s of its client host dying or being cut off (TCP keepalives
	 * alone wait two hours by default): the checks keep a live session from idling that
	 * long. Best effort: idle_session_timeout is PostgreSQL 14's.
	 */
	private static final List<String> SERVER_SETTINGS = List.of("tcp_keepalives_idle=10", "tcp_keepalives_interval=5",
			"tcp_keepalives_count=3", "tcp_user_timeout=30000", "idle_session_timeout=30000");

	private final Connection session;

	private final long key;

	private final ScheduledExecutorService checker;

	private RepositoryLease(Connection session, SharedRepository repository, Runnable onLost) {
		this(session, key(repository), "the lease of the run " + repository.schema() + " in the repository "
				+ repository.connection().endpoint(), "another process could now drive the run", onLost);
	}

	private RepositoryLease(Connection session, long key, String lease, String consequence, Runnable onLost) {
		this.session = session;
		this.key = key;
		this.checker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "repository-lease");
			thread.setDaemon(true);
			return thread;
		});
		this.checker.scheduleWithFixedDelay(() -> {
			if (!valid()) {
				logger.error("The session holding {} ended (the server restarted or the network dropped it): {},"
						+ " so this one stops", lease, consequence);
				this.checker.shutdown();
				onLost.run();
			}
		}, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Whether this session still holds the lock: a live socket is not enough (a pooler
	 * between us and the server could have given the lock's server session up).
	 */
	private boolean valid() {
		try (PreparedStatement statement = this.session.prepareStatement(OWN)) {
			statement.setQueryTimeout((int) CHECK_INTERVAL.toSeconds());
			statement.setLong(1, this.key >>> 32);
			statement.setLong(2, this.key & 0xffffffffL);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * Takes the lease of {@code repository}'s run for {@code command}, creating the run's
	 * schema when missing, or fails naming the session that holds it.
	 * @param onLost called once, from another thread, if the lease's session ends while
	 * held: the process must then stop driving the run
	 */
	static RepositoryLease acquire(SharedRepository repository, String command, Runnable onLost) {
		Connection session = repository.connect("lease: " + command);
		try {
			boolean taken;
			try (PreparedStatement statement = session.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?)")) {
				statement.setLong(1, key(repository));
				try (ResultSet rs = statement.executeQuery()) {
					taken = rs.next() && rs.getBoolean(1);
				}
			}
			if (!taken) {
				String holder = holder(session, repository);
				throw new BadStateException("another pgcopydb process drives the run " + repository.schema()
						+ " in the repository " + repository.connection().endpoint() + " ("
						+ ((holder != null) ? holder : "a session that has just ended: try again")
						+ "): wait for it to end, stop it (pgcopydb job stop), or name another run with "
						+ SharedRepository.NAME_OPTION);
			}
			repository.createSchema(session);
			keepAliveOnServer(session);
			return new RepositoryLease(session, repository, onLost);
		}
		catch (SQLException ex) {
			close(session);
			throw repository.failure("taking the lease of the run " + repository.schema(), ex);
		}
		catch (RuntimeException ex) {
			close(session);
			throw ex;
		}
	}

	private static void keepAliveOnServer(Connection session) {
		for (String setting : SERVER_SETTINGS) {
			String[] nameValue = setting.split("=", 2);
			try (PreparedStatement statement = session.prepareStatement("SELECT pg_catalog.set_config(?, ?, false)")) {
				statement.setString(1, nameValue[0]);
				statement.setString(2, nameValue[1]);
				statement.execute();
			}
			catch (SQLException ex) {
				logger.debug("The repository refuses {} on the lease's session: {}", setting, ex.getMessage());
			}
		}
	}

	/**
	 * Takes the lease {@code key} in {@code repository}'s database for good (a worker's
	 * presence, which its manager probes with {@link #isHeld(Connection, long)}).
	 * @param lease what the lease is, for the message when it is lost
	 * @param onLost called once, from another thread, if the lease's session ends
	 */
	public static RepositoryLease hold(SharedRepository repository, long key, String lease, Runnable onLost) {
		Connection session = repository.connect("lease: " + lease);
		try {
			try (PreparedStatement statement = session.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?)")) {
				statement.setLong(1, key);
				try (ResultSet rs = statement.executeQuery()) {
					if (!rs.next() || !rs.getBoolean(1)) {
						throw new BadStateException(lease + " is held by another session: " + "start the process anew");
					}
				}
			}
			keepAliveOnServer(session);
			return new RepositoryLease(session, key, lease, "its work may be given to others", onLost);
		}
		catch (SQLException ex) {
			close(session);
			throw repository.failure("taking " + lease, ex);
		}
		catch (RuntimeException ex) {
			close(session);
			throw ex;
		}
	}

	/** The advisory lock key of {@code text}: 64 bits of its SHA-256. */
	public static long keyOf(String text) {
		return ByteBuffer.wrap(SharedRepository.sha256(text)).getLong();
	}

	/** Whether a live session holds the lease of {@code repository}'s run. */
	static boolean isHeld(SharedRepository repository) {
		try (Connection session = repository.connect("check")) {
			return holder(session, repository) != null;
		}
		catch (SQLException ex) {
			throw repository.failure("looking for the process that drives the run " + repository.schema(), ex);
		}
	}

	/**
	 * The session holding the lease, as pg_stat_activity shows it (another role's
	 * sessions show no application_name to a role without pg_read_all_stats), or null.
	 */
	private static String holder(Connection session, SharedRepository repository) throws SQLException {
		long key = key(repository);
		try (PreparedStatement statement = session.prepareStatement(HOLDER)) {
			statement.setLong(1, key >>> 32);
			statement.setLong(2, key & 0xffffffffL);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				String name = rs.getString(1);
				String client = rs.getString(2);
				String since = rs.getString(3);
				return "session " + ((name != null) ? "'" + name + "'" : "of another role")
						+ ((client != null) ? " from " + client : "") + ((since != null) ? " since " + since : "");
			}
		}
	}

	/** The advisory lock key: 64 bits of a hash of the run's schema. */
	public static long key(SharedRepository repository) {
		return keyOf("pgcopydb run " + repository.schema());
	}

	@Override
	public void close() {
		this.checker.shutdownNow();
		close(this.session);
	}

	private static void close(Connection session) {
		try {
			session.close();
		}
		catch (SQLException ignored) {
			// the server releases the lock with the session
		}
	}

}

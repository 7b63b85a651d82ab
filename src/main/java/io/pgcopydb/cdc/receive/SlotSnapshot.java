package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.pg.SqlStates;

/**
 * A logical replication slot just created with an exported snapshot, and the replication
 * session that holds that snapshot: the snapshot lives exactly as long as this object is
 * open and the session idle (any command on it would end the snapshot), so the clone
 * copies through it ({@code SnapshotSource.Given}) and closes this once the copy is done.
 * What the snapshot sees is exactly what precedes the slot's consistent point: no gap, no
 * overlap between the copy and the stream.
 * <p>
 * Creating the slot waits for every transaction that had an xid when it began, in any
 * database of the cluster; while it waits, the blocking sessions are logged every few
 * seconds, and after {@code timeout} the creation is cancelled (nothing is left: the slot
 * is ephemeral until created) and fails naming them.
 */
public final class SlotSnapshot implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SlotSnapshot.class);

	/** How often the sessions blocking the slot creation are logged. */
	static final Duration REPORT_EVERY = Duration.ofSeconds(5);

	private final Connection session;

	private final String slot;

	private final Plugin plugin;

	private final Lsn consistentPoint;

	private final String snapshotName;

	private final String systemIdentifier;

	private SlotSnapshot(Connection session, String slot, Plugin plugin, Lsn consistentPoint, String snapshotName,
			String systemIdentifier) {
		this.session = session;
		this.systemIdentifier = systemIdentifier;
		this.slot = slot;
		this.plugin = plugin;
		this.consistentPoint = consistentPoint;
		this.snapshotName = snapshotName;
	}

	/**
	 * Creates {@code slot} with {@code plugin} on a new replication session of
	 * {@code source}.
	 * @throws SourceNotReadyException when the plugin is not installed or the creation
	 * waited longer than {@code timeout}
	 */
	public static SlotSnapshot create(PgEndpoint source, String slot, Plugin plugin, Duration timeout) {
		return create(source, slot, plugin, timeout, false);
	}

	/**
	 * Creates a temporary slot (dropped by the server when its session ends, whatever
	 * happens to this process) only for its snapshot and the snapshot's exact position:
	 * what the snapshot sees is exactly the source before {@link #consistentPoint()}.
	 */
	public static SlotSnapshot createTemporary(PgEndpoint source, String slot, Duration timeout) {
		return create(source, slot, Plugin.PGOUTPUT, timeout, true);
	}

	private static SlotSnapshot create(PgEndpoint source, String slot, Plugin plugin, Duration timeout,
			boolean temporary) {
		Connection session = source.replicationConnection("slot " + slot);
		try {
			int pid = backendPid(session);
			String systemIdentifier = systemIdentifier(session);
			SlotWait wait = new SlotWait(source, pid, slot, timeout,
					temporary ? "--follow-timeout" : "--slot-wait-timeout");
			try (Statement statement = session.createStatement()) {
				wait.start();
				try (ResultSet rs = statement
					.executeQuery("CREATE_REPLICATION_SLOT \"" + slot + "\"" + (temporary ? " TEMPORARY" : "")
							+ " LOGICAL " + plugin.pluginName() + " (SNAPSHOT 'export')")) {
					rs.next();
					Lsn consistentPoint = Lsn.parse(rs.getString("consistent_point"), "consistent point");
					String snapshot = rs.getString("snapshot_name");
					logger.info("Created replication slot {} ({}) at consistent point {}, snapshot {}", slot,
							plugin.pluginName(), consistentPoint, snapshot);
					return new SlotSnapshot(session, slot, plugin, consistentPoint, snapshot, systemIdentifier);
				}
			}
			catch (SQLException ex) {
				throw wait.timedOut() ? wait.timeoutFailure(ex) : creationFailure(source, slot, plugin, ex);
			}
			finally {
				wait.stop();
			}
		}
		catch (RuntimeException ex) {
			closeQuietly(session);
			throw ex;
		}
	}

	private static RuntimeException creationFailure(PgEndpoint source, String slot, Plugin plugin, SQLException ex) {
		String where = source.side().label() + " " + source.connectionString().endpoint();
		if (SqlStates.UNDEFINED_FILE.equals(ex.getSQLState())) {
			return new SourceNotReadyException("the output plugin " + plugin.pluginName() + " is not installed on the "
					+ where + " (" + SqlStates.firstLine(ex.getMessage()) + "): install it there (the "
					+ plugin.pluginName() + " package of the server's PostgreSQL version) or use --plugin pgoutput",
					ex);
		}
		if (ex.getMessage() != null && ex.getMessage().contains("may not be used as an output plugin")) {
			// PostgreSQL 15.19, 16.15, 17.11, 18.6 and later trust only the output
			// plugins
			// output_plugin_libraries names (pgoutput and test_decoding by default)
			return new SourceNotReadyException("the " + where + " does not trust " + plugin.pluginName()
					+ " as an output plugin: add it to output_plugin_libraries there, keeping the plugins already"
					+ " listed (e.g. ALTER SYSTEM SET output_plugin_libraries = 'pgoutput, test_decoding, "
					+ plugin.pluginName() + "'; SELECT pg_reload_conf()), or use --plugin pgoutput", ex);
		}
		if (SqlStates.DUPLICATE_OBJECT.equals(ex.getSQLState())) {
			return new io.pgcopydb.error.BadStateException("replication slot " + slot + " already exists on the "
					+ where + ": drop it with pgcopydb stream cleanup (if a run of this --dir made it) or pick"
					+ " another name with --slot-name", ex);
		}
		return source.failure("creating replication slot " + slot, ex);
	}

	private static String systemIdentifier(Connection session) {
		try {
			return ReplicationSlots.systemIdentifier(session);
		}
		catch (SQLException ex) {
			throw new SourceNotReadyException("cannot identify the source system: " + ex.getMessage(), ex);
		}
	}

	private static int backendPid(Connection session) {
		try (Statement statement = session.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
			rs.next();
			return rs.getInt(1);
		}
		catch (SQLException ex) {
			throw new SourceNotReadyException("cannot query the replication session: " + ex.getMessage(), ex);
		}
	}

	public String slot() {
		return this.slot;
	}

	public Plugin plugin() {
		return this.plugin;
	}

	/** Where the slot's stream starts: the first change after the snapshot. */
	public Lsn consistentPoint() {
		return this.consistentPoint;
	}

	/** The exported snapshot, for SET TRANSACTION SNAPSHOT and pg_dump --snapshot. */
	public String snapshotName() {
		return this.snapshotName;
	}

	/** The source cluster's system identifier (IDENTIFY_SYSTEM). */
	public String systemIdentifier() {
		return this.systemIdentifier;
	}

	/** Ends the snapshot (not the slot). */
	@Override
	public void close() {
		closeQuietly(this.session);
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ignored) {
			// the session is gone either way, and with it the snapshot
		}
	}

	/**
	 * Watches a slot creation from a second session: logs the blocking sessions every
	 * {@link #REPORT_EVERY}, cancels the creation after the timeout.
	 */
	private static final class SlotWait {

		private final PgEndpoint source;

		private final int pid;

		private final String slot;

		private final Duration timeout;

		private final ScheduledExecutorService timer;

		private final AtomicBoolean timedOut = new AtomicBoolean();

		private final AtomicReference<List<String>> blockers = new AtomicReference<>(List.of());

		private final long started = System.nanoTime();

		/** The option that sets the timeout, as the error names it. */
		private final String option;

		SlotWait(PgEndpoint source, int pid, String slot, Duration timeout, String option) {
			this.option = option;
			this.source = source;
			this.pid = pid;
			this.slot = slot;
			this.timeout = timeout;
			this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "slot-wait");
				thread.setDaemon(true);
				return thread;
			});
		}

		void start() {
			long period = Math.min(REPORT_EVERY.toMillis(), Math.max(100, this.timeout.toMillis()));
			this.timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
		}

		private void check() {
			try (Connection monitor = this.source.connect("slot wait")) {
				List<String> found = SlotBlockers.list(monitor, this.pid);
				this.blockers.set(found);
				Duration waited = Duration.ofNanos(System.nanoTime() - this.started);
				if (!found.isEmpty()) {
					logger.warn(
							"Creating replication slot {} has waited {} s for {} transaction(s) on the source to"
									+ " end: {}",
							this.slot, waited.toSeconds(), found.size(), SourceChecks.listing(found));
				}
				if (waited.compareTo(this.timeout) >= 0 && this.timedOut.compareAndSet(false, true)) {
					try (Statement cancel = monitor.createStatement()) {
						cancel.execute("SELECT pg_catalog.pg_cancel_backend(" + this.pid + ")");
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("Cannot list the sessions blocking replication slot {}: {}", this.slot, ex.getMessage());
			}
		}

		boolean timedOut() {
			return this.timedOut.get();
		}

		RuntimeException timeoutFailure(SQLException ex) {
			List<String> found = this.blockers.get();
			return new SourceNotReadyException("creating replication slot " + this.slot + " waited "
					+ this.timeout.toSeconds() + " s (" + this.option + ") for transactions on the source to end"
					+ (found.isEmpty() ? "" : ": " + SourceChecks.listing(found))
					+ "; end or commit them (or roll back prepared ones), or raise " + this.option + ", then run"
					+ " the command again", ex);
		}

		void stop() {
			this.timer.shutdownNow();
			try {
				this.timer.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}

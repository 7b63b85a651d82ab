package io.pgcopydb.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away server made with the local {@code initdb} and {@code pg_ctl}: a temp
 * directory, a random superuser password, scram over TCP on 127.0.0.1 only, a free port.
 * <p>
 * {@link #close()} stops the server and deletes its directory; it may be called more than
 * once. Should the JVM be killed before that, a watchdog shell does the same.
 */
final class LocalPgServer implements PgServer, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalPgServer.class);

	private static final int PORT_ATTEMPTS = 3;

	private final LocalCluster cluster;

	private final String password;

	private final int port;

	private final int majorVersion;

	private final Process watchdog;

	private final AtomicBoolean closed = new AtomicBoolean();

	private LocalPgServer(LocalCluster cluster, String password, int port, int majorVersion, Process watchdog) {
		this.cluster = cluster;
		this.password = password;
		this.port = port;
		this.majorVersion = majorVersion;
		this.watchdog = watchdog;
	}

	/** Initializes and starts a new server; on failure nothing is left behind. */
	static LocalPgServer start(Path binDir, String name) {
		return start(binDir, name, randomPassword(), List.of(), Map.of());
	}

	/**
	 * As above, with this superuser password, these postgresql.conf lines and this
	 * environment for the server process.
	 */
	static LocalPgServer start(Path binDir, String name, String password, List<String> settings,
			Map<String, String> serverEnvironment) {
		LocalCluster cluster = LocalCluster.create(binDir, name, settings, serverEnvironment);
		Process watchdog = null;
		try {
			cluster.initialize(password);
			int port = startOnFreePort(cluster);
			watchdog = cluster.startWatchdog();
			return new LocalPgServer(cluster, password, port, queryMajorVersion(port, password), watchdog);
		}
		catch (RuntimeException ex) {
			if (watchdog != null) {
				watchdog.destroy();
			}
			cluster.stopAndDelete();
			throw ex;
		}
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String superuser() {
		return LocalCluster.SUPERUSER;
	}

	@Override
	public String superuserPassword() {
		return this.password;
	}

	@Override
	public int majorVersion() {
		return this.majorVersion;
	}

	@Override
	public Optional<Path> socketDirectory() {
		return Optional.of(this.cluster.baseDir());
	}

	@Override
	public Path binDir() {
		return this.cluster.binDir();
	}

	@Override
	public String toString() {
		return "local PostgreSQL " + this.majorVersion + " on 127.0.0.1:" + this.port + " in " + this.cluster.baseDir();
	}

	/** Restarts the server on its port (fast shutdown: every session ends). */
	void restart() {
		ChildProcess.Result restart = this.cluster.restart(this.port);
		if (!restart.succeeded()) {
			throw new IllegalStateException("pg_ctl restart failed for " + this + ": " + restart.stderr().strip());
		}
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			if (this.watchdog != null) {
				this.watchdog.destroy();
			}
			this.cluster.stopAndDelete();
		}
	}

	/** A port found free may be taken before postgres binds it, so try a few. */
	private static int startOnFreePort(LocalCluster cluster) {
		for (int attempt = 1;; attempt++) {
			int port = freePort();
			ChildProcess.Result start = cluster.start(port);
			if (start.succeeded()) {
				return port;
			}
			String serverLog = cluster.logTail();
			if (attempt == PORT_ATTEMPTS || !serverLog.contains("could not bind")) {
				throw new IllegalStateException(String.format("pg_ctl start failed for the test server in %s: %s%n%s",
						cluster.baseDir(), start.stderr().strip(), serverLog));
			}
			logger.debug("Port {} was taken before the test server bound it, trying another", port);
		}
	}

	private static int queryMajorVersion(int port, String password) {
		String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
		try (Connection connection = DriverManager.getConnection(url, LocalCluster.SUPERUSER, password);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
			rs.next();
			return Integer.parseInt(rs.getString(1)) / 10000;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the test server on 127.0.0.1:" + port
					+ " started but refuses a password login: " + ex.getMessage(), ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot find a free TCP port on 127.0.0.1", ex);
		}
	}

	static String randomPassword() {
		SecureRandom random = new SecureRandom();
		String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		StringBuilder password = new StringBuilder("it-");
		for (int i = 0; i < 24; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

}

package io.pgcopydb.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away cluster made with the local {@code initdb} and {@code pg_ctl}: a temp
 * directory, a random superuser password, scram over TCP on 127.0.0.1 only, a free port.
 * <p>
 * initdb and postgres refuse to run as root, so when the JVM is root every server
 * program runs as the {@code postgres} OS user through {@code runuser} and the temp
 * directory is handed to that user. {@link #close()} stops the server with
 * {@code -m immediate} (the data is thrown away, a clean checkpoint would only cost
 * time) and deletes the directory; it may be called more than once. Should the JVM be
 * killed before that, a watchdog shell does the same.
 */
final class LocalPgServer implements PgServer, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalPgServer.class);

	private static final String SUPERUSER = "postgres";

	private static final String OS_USER = "postgres";

	private static final int PORT_ATTEMPTS = 3;

	private final Path binDir;

	private final Path baseDir;

	private final String password;

	private final boolean asRoot;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile int port;

	private volatile int majorVersion;

	private volatile Process watchdog;

	private LocalPgServer(Path binDir, Path baseDir, String password, boolean asRoot) {
		this.binDir = binDir;
		this.baseDir = baseDir;
		this.password = password;
		this.asRoot = asRoot;
	}

	/** Initializes and starts a new cluster; on failure nothing is left behind. */
	static LocalPgServer start(Path binDir, String name) {
		boolean asRoot = "root".equals(System.getProperty("user.name"));
		Path baseDir;
		try {
			baseDir = Files.createTempDirectory("pgcopydb-it-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temp directory for the " + name + " server", ex);
		}
		LocalPgServer server = new LocalPgServer(binDir, baseDir, randomPassword(), asRoot);
		try {
			server.initialize();
			server.startOnFreePort();
			server.startWatchdog();
			server.majorVersion = server.queryMajorVersion();
			return server;
		}
		catch (RuntimeException ex) {
			server.close();
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
		return SUPERUSER;
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
	public Path binDir() {
		return this.binDir;
	}

	@Override
	public String toString() {
		return "local PostgreSQL " + this.majorVersion + " on 127.0.0.1:" + this.port + " in " + this.baseDir;
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		if (this.watchdog != null) {
			this.watchdog.destroy();
		}
		if (Files.exists(dataDir().resolve("postmaster.pid"))) {
			ChildProcess.Result stop = ChildProcess.run(
					asServerUser(List.of(this.binDir.resolve("pg_ctl").toString(), "-D", dataDir().toString(), "-m",
							"immediate", "-w", "stop")),
					Map.of(), Duration.ofSeconds(30));
			if (!stop.succeeded()) {
				logger.warn("Could not stop the test server in {}: {}", this.baseDir, stop.stderr().strip());
			}
		}
		deleteRecursively(this.baseDir);
	}

	private void initialize() {
		Path pwFile = this.baseDir.resolve("pwfile");
		try {
			Files.writeString(pwFile, this.password + "\n");
			Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
			if (this.asRoot) {
				UserPrincipalLookupService users = this.baseDir.getFileSystem().getUserPrincipalLookupService();
				Files.setOwner(this.baseDir, users.lookupPrincipalByName(OS_USER));
				Files.setOwner(pwFile, users.lookupPrincipalByName(OS_USER));
			}
			ChildProcess.Result init = initdb(pwFile, "C.UTF-8");
			if (!init.succeeded()) {
				// some minimal images have no C.UTF-8 locale; C still gives a UTF8 database
				logger.debug("initdb with C.UTF-8 failed, retrying with locale C: {}", init.stderr().strip());
				deleteRecursively(dataDir());
				initdb(pwFile, "C").orThrow();
			}
			Files.writeString(dataDir().resolve("postgresql.conf"), settings(), java.nio.file.StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare the test cluster in " + this.baseDir, ex);
		}
		finally {
			deleteRecursively(pwFile);
		}
	}

	private ChildProcess.Result initdb(Path pwFile, String locale) {
		return ChildProcess.run(asServerUser(List.of(this.binDir.resolve("initdb").toString(), "-D",
				dataDir().toString(), "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth-local=trust",
				"--auth-host=scram-sha-256", "-E", "UTF8", "--locale=" + locale, "--no-sync")), Map.of(),
				Duration.ofMinutes(2));
	}

	private String settings() {
		return String.join("\n", "", "# pgcopydb integration tests", "listen_addresses = '127.0.0.1'",
				"unix_socket_directories = '" + this.baseDir + "'", "wal_level = logical", "fsync = off",
				"synchronous_commit = on", "full_page_writes = off", "max_wal_senders = 10",
				"max_replication_slots = 10", "max_connections = 200", "shared_buffers = 128MB", "");
	}

	/** A port found free may be taken before postgres binds it, so try a few. */
	private void startOnFreePort() {
		Path log = this.baseDir.resolve("postgres.log");
		for (int attempt = 1;; attempt++) {
			this.port = freePort();
			ChildProcess.Result start = ChildProcess.run(asServerUser(List.of(this.binDir.resolve("pg_ctl").toString(),
					"-D", dataDir().toString(), "-l", log.toString(), "-o", "-p " + this.port, "-w", "-t", "60",
					"start")), Map.of(), Duration.ofSeconds(90));
			if (start.succeeded()) {
				return;
			}
			String serverLog = tail(log);
			if (attempt == PORT_ATTEMPTS || !serverLog.contains("could not bind")) {
				throw new IllegalStateException(String.format("pg_ctl start failed for the test cluster in %s: %s%n%s",
						this.baseDir, start.stderr().strip(), serverLog));
			}
		}
	}

	/**
	 * A shutdown hook does not run when the JVM is killed (SIGKILL from a fork timeout or
	 * the OOM killer), so a small shell outlives the JVM, notices its death and stops the
	 * server. It is the JVM's own child, so it may probe the JVM's pid even when the
	 * server runs as another user.
	 */
	private void startWatchdog() {
		List<String> command = new ArrayList<>(List.of("sh", "-c",
				"jvm=$1; dir=$2; shift 2; while kill -0 \"$jvm\" 2>/dev/null; do sleep 1; done; \"$@\"; rm -rf \"$dir\"",
				"pgcopydb-it-watchdog", Long.toString(ProcessHandle.current().pid()), this.baseDir.toString()));
		command.addAll(asServerUser(List.of(this.binDir.resolve("pg_ctl").toString(), "-D", dataDir().toString(), "-m",
				"immediate", "-w", "stop")));
		try {
			this.watchdog = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			logger.warn("No watchdog for the test server in {} ({}): it outlives a killed JVM", this.baseDir,
					ex.getMessage());
		}
	}

	private int queryMajorVersion() {
		try (Connection connection = connect("postgres"); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
			rs.next();
			return Integer.parseInt(rs.getString(1)) / 10000;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the test server on 127.0.0.1:" + this.port
					+ " started but refuses a password login: " + ex.getMessage(), ex);
		}
	}

	private List<String> asServerUser(List<String> command) {
		if (!this.asRoot) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
		wrapped.addAll(command);
		return wrapped;
	}

	private Path dataDir() {
		return this.baseDir.resolve("data");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot find a free TCP port on 127.0.0.1", ex);
		}
	}

	private static String randomPassword() {
		SecureRandom random = new SecureRandom();
		String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		StringBuilder password = new StringBuilder("it-");
		for (int i = 0; i < 24; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no server log at " + log + ")";
		}
	}

	private static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> tree = Files.walk(path)) {
			tree.sorted(Comparator.reverseOrder()).forEach((file) -> {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					logger.warn("Could not delete {}: {}", file, ex.getMessage());
				}
			});
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}: {}", path, ex.getMessage());
		}
	}

}

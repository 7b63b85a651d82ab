package io.pgcopydb.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk side of a {@link LocalPgServer}: a temp directory holding the data
 * directory and the server log, and the initdb/pg_ctl calls on it.
 * <p>
 * initdb and postgres refuse to run as root, so when the JVM is root every server program
 * runs as the {@code postgres} OS user through {@code runuser} and the directory is
 * handed to that user. The server is stopped with {@code -m immediate}: the data is
 * thrown away, a clean checkpoint would only cost time.
 *
 * @param binDir where initdb and pg_ctl live
 * @param baseDir the temp directory owning everything
 * @param asRoot whether server programs must be run through {@code runuser}
 * @param extraSettings postgresql.conf lines beyond the tests' own
 * @param serverEnvironment the server process's environment beyond the inherited one
 */
record LocalCluster(Path binDir, Path baseDir, boolean asRoot, List<String> extraSettings,
		Map<String, String> serverEnvironment) {

	static final String SUPERUSER = "postgres";

	private static final String OS_USER = "postgres";

	private static final Logger logger = LoggerFactory.getLogger(LocalCluster.class);

	static LocalCluster create(Path binDir, String name) {
		return create(binDir, name, List.of(), Map.of());
	}

	static LocalCluster create(Path binDir, String name, List<String> extraSettings,
			Map<String, String> serverEnvironment) {
		try {
			return new LocalCluster(binDir, Files.createTempDirectory("pgcopydb-it-" + name + "-"),
					"root".equals(System.getProperty("user.name")), List.copyOf(extraSettings),
					Map.copyOf(serverEnvironment));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temp directory for the " + name + " test server", ex);
		}
	}

	/** initdb with scram over TCP, trust on the private socket, then our settings. */
	void initialize(String password) {
		Path pwFile = this.baseDir.resolve("pwfile");
		try {
			Files.writeString(pwFile, password + "\n");
			Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
			if (this.asRoot) {
				UserPrincipalLookupService users = this.baseDir.getFileSystem().getUserPrincipalLookupService();
				Files.setOwner(this.baseDir, users.lookupPrincipalByName(OS_USER));
				Files.setOwner(pwFile, users.lookupPrincipalByName(OS_USER));
			}
			ChildProcess.Result init = initdb(pwFile, "C.UTF-8");
			if (!init.succeeded()) {
				// some minimal images have no C.UTF-8 locale; C still gives a UTF8
				// database
				logger.debug("initdb with C.UTF-8 failed, retrying with locale C: {}", init.stderr().strip());
				delete(dataDir());
				initdb(pwFile, "C").orThrow();
			}
			Files.writeString(dataDir().resolve("postgresql.conf"), settings() + outputPlugins(),
					StandardOpenOption.APPEND);
		}
		catch (UserPrincipalNotFoundException ex) {
			throw new IllegalStateException("initdb refuses to run as root and there is no OS user '" + OS_USER
					+ "' to run it as: create that user (useradd " + OS_USER + "), run the tests as another user,"
					+ " or use -D" + TestServers.MODE_PROPERTY + "=docker", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare the test server in " + this.baseDir, ex);
		}
		finally {
			delete(pwFile);
		}
	}

	ChildProcess.Result start(int port) {
		return ChildProcess.run(asServerUser(List.of(pgCtl(), "-D", dataDir().toString(), "-l", log().toString(), "-o",
				"-p " + port, "-w", "-t", "60", "start")), this.serverEnvironment, Duration.ofSeconds(90));
	}

	/** Stops the server with a fast shutdown (sessions ended) and starts it again. */
	ChildProcess.Result restart(int port) {
		return ChildProcess.run(asServerUser(List.of(pgCtl(), "-D", dataDir().toString(), "-l", log().toString(), "-o",
				"-p " + port, "-m", "fast", "-w", "-t", "60", "restart")), this.serverEnvironment,
				Duration.ofSeconds(90));
	}

	/**
	 * A shutdown hook does not run when the JVM is killed (SIGKILL from a fork timeout or
	 * the OOM killer), so a small shell outlives the JVM, notices its death and stops the
	 * server. It runs as the JVM's user so that it may probe the JVM's pid.
	 * @return the watchdog, to be destroyed on a normal stop; null if it could not start
	 */
	Process startWatchdog() {
		String script = "jvm=$1; dir=$2; shift 2; while kill -0 \"$jvm\" 2>/dev/null; do sleep 1; done;"
				+ " \"$@\"; rm -rf \"$dir\"";
		List<String> command = new ArrayList<>(List.of("sh", "-c", script, "pgcopydb-it-watchdog",
				Long.toString(ProcessHandle.current().pid()), this.baseDir.toString()));
		command.addAll(stopCommand());
		try {
			return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			logger.warn("No watchdog for the test server in {} ({}): it outlives a killed JVM", this.baseDir,
					ex.getMessage());
			return null;
		}
	}

	void stopAndDelete() {
		if (Files.exists(dataDir().resolve("postmaster.pid"))) {
			ChildProcess.Result stop = ChildProcess.run(stopCommand(), Map.of(), Duration.ofSeconds(30));
			if (!stop.succeeded()) {
				logger.warn("Could not stop the test server in {}: {}", this.baseDir, stop.stderr().strip());
			}
		}
		delete(this.baseDir);
	}

	/** The last lines of the server log, for error messages. */
	String logTail() {
		try {
			List<String> lines = Files.readAllLines(log());
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no server log at " + log() + ")";
		}
	}

	private ChildProcess.Result initdb(Path pwFile, String locale) {
		return ChildProcess.run(asServerUser(List.of(this.binDir.resolve("initdb").toString(), "-D",
				dataDir().toString(), "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth-local=trust",
				"--auth-host=scram-sha-256", "-E", "UTF8", "--locale=" + locale, "--no-sync")), Map.of(),
				Duration.ofMinutes(2));
	}

	/**
	 * PostgreSQL 15.19, 16.15, 17.11, 18.6 and later trust only the output plugins
	 * output_plugin_libraries names: the follow tests use wal2json too. An older server
	 * has no such setting (and refuses to start with it).
	 */
	private String outputPlugins() {
		ChildProcess.Result known = ChildProcess.run(asServerUser(List.of(this.binDir.resolve("postgres").toString(),
				"-D", dataDir().toString(), "-C", "output_plugin_libraries")), Map.of(), Duration.ofSeconds(30));
		return known.succeeded() ? "output_plugin_libraries = 'pgoutput, test_decoding, wal2json'\n" : "";
	}

	private String settings() {
		return String.join("\n", "", "# pgcopydb integration tests", "listen_addresses = '127.0.0.1'",
				"unix_socket_directories = '" + this.baseDir + "'", "wal_level = logical", "fsync = off",
				"full_page_writes = off", "synchronous_commit = on", "max_wal_senders = 10",
				"max_replication_slots = 10", "max_connections = 200", "shared_buffers = 128MB",
				String.join("\n", this.extraSettings), "");
	}

	private List<String> stopCommand() {
		return asServerUser(List.of(pgCtl(), "-D", dataDir().toString(), "-m", "immediate", "-w", "stop"));
	}

	private List<String> asServerUser(List<String> command) {
		if (!this.asRoot) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
		wrapped.addAll(command);
		return wrapped;
	}

	private String pgCtl() {
		return this.binDir.resolve("pg_ctl").toString();
	}

	private Path dataDir() {
		return this.baseDir.resolve("data");
	}

	private Path log() {
		return this.baseDir.resolve("postgres.log");
	}

	private static void delete(Path path) {
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

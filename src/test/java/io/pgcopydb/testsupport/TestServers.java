package io.pgcopydb.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The source and target servers of one test run, and the choice of where they come from.
 * <p>
 * {@code -Dpg.mode=docker|local} forces a mode. By default: Testcontainers when a Docker
 * engine answers, else local binaries found in {@code PG_BINDIR}, else the newest
 * {@code /usr/lib/postgresql/N/bin}, else {@code pg_config --bindir}. When no mode works
 * the start fails with the remedy, never a silent skip: a green build without integration
 * tests would lie. Both servers start in parallel; a JVM shutdown hook stops them should
 * the test engine never close its store.
 */
final class TestServers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TestServers.class);

	static final String MODE_PROPERTY = "pg.mode";

	private static final Pattern DEBIAN_BIN_DIR = Pattern.compile("/usr/lib/postgresql/(\\d+)/bin");

	private final PgServers servers;

	private final List<AutoCloseable> closeables;

	private final AtomicBoolean closed = new AtomicBoolean();

	private TestServers(PgServers servers, List<AutoCloseable> closeables) {
		this.servers = servers;
		this.closeables = closeables;
	}

	PgServers servers() {
		return this.servers;
	}

	static TestServers start() {
		long started = System.nanoTime();
		String mode = System.getProperty(MODE_PROPERTY, "").strip().toLowerCase();
		TestServers testServers = switch (mode) {
			case "docker" -> startInDocker(true);
			case "local" -> startLocally(true);
			case "" -> dockerAnswers() ? startInDocker(false) : startLocally(false);
			default -> throw new IllegalStateException(
					"-D" + MODE_PROPERTY + "=" + mode + " is not a test server mode: use docker or local");
		};
		logger.info("Test servers up in {} ms: source {}, target {}", (System.nanoTime() - started) / 1_000_000,
				testServers.servers.source(), testServers.servers.target());
		return testServers;
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (AutoCloseable closeable : this.closeables) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn("Could not stop test server {}: {}", closeable, ex.getMessage());
			}
		}
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			logger.debug("No Docker engine: {}", ex.toString());
			return false;
		}
	}

	private static TestServers startInDocker(boolean forced) {
		if (forced && !dockerAnswers()) {
			throw new IllegalStateException("-D" + MODE_PROPERTY
					+ "=docker but no Docker engine answers: start Docker (or set DOCKER_HOST), or use -D"
					+ MODE_PROPERTY + "=local with PostgreSQL server binaries installed");
		}
		return startPair(ContainerPgServer::start, ContainerPgServer::start);
	}

	private static TestServers startLocally(boolean forced) {
		Path binDir = findBinDir().orElseThrow(() -> new IllegalStateException(
				(forced ? "" : "No PostgreSQL for the integration tests: no Docker engine answers and ")
						+ "no initdb was found in PG_BINDIR, /usr/lib/postgresql/<major>/bin or `pg_config --bindir`:"
						+ " install the PostgreSQL server binaries (e.g. apt-get install postgresql-15), set PG_BINDIR,"
						+ " or start Docker"));
		return startPair(() -> LocalPgServer.start(binDir, "source"), () -> LocalPgServer.start(binDir, "target"));
	}

	/** Starts both servers at once; if either fails, the other is stopped. */
	private static <S extends PgServer & AutoCloseable> TestServers startPair(Supplier<S> source, Supplier<S> target) {
		CompletableFuture<S> sourceStart = CompletableFuture.supplyAsync(source);
		CompletableFuture<S> targetStart = CompletableFuture.supplyAsync(target);
		S sourceServer = join(sourceStart);
		S targetServer = join(targetStart);
		if (sourceServer == null || targetServer == null) {
			RuntimeException failure = failure(sourceStart, targetStart);
			Stream.of(sourceServer, targetServer).filter((server) -> server != null).forEach(TestServers::closeQuietly);
			throw failure;
		}
		TestServers testServers = new TestServers(new PgServers(sourceServer, targetServer),
				List.of(sourceServer, targetServer));
		Runtime.getRuntime().addShutdownHook(new Thread(testServers::close, "pgcopydb-it-servers-stop"));
		return testServers;
	}

	private static <S> S join(CompletableFuture<S> start) {
		try {
			return start.join();
		}
		catch (CompletionException ex) {
			return null;
		}
	}

	private static RuntimeException failure(CompletableFuture<?>... starts) {
		for (CompletableFuture<?> start : starts) {
			try {
				start.join();
			}
			catch (CompletionException ex) {
				return (ex.getCause() instanceof RuntimeException cause) ? cause
						: new IllegalStateException(ex.getCause());
			}
		}
		return new IllegalStateException("a test server failed to start");
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.warn("Could not stop test server {}: {}", closeable, ex.getMessage());
		}
	}

	/** PG_BINDIR, else the newest Debian-style bin dir, else what pg_config says. */
	static Optional<Path> findBinDir() {
		String fromEnv = System.getenv("PG_BINDIR");
		if (fromEnv != null && !fromEnv.isBlank()) {
			Path binDir = Path.of(fromEnv);
			if (!Files.isExecutable(binDir.resolve("initdb"))) {
				throw new IllegalStateException("PG_BINDIR=" + fromEnv
						+ " holds no executable initdb: point it at a PostgreSQL server bin directory");
			}
			return Optional.of(binDir);
		}
		Optional<Path> newest = newestDebianBinDir();
		if (newest.isPresent()) {
			return newest;
		}
		return pgConfigBinDir().filter((binDir) -> Files.isExecutable(binDir.resolve("initdb")));
	}

	private static Optional<Path> newestDebianBinDir() {
		Path root = Path.of("/usr/lib/postgresql");
		if (!Files.isDirectory(root)) {
			return Optional.empty();
		}
		try (Stream<Path> majors = Files.list(root)) {
			return majors.map((major) -> major.resolve("bin"))
				.filter((binDir) -> Files.isExecutable(binDir.resolve("initdb")))
				.max(Comparator.comparingInt(TestServers::debianMajor));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static int debianMajor(Path binDir) {
		Matcher matcher = DEBIAN_BIN_DIR.matcher(binDir.toString());
		return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	private static Optional<Path> pgConfigBinDir() {
		try {
			ChildProcess.Result result = ChildProcess.run(List.of("pg_config", "--bindir"), Map.of(),
					Duration.ofSeconds(10));
			return result.succeeded() ? Optional.of(Path.of(result.stdout().strip())) : Optional.empty();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

}

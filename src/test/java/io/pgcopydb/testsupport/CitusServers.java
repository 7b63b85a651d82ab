package io.pgcopydb.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * Two local servers with Citus preloaded (the Citus 12.1 build of
 * {@code ../shared/citus}), where each test database is a Citus cluster of its own: the
 * coordinator alone holding its shards, or the coordinator and the worker server (a Citus
 * cluster is per database, so one pair of servers serves many clusters). Both servers
 * share one superuser password, which they also use to log in to each other.
 * <p>
 * Tests are skipped, with the reason, when Citus is not installed and cannot be: where
 * {@code ../shared/citus} is absent (a fresh clone), or where installing it would need a
 * PostgreSQL upgrade while test servers run ({@code .ci/run} installs it first).
 */
public final class CitusServers implements AutoCloseable {

	/** The fixture: the Citus build and its install script. */
	public static final Path FIXTURE = Path.of("..", "shared", "citus");

	/** The PostgreSQL 15 minor release the fixture was built against. */
	private static final int FIXTURE_MINOR = 20;

	private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)\\.(\\d+)");

	private final DedicatedServer coordinator;

	private final DedicatedServer worker;

	private CitusServers(DedicatedServer coordinator, DedicatedServer worker) {
		this.coordinator = coordinator;
		this.worker = worker;
	}

	/** Starts the two servers, or skips the test with the reason Citus is missing. */
	public static CitusServers start() {
		Path binDir = TestServers.findBinDir().orElse(null);
		Assumptions.assumeTrue(binDir != null, "no local PostgreSQL binaries for Citus servers");
		assumeInstalled(binDir);
		String password = LocalPgServer.randomPassword();
		DedicatedServer coordinator = DedicatedServer.startCitus("citus-coordinator", password);
		try {
			return new CitusServers(coordinator, DedicatedServer.startCitus("citus-worker", password));
		}
		catch (RuntimeException ex) {
			coordinator.close();
			throw ex;
		}
	}

	public DedicatedServer coordinator() {
		return this.coordinator;
	}

	public DedicatedServer worker() {
		return this.worker;
	}

	/**
	 * Creates {@code db} as a Citus cluster: the coordinator holds shards; with
	 * {@code withWorker}, the worker server's database of that name is a second node.
	 */
	public void createCluster(String db, boolean withWorker) {
		this.coordinator.createDatabase(db);
		this.coordinator.execute(db, "CREATE EXTENSION citus");
		this.coordinator.execute(db, "SELECT citus_set_coordinator_host('127.0.0.1', " + this.coordinator.port() + ")");
		this.coordinator.execute(db, "SELECT citus_set_node_property('127.0.0.1', " + this.coordinator.port()
				+ ", 'shouldhaveshards', true)");
		if (withWorker) {
			this.worker.createDatabase(db);
			this.worker.execute(db, "CREATE EXTENSION citus");
			this.coordinator.execute(db, "SELECT citus_add_node('127.0.0.1', " + this.worker.port() + ")");
		}
	}

	@Override
	public void close() {
		this.worker.close();
		this.coordinator.close();
	}

	/**
	 * Skips unless citus.so is in the PostgreSQL installation; installs it from the
	 * fixture when that needs no PostgreSQL upgrade and this process runs as root.
	 */
	private static void assumeInstalled(Path binDir) {
		Path library = binDir.getParent().resolve("lib").resolve("citus.so");
		if (Files.exists(library)) {
			return;
		}
		Path install = FIXTURE.resolve("install.sh").toAbsolutePath().normalize();
		Assumptions.assumeTrue(Files.isExecutable(install), () -> "Citus is not installed (" + library + ") and "
				+ FIXTURE.toAbsolutePath().normalize() + " is absent (fresh clone): skipping the Citus tests");
		Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
				() -> "Citus is not installed: run " + install + " as root, then the tests");
		int minor = minorVersion(binDir).orElse(0);
		Assumptions.assumeTrue(minor >= FIXTURE_MINOR,
				() -> "Citus is not installed, and " + install + " would first upgrade PostgreSQL 15." + minor
						+ " to 15." + FIXTURE_MINOR + ", which servers already running cannot take: run it before the"
						+ " tests (.ci/run does)");
		ChildProcess.Result result = ChildProcess.run(List.of(install.toString()), Map.of(), Duration.ofMinutes(5));
		if (!result.succeeded()) {
			throw new IllegalStateException("installing Citus with " + install + " failed: " + result.stderr().strip());
		}
	}

	private static Optional<Integer> minorVersion(Path binDir) {
		ChildProcess.Result version = ChildProcess.run(List.of(binDir.resolve("postgres").toString(), "--version"),
				Map.of(), Duration.ofSeconds(30));
		Matcher matcher = VERSION.matcher(version.stdout());
		return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(2))) : Optional.empty();
	}

}

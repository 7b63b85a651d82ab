package io.pgcopydb.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * A server of one test's own, for what the shared pair must not suffer: a restart. Local
 * binaries only (the test is skipped in Docker mode); closed by the test.
 */
public final class DedicatedServer implements PgServer, AutoCloseable {

	private final LocalPgServer server;

	private DedicatedServer(LocalPgServer server) {
		this.server = server;
	}

	public static DedicatedServer start(String name) {
		Optional<Path> binDir = TestServers.findBinDir();
		Assumptions.assumeTrue(binDir.isPresent(), "no local PostgreSQL binaries for a dedicated server");
		return new DedicatedServer(LocalPgServer.start(binDir.get(), name));
	}

	/**
	 * A server of Citus nodes (citus preloaded; see {@link CitusServers}): its superuser
	 * has {@code password}, and the server logs in to other nodes with it too.
	 */
	static DedicatedServer startCitus(String name, String password) {
		Optional<Path> binDir = TestServers.findBinDir();
		Assumptions.assumeTrue(binDir.isPresent(), "no local PostgreSQL binaries for a dedicated server");
		return new DedicatedServer(LocalPgServer.start(binDir.get(), name, password,
				List.of("shared_preload_libraries = 'citus'", "max_connections = 300", "max_worker_processes = 40"),
				Map.of("PGPASSWORD", password)));
	}

	/** A fast shutdown (every session ends), then a start on the same port. */
	public void restart() {
		this.server.restart();
	}

	@Override
	public String host() {
		return this.server.host();
	}

	@Override
	public int port() {
		return this.server.port();
	}

	@Override
	public String superuser() {
		return this.server.superuser();
	}

	@Override
	public String superuserPassword() {
		return this.server.superuserPassword();
	}

	@Override
	public int majorVersion() {
		return this.server.majorVersion();
	}

	@Override
	public Path binDir() {
		return this.server.binDir();
	}

	@Override
	public Optional<Path> socketDirectory() {
		return this.server.socketDirectory();
	}

	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public String toString() {
		return "dedicated " + this.server;
	}

}

package io.pgcopydb.testsupport;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL server in a Testcontainers-managed container (the usual CI setup). The
 * superuser is {@code postgres}, as pagila's dump expects; client programs come from the
 * PATH since the container's own cannot be run from here.
 */
final class ContainerPgServer implements PgServer, AutoCloseable {

	static final String IMAGE = "postgres:15-alpine";

	private final PostgreSQLContainer container;

	private final int majorVersion;

	private ContainerPgServer(PostgreSQLContainer container, int majorVersion) {
		this.container = container;
		this.majorVersion = majorVersion;
	}

	static ContainerPgServer start() {
		byte[] secret = new byte[16];
		new SecureRandom().nextBytes(secret);
		PostgreSQLContainer container = new PostgreSQLContainer(IMAGE).withUsername("postgres")
			.withPassword("it-" + HexFormat.of().formatHex(secret))
			.withDatabaseName("postgres")
			.withCommand("postgres", "-c", "wal_level=logical", "-c", "fsync=off", "-c", "max_connections=200", "-c",
					"max_wal_senders=10", "-c", "max_replication_slots=10");
		container.start();
		try (Connection connection = DriverManager.getConnection(container.getJdbcUrl(), container.getUsername(),
				container.getPassword());
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
			rs.next();
			return new ContainerPgServer(container, Integer.parseInt(rs.getString(1)) / 10000);
		}
		catch (SQLException ex) {
			container.stop();
			throw new IllegalStateException("cannot log in to the PostgreSQL container " + IMAGE, ex);
		}
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
	}

	@Override
	public String superuser() {
		return this.container.getUsername();
	}

	@Override
	public String superuserPassword() {
		return this.container.getPassword();
	}

	@Override
	public int majorVersion() {
		return this.majorVersion;
	}

	@Override
	public Path binDir() {
		return null;
	}

	@Override
	public String toString() {
		return "PostgreSQL " + this.majorVersion + " in container " + IMAGE + " on " + host() + ":" + port();
	}

	@Override
	public void close() {
		this.container.stop();
	}

}

package io.pgcopydb.testsupport;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One running PostgreSQL server that integration tests may use freely: a superuser with a
 * password, reachable over TCP (password authentication, never trust) and configured with
 * {@code wal_level=logical}.
 * <p>
 * The server is shared by every test class of the run, so a test creates its own
 * databases (unique names) and drops them, along with any replication slot it made.
 * Client programs (psql, pg_dump) run with the password in {@code PGPASSWORD}, never on
 * their command line.
 */
public interface PgServer {

	String host();

	int port();

	String superuser();

	String superuserPassword();

	/** The server's major version, such as 15. */
	int majorVersion();

	/**
	 * Where this server's major version keeps psql, pg_dump and pg_restore, when known
	 * (local mode); {@code null} means "use the ones on the PATH".
	 */
	Path binDir();

	/**
	 * The directory of the server's Unix-domain socket ({@code .s.PGSQL.<port>}, trust
	 * authentication for the superuser), when the test can reach it (local mode).
	 */
	default Optional<Path> socketDirectory() {
		return Optional.empty();
	}

	/** The path of a client program to run against this server, such as "pg_dump". */
	default String tool(String name) {
		return (binDir() != null) ? binDir().resolve(name).toString() : name;
	}

	/** A libpq URI for the superuser, as a user passes to {@code --source}. */
	default String uri(String db) {
		return uri(db, superuser(), superuserPassword());
	}

	default String uri(String db, String user, String password) {
		return String.format("postgres://%s:%s@%s:%d/%s", encode(user), encode(password), host(), port(), encode(db));
	}

	default String jdbcUrl(String db) {
		return String.format("jdbc:postgresql://%s:%d/%s", host(), port(), encode(db));
	}

	/** A new superuser connection in autocommit mode; the caller closes it. */
	default Connection connect(String db) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", superuser());
		properties.setProperty("password", superuserPassword());
		properties.setProperty("ApplicationName", "pgcopydb-it");
		return DriverManager.getConnection(jdbcUrl(db), properties);
	}

	/** Runs SQL (one or several statements) in its own autocommit session. */
	default void execute(String db, String sql) {
		try (Connection connection = connect(db); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(String.format("SQL failed in database %s on %s:%d (SQLSTATE %s): %s", db,
					host(), port(), ex.getSQLState(), ex.getMessage()), ex);
		}
	}

	/**
	 * Drops the replication origins named {@code roname LIKE pattern}, waiting for a
	 * session that still has one set up (an apply session that was just closed) to end.
	 */
	default void dropOrigins(String pattern) {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
		String sql = "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname LIKE " + "'"
				+ pattern.replace("'", "''") + "'";
		while (true) {
			try {
				execute("postgres", sql);
				return;
			}
			catch (IllegalStateException ex) {
				if (!(ex.getCause() instanceof SQLException cause) || !"55006".equals(cause.getSQLState())
						|| System.nanoTime() > deadline) {
					throw ex;
				}
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Creates an empty database from template0, so concurrent creations never clash. */
	default void createDatabase(String name) {
		execute("postgres", "CREATE DATABASE " + quoteIdentifier(name) + " TEMPLATE template0");
	}

	/**
	 * Drops a database if it exists, first ending its sessions and dropping its
	 * replication slots (a leftover slot both blocks the drop and pins WAL).
	 */
	default void dropDatabase(String name) {
		String literal = "'" + name.replace("'", "''") + "'";
		execute("postgres", "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
				+ " WHERE active_pid IS NOT NULL AND database = " + literal);
		execute("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = "
				+ literal + " AND NOT active");
		execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
				+ " AND datname = " + literal);
		execute("postgres",
				"DROP DATABASE IF EXISTS " + quoteIdentifier(name) + ((majorVersion() >= 13) ? " WITH (FORCE)" : ""));
	}

	/**
	 * Runs a SQL script with psql, stopping at the first error.
	 * @throws IllegalStateException naming the script and carrying psql's stderr
	 */
	default void psql(String db, Path sqlFile) {
		ChildProcess
			.run(List.of(tool("psql"), "-v", "ON_ERROR_STOP=1", "-X", "-q", "-h", host(), "-p",
					Integer.toString(port()), "-U", superuser(), "-d", db, "-f", sqlFile.toAbsolutePath().toString()),
					clientEnvironment(), Duration.ofMinutes(5))
			.orThrow();
	}

	/** The environment a client program needs to log in as the superuser. */
	default Map<String, String> clientEnvironment() {
		return Map.of("PGPASSWORD", superuserPassword(), "PGCONNECT_TIMEOUT", "10");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String quoteIdentifier(String name) {
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

}

package io.pgcopydb.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * A JobRepository kept in a PostgreSQL database ({@code --repository-url}) instead of the
 * SQLite file of --dir, so that runs on several hosts can share it. Each run keeps its
 * tables, Spring Batch's and our plan's, in a schema of its own named after the run
 * ({@code --run-name}; by default the --dir's name and a hash of its absolute path), so
 * that several runs share one repository database without seeing each other's jobs: every
 * query of the embedded repository works unchanged under the run's search_path.
 * <p>
 * The connection string is read as the source's and target's are (a password from the
 * string, PGPASSWORD or the password file, never logged: {@link #toString()} is
 * redacted), and the JDBC form {@code jdbc:postgresql://host:port/dbname?user=...} is
 * accepted too.
 */
public final class SharedRepository {

	public static final String URL_OPTION = "--repository-url";

	public static final String URL_VARIABLE = "PGCOPYDB_REPOSITORY_URL";

	public static final String URL_PROPERTY = "pgcopydb.repository.url";

	public static final String NAME_OPTION = "--run-name";

	/**
	 * A lower-case SQL identifier (quoted in statements all the same: it may be a
	 * keyword, such as {@code user}).
	 */
	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

	private static final Set<String> RESERVED = Set.of("public", "information_schema");

	private static final String JDBC_PREFIX = "jdbc:postgresql:";

	private final ConnectionString connection;

	private final String schema;

	private SharedRepository(ConnectionString connection, String schema) {
		this.connection = connection;
		this.schema = schema;
	}

	/**
	 * The repository {@code url} names, for the run {@code runName} (null: derived from
	 * {@code dir}).
	 * @throws BadArgumentsException when the URL is malformed or the name not usable
	 */
	public static SharedRepository of(String url, String runName, Path dir) {
		String raw = url.strip();
		if (raw.regionMatches(true, 0, "jdbc:", 0, 5)) {
			if (!raw.regionMatches(true, 0, JDBC_PREFIX + "//", 0, JDBC_PREFIX.length() + 2)) {
				throw new BadArgumentsException(URL_OPTION + " takes a PostgreSQL database:"
						+ " jdbc:postgresql://host:port/dbname, a postgres:// URI or host=... dbname=... pairs");
			}
			raw = raw.substring("jdbc:".length());
		}
		ConnectionString connection = ConnectionString.parse(raw, URL_OPTION);
		return new SharedRepository(connection, (runName != null) ? checkedName(runName) : defaultName(dir));
	}

	/** The run's schema: {@code --run-name} as given, when it is one. */
	static String checkedName(String runName) {
		if (!NAME.matcher(runName).matches() || runName.startsWith("pg_") || RESERVED.contains(runName)) {
			throw new BadArgumentsException(NAME_OPTION + " " + runName + " cannot name a run: it becomes a schema of"
					+ " the repository database, so use up to 63 lower-case letters, digits and underscores, starting"
					+ " with a letter (not pg_..., public or information_schema)");
		}
		return runName;
	}

	/**
	 * {@code <name of dir>_<8 hex digits of a hash of this host's name and the dir's real
	 * path>}: two --dir of the same name in different places, or the same path on two
	 * hosts (the default /tmp/pgcopydb), are different runs; a run shared by several
	 * hosts is named with --run-name.
	 */
	static String defaultName(Path dir) {
		return defaultName(dir, hostName());
	}

	static String defaultName(Path dir, String host) {
		Path absolute = realPath(dir.toAbsolutePath().normalize());
		String base = (absolute.getFileName() != null) ? absolute.getFileName().toString() : "root";
		base = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
		if (base.isEmpty() || !Character.isLetter(base.charAt(0)) || base.startsWith("pg_")) {
			base = "run_" + base;
		}
		if (base.length() > 40) {
			base = base.substring(0, 40);
		}
		return base + "_" + HexFormat.of().formatHex(sha256(host + ":" + absolute), 0, 4);
	}

	/**
	 * The path with its symbolic links resolved as far as it exists (a --dir not created
	 * yet is named as it will be).
	 */
	private static Path realPath(Path absolute) {
		Path existing = absolute;
		while (existing != null && !java.nio.file.Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return absolute;
		}
		try {
			return existing.toRealPath().resolve(existing.relativize(absolute));
		}
		catch (java.io.IOException ex) {
			return absolute;
		}
	}

	/** The kernel's host name (no name-service lookup, which can hang on a bad DNS). */
	public static String hostName() {
		try {
			return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
		}
		catch (java.io.IOException | RuntimeException ex) {
			try {
				return java.net.InetAddress.getLocalHost().getHostName();
			}
			catch (java.io.IOException unknown) {
				return "localhost";
			}
		}
	}

	static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

	/** The schema that holds this run's tables. */
	public String schema() {
		return this.schema;
	}

	public ConnectionString connection() {
		return this.connection;
	}

	/** The PgJDBC URL, without any setting or secret: see {@link #jdbcProperties}. */
	public String jdbcUrl() {
		return this.connection.jdbcUrl();
	}

	/**
	 * The PgJDBC properties of a repository session: credentials, the user's settings,
	 * this process's tagged application_name and the run's schema as search_path.
	 */
	public Properties jdbcProperties(String purpose) {
		PgJdbcSettings.disableDriverPasswordFile();
		Properties properties = this.connection.jdbcProperties();
		properties.setProperty("ApplicationName",
				SessionTag.current().applicationName(this.connection.applicationName(), purpose));
		properties.setProperty("currentSchema", this.schema);
		return properties;
	}

	/**
	 * Opens an autocommit session on the repository, for {@code purpose}.
	 * @throws DatabaseException with the remedy, exit code {@link ExitCode#REPOSITORY}
	 */
	public Connection connect(String purpose) {
		try {
			return DriverManager.getConnection(jdbcUrl(), jdbcProperties(purpose));
		}
		catch (SQLException ex) {
			throw connectFailure(ex);
		}
	}

	/**
	 * Creates the run's schema when it is missing, for a process about to record a run; a
	 * schema that exists (made by a DBA for the role) needs no right on the database.
	 */
	public void createSchema(Connection session) {
		try {
			try (PreparedStatement statement = session.prepareStatement(
					"SELECT pg_catalog.to_regnamespace(?) IS NOT NULL, pg_catalog.has_database_privilege(?, 'CREATE')")) {
				statement.setString(1, Identifiers.quote(this.schema));
				statement.setString(2, this.connection.database());
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					if (rs.getBoolean(1)) {
						return;
					}
					if (!rs.getBoolean(2)) {
						throw cannotCreate(null);
					}
				}
			}
			try (Statement statement = session.createStatement()) {
				statement.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(this.schema));
			}
		}
		catch (SQLException ex) {
			if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
				throw cannotCreate(ex);
			}
			throw failure("creating the schema " + this.schema, ex);
		}
	}

	private DatabaseException cannotCreate(SQLException ex) {
		return new DatabaseException(ExitCode.REPOSITORY,
				"user \"" + this.connection.user() + "\" may not create the schema " + this.schema
						+ " for the run in the repository " + this.connection.endpoint() + ": GRANT CREATE ON DATABASE "
						+ this.connection.database() + " TO " + this.connection.user()
						+ ", or have the schema created for it (CREATE SCHEMA " + this.schema + " AUTHORIZATION "
						+ this.connection.user() + ")",
				(ex != null) ? ex.getSQLState() : null, ex);
	}

	/** Whether a run was ever recorded here: the run's schema holds the batch tables. */
	public boolean hasRuns() {
		try (Connection session = connect("check");
				PreparedStatement statement = session.prepareStatement(
						"SELECT pg_catalog.to_regclass(pg_catalog.quote_ident(?) || '.batch_job_instance')"
								+ " IS NOT NULL")) {
			statement.setString(1, this.schema);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw failure("looking for the run " + this.schema, ex);
		}
	}

	/** Wraps a failure of work on the repository, naming it and what was being done. */
	public DatabaseException failure(String doing, SQLException ex) {
		if (SqlStates.cause(ex, false) != SqlStates.Cause.OTHER) {
			DatabaseException connect = connectFailure(ex);
			return new DatabaseException(ExitCode.REPOSITORY, doing + ": " + connect.getMessage(), ex.getSQLState(),
					ex);
		}
		return new DatabaseException(ExitCode.REPOSITORY, doing + " failed on the repository "
				+ this.connection.endpoint() + ": " + SqlStates.firstLine(ex.getMessage()), ex.getSQLState(), ex);
	}

	DatabaseException connectFailure(SQLException ex) {
		String where = "repository " + this.connection.endpoint();
		String user = "\"" + this.connection.user() + "\"";
		String message = switch (SqlStates.cause(ex, true)) {
			case NO_PASSWORD -> "the " + where + " asks a password of user " + user + " and none was given: put it in"
					+ " a password file (~/.pgpass, PGPASSFILE or passfile=, mode 0600) or in PGPASSWORD";
			case WRONG_PASSWORD -> "password authentication failed for user " + user + " on the " + where
					+ ": check the password in ~/.pgpass (or PGPASSWORD) and that the role exists";
			case NO_SUCH_ROLE -> "role \"" + SqlStates.role(ex) + "\" does not exist on the " + where
					+ ": create it there or fix the user in " + URL_OPTION;
			case NOT_AUTHORIZED -> "the " + where + " refused user " + user + ": "
					+ SqlStates.firstLine(ex.getMessage()) + "; check the server's pg_hba.conf";
			case NO_SUCH_DATABASE -> "database \"" + this.connection.database() + "\" does not exist on the " + where
					+ ": create it first (createdb " + this.connection.database() + ") or fix " + URL_OPTION;
			case NOT_ACCEPTING, CONNECTION_LOST, TERMINATED, CRASHED -> "the " + where + " is not available ("
					+ SqlStates.firstLine(ex.getMessage()) + "): run the command again once it is up";
			case UNREACHABLE -> "cannot connect to the " + where + ": " + SqlStates.networkReason(ex)
					+ "; check host and port in " + URL_OPTION;
			default -> "cannot connect to the " + where + ": " + SqlStates.firstLine(ex.getMessage());
		};
		return new DatabaseException(ExitCode.REPOSITORY, message, ex.getSQLState(), ex);
	}

	/** The repository and the run, for messages: no password. */
	@Override
	public String toString() {
		return this.connection + " (run " + this.schema + ")";
	}

}

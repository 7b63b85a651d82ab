package io.pgcopydb.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.error.BadArgumentsException;

/**
 * A PostgreSQL connection string as pgcopydb users write it (--source, --target,
 * PGCOPYDB_SOURCE_PGURI, PGCOPYDB_TARGET_PGURI): a libpq URI
 * ({@code postgres://user:pass@host:5432/db?sslmode=require}) or keyword/value pairs
 * ({@code host=127.0.0.1 dbname=pagila application_name='my app'}), resolved the way
 * libpq resolves it (see <a href=
 * "https://www.postgresql.org/docs/current/libpq-connect.html">libpq-connect</a>):
 * missing values come from PGHOST, PGPORT, PGUSER, PGDATABASE and the other PG*
 * variables, then from libpq's defaults; the password from the string, else PGPASSWORD,
 * else the password file.
 * <p>
 * This is the redacted-URI type: the password (and sslpassword) is only ever handed out
 * by {@link #password()}, {@link #jdbcProperties()} and {@link #childEnvironment()};
 * never by {@link #toString()}, {@link #jdbcUrl()}, {@link #libpqUri()} or exception
 * messages. Java cannot use Unix-domain sockets and we do not fail over between hosts, so
 * socket directories and host lists are refused at parse time.
 * <p>
 * Immutable and thread-safe. Equality is the identity of the connection (host, port,
 * database, user and the other keywords), never the password.
 */
public final class ConnectionString {

	/** What a secret shows as wherever a connection string is printed. */
	static final String MASK = "****";

	private static final Logger logger = LoggerFactory.getLogger(ConnectionString.class);

	static final String URI_EXAMPLE = "postgres://user@host:5432/dbname?sslmode=require";

	static final String KEYWORDS_EXAMPLE = "host=127.0.0.1 port=5432 dbname=pagila user=app";

	/** The accepted keywords, in the order they are rendered. */
	static final List<String> KEYWORDS = List.of("host", "hostaddr", "port", "dbname", "user", "password", "passfile",
			"sslmode", "sslcert", "sslkey", "sslrootcert", "sslpassword", "gssencmode", "connect_timeout", "keepalives",
			"keepalives_idle", "keepalives_interval", "keepalives_count", "application_name", "options",
			"target_session_attrs");

	/** Keywords kept in dedicated fields rather than in {@link #parameters}. */
	private static final Set<String> MAIN_KEYWORDS = Set.of("host", "port", "dbname", "user", "password",
			"sslpassword");

	private static final Set<String> INTEGER_KEYWORDS = Set.of("connect_timeout", "keepalives", "keepalives_idle",
			"keepalives_interval", "keepalives_count");

	/** The environment variables libpq reads for a keyword left out. */
	private static final Map<String, String> ENVIRONMENT = Map.ofEntries(Map.entry("host", "PGHOST"),
			Map.entry("hostaddr", "PGHOSTADDR"), Map.entry("port", "PGPORT"), Map.entry("dbname", "PGDATABASE"),
			Map.entry("user", "PGUSER"), Map.entry("password", "PGPASSWORD"), Map.entry("passfile", "PGPASSFILE"),
			Map.entry("sslmode", "PGSSLMODE"), Map.entry("sslcert", "PGSSLCERT"), Map.entry("sslkey", "PGSSLKEY"),
			Map.entry("sslrootcert", "PGSSLROOTCERT"), Map.entry("gssencmode", "PGGSSENCMODE"),
			Map.entry("connect_timeout", "PGCONNECT_TIMEOUT"), Map.entry("application_name", "PGAPPNAME"),
			Map.entry("options", "PGOPTIONS"), Map.entry("target_session_attrs", "PGTARGETSESSIONATTRS"));

	private static final Map<String, List<String>> ENUMERATIONS = Map.of("sslmode",
			List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full"), "gssencmode",
			List.of("disable", "prefer", "require"), "target_session_attrs",
			List.of("any", "read-write", "read-only", "primary", "standby", "prefer-standby"));

	/**
	 * PgJDBC's targetServerType closest to each libpq target_session_attrs: PgJDBC's
	 * "primary" checks that the session is writable, like libpq's read-write.
	 */
	private static final Map<String, String> TARGET_SERVER_TYPES = Map.of("any", "any", "read-write", "primary",
			"read-only", "secondary", "primary", "primary", "standby", "secondary", "prefer-standby",
			"preferSecondary");

	private static final Map<String, String> JDBC_NAMES = Map.of("sslmode", "sslmode", "sslcert", "sslcert", "sslkey",
			"sslkey", "sslrootcert", "sslrootcert", "gssencmode", "gssEncMode", "connect_timeout", "connectTimeout",
			"options", "options");

	private final String host;

	private final int port;

	private final String database;

	private final String user;

	/** The other keywords in {@link #KEYWORDS} order, without secrets. */
	private final Map<String, String> parameters;

	private final PasswordSources passwordSources;

	private final String password;

	private ConnectionString(String host, int port, String database, String user, Map<String, String> parameters,
			PasswordSources passwordSources) {
		this.host = host;
		this.port = port;
		this.database = database;
		this.user = user;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
		this.passwordSources = passwordSources;
		this.password = passwordSources.resolve(this);
	}

	/**
	 * Parses a connection string given through {@code optionName} (such as
	 * {@code --source}), with defaults from the process environment and the password file
	 * in the user's home directory.
	 * @throws BadArgumentsException when the string is malformed or cannot be used
	 */
	public static ConnectionString parse(String raw, String optionName) {
		return parse(raw, optionName, System.getenv(), Path.of(System.getProperty("user.home")));
	}

	static ConnectionString parse(String raw, String optionName, Map<String, String> env, Path homeDir) {
		Map<String, String> given = new ConninfoParser(optionName).parse(raw);
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, String> origins = new HashMap<>();
		for (String keyword : KEYWORDS) {
			String value = nonEmpty(given.get(keyword));
			String origin = optionName;
			if (value == null && ENVIRONMENT.containsKey(keyword)) {
				origin = ENVIRONMENT.get(keyword);
				value = nonEmpty(env.get(origin));
			}
			if (value != null) {
				values.put(keyword, value);
				origins.put(keyword, origin);
			}
		}
		new Validation(optionName, values, origins).check();

		String user = values.getOrDefault("user", System.getProperty("user.name"));
		String host = values.getOrDefault("host", values.getOrDefault("hostaddr", "localhost"));
		int port = values.containsKey("port") ? Integer.parseInt(values.get("port")) : 5432;
		String database = values.getOrDefault("dbname", user);
		Map<String, String> parameters = new LinkedHashMap<>(values);
		parameters.keySet().removeAll(MAIN_KEYWORDS);
		String givenPassword = nonEmpty(given.get("password"));
		String envPassword = (givenPassword == null) ? values.get("password") : null;
		Path passfile = values.containsKey("passfile") ? Path.of(values.get("passfile")) : homeDir.resolve(".pgpass");
		return new ConnectionString(host, port, database, user, parameters,
				new PasswordSources(givenPassword, envPassword, passfile, values.get("sslpassword")));
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String database() {
		return this.database;
	}

	public String user() {
		return this.user;
	}

	/** The password from the string, PGPASSWORD or the password file, in that order. */
	public Optional<String> password() {
		return Optional.ofNullable(this.password);
	}

	/**
	 * The PgJDBC URL {@code jdbc:postgresql://host:port/dbname}, to use with
	 * {@link #jdbcProperties()}. It carries no settings: PgJDBC lets URL parameters win
	 * over properties, so keeping them all in the properties lets a caller override one
	 * (such as ApplicationName).
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + bracketed(jdbcHost()) + ":" + this.port + "/" + formEncode(this.database);
	}

	/**
	 * A fresh copy of the PgJDBC connection properties: user, password and sslpassword
	 * when known, the ssl*, gssencmode, connect_timeout, options, keepalives and
	 * target_session_attrs settings under their PgJDBC names, and ApplicationName
	 * (pgcopydb unless application_name was given).
	 */
	public Properties jdbcProperties() {
		Properties properties = new Properties();
		properties.setProperty("user", this.user);
		password().ifPresent((secret) -> properties.setProperty("password", secret));
		if (this.passwordSources.sslPassword() != null) {
			properties.setProperty("sslpassword", this.passwordSources.sslPassword());
		}
		jdbcSettings().forEach(properties::setProperty);
		return properties;
	}

	/**
	 * The URI to give pg_dump and pg_restore, without the password (pass
	 * {@link #childEnvironment()} to the child) and without the sslpassword, which libpq
	 * cannot take from the environment.
	 */
	public String libpqUri() {
		return render(false);
	}

	/** {@code PGPASSWORD} for a child process when a password is known, else empty. */
	public Map<String, String> childEnvironment() {
		return (this.password != null) ? Map.of("PGPASSWORD", this.password) : Map.of();
	}

	/** {@code host:port/dbname}, for messages. */
	public String endpoint() {
		return bracketed(this.host) + ":" + this.port + "/" + this.database;
	}

	/** The same server and credentials, connected to another database. */
	public ConnectionString withDatabase(String database) {
		if (database == null || database.isEmpty()) {
			throw new IllegalArgumentException("database must not be empty");
		}
		return new ConnectionString(this.host, this.port, database, this.user, this.parameters, this.passwordSources);
	}

	/**
	 * The {@code options} keyword the user gave (command-line switches for the server
	 * session), if any.
	 */
	public Optional<String> options() {
		return Optional.ofNullable(this.parameters.get("options"));
	}

	/**
	 * The same connection without the {@code options} keyword, for a caller that passes
	 * them another way (PGOPTIONS).
	 */
	public ConnectionString withoutOptions() {
		Map<String, String> kept = new LinkedHashMap<>(this.parameters);
		kept.remove("options");
		return new ConnectionString(this.host, this.port, this.database, this.user, kept, this.passwordSources);
	}

	/** The URI with {@code ****} in place of a password the string held. */
	@Override
	public String toString() {
		return render(true);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ConnectionString that && this.host.equals(that.host) && this.port == that.port
				&& this.database.equals(that.database) && this.user.equals(that.user)
				&& this.parameters.equals(that.parameters);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.host, this.port, this.database, this.user, this.parameters);
	}

	private String render(boolean redacted) {
		StringBuilder uri = new StringBuilder("postgres://").append(percentEncode(this.user));
		if (redacted && this.passwordSources.given() != null) {
			uri.append(':').append(MASK);
		}
		uri.append('@').append(uriHost(this.host)).append(':').append(this.port);
		uri.append('/').append(percentEncode(this.database));
		char separator = '?';
		for (Map.Entry<String, String> parameter : this.parameters.entrySet()) {
			uri.append(separator).append(parameter.getKey()).append('=').append(percentEncode(parameter.getValue()));
			separator = '&';
		}
		if (redacted && this.passwordSources.sslPassword() != null) {
			uri.append(separator).append("sslpassword=").append(MASK);
		}
		return uri.toString();
	}

	/** The PgJDBC settings other than the user and the secrets, in keyword order. */
	private Map<String, String> jdbcSettings() {
		Map<String, String> settings = new LinkedHashMap<>();
		this.parameters.forEach((keyword, value) -> {
			if (JDBC_NAMES.containsKey(keyword)) {
				settings.put(JDBC_NAMES.get(keyword), value);
			}
		});
		if (this.parameters.containsKey("keepalives")) {
			settings.put("tcpKeepAlive", Boolean.toString(!this.parameters.get("keepalives").equals("0")));
		}
		if (this.parameters.containsKey("target_session_attrs")) {
			settings.put("targetServerType", TARGET_SERVER_TYPES.get(this.parameters.get("target_session_attrs")));
		}
		settings.put("ApplicationName", this.parameters.getOrDefault("application_name", "pgcopydb"));
		return settings;
	}

	/**
	 * libpq connects to hostaddr when given and keeps host for TLS and the password file.
	 */
	private String jdbcHost() {
		return this.parameters.getOrDefault("hostaddr", this.host);
	}

	private static String bracketed(String host) {
		return host.contains(":") ? "[" + host + "]" : host;
	}

	private static String uriHost(String host) {
		return host.contains(":") ? "[" + host.replace("%", "%25") + "]" : percentEncode(host);
	}

	/** Encodes all but RFC 3986 unreserved characters, which libpq decodes back. */
	static String percentEncode(String text) {
		StringBuilder encoded = new StringBuilder(text.length());
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
				encoded.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
			}
		}
		return encoded.toString();
	}

	/** PgJDBC decodes the database name with URLDecoder, where '+' is a space. */
	private static String formEncode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String nonEmpty(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	/**
	 * A one-line message naming the option, the problem and an example; control
	 * characters blanked.
	 */
	static BadArgumentsException invalid(String optionName, String problem, String example) {
		String message = optionName + ": " + problem + "; e.g. " + example;
		return new BadArgumentsException(message.replaceAll("\\p{Cntrl}", " "));
	}

	/**
	 * Where the password comes from, kept so that {@link #withDatabase} looks the
	 * password file up again for the new database, as libpq would.
	 */
	private record PasswordSources(String given, String fromEnvironment, Path passfile, String sslPassword) {

		String resolve(ConnectionString target) {
			if (this.given != null) {
				return this.given;
			}
			if (this.fromEnvironment != null) {
				logger.debug("Password for {} taken from PGPASSWORD", target);
				return this.fromEnvironment;
			}
			Optional<String> fromFile = PgPassFile.load(this.passfile)
				.passwordFor(target.host, target.port, target.database, target.user);
			if (fromFile.isPresent()) {
				logger.debug("Password for {} taken from {}", target, this.passfile);
			}
			return fromFile.orElse(null);
		}

		@Override
		public String toString() {
			return "PasswordSources[passfile=" + this.passfile + "]";
		}

	}

	/**
	 * Checks the resolved keyword values; messages name the variable a value came from.
	 */
	private record Validation(String optionName, Map<String, String> values, Map<String, String> origins) {

		void check() {
			checkHost("host");
			checkHost("hostaddr");
			String port = this.values.get("port");
			if (port != null) {
				if (port.contains(",")) {
					throw multipleHosts("port");
				}
				if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
					throw invalid(this.optionName,
							"port \"" + port + "\"" + from("port") + " is not a port number (1 to 65535)",
							KEYWORDS_EXAMPLE);
				}
			}
			ENUMERATIONS.forEach((keyword, allowed) -> {
				String value = this.values.get(keyword);
				if (value != null && !allowed.contains(value)) {
					throw invalid(this.optionName, keyword + " \"" + value + "\"" + from(keyword)
							+ " is not valid; use one of " + String.join(", ", allowed), URI_EXAMPLE);
				}
			});
			for (String keyword : INTEGER_KEYWORDS) {
				String value = this.values.get(keyword);
				if (value != null && !value.matches("[0-9]{1,9}")) {
					throw invalid(this.optionName,
							keyword + " \"" + value + "\"" + from(keyword) + " is not a non-negative integer",
							"connect_timeout=10");
				}
			}
		}

		private void checkHost(String keyword) {
			String host = this.values.get(keyword);
			if (host == null) {
				return;
			}
			if (host.contains(",")) {
				throw multipleHosts(keyword);
			}
			if (host.startsWith("/") || host.startsWith("@")) {
				throw invalid(this.optionName,
						keyword + " \"" + host + "\"" + from(keyword) + " is a Unix-domain socket, which Java cannot"
								+ " connect to; use TCP with host=127.0.0.1 (or localhost)",
						KEYWORDS_EXAMPLE);
			}
		}

		private BadArgumentsException multipleHosts(String keyword) {
			return invalid(this.optionName, "several hosts or ports in " + keyword + from(keyword)
					+ " (a comma list) are not supported; give a single host and port", KEYWORDS_EXAMPLE);
		}

		private String from(String keyword) {
			String origin = this.origins.get(keyword);
			return this.optionName.equals(origin) ? "" : " (from " + origin + ")";
		}

	}

}

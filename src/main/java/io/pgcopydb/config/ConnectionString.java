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
 * "https://www.postgresql.org/docs/current/libpq-connect.html">libpq-connect</a>): a
 * keyword left out comes from the {@code service} named in the string or PGSERVICE (see
 * {@link ServiceFile}), else from PGHOST, PGPORT, PGUSER, PGDATABASE and the other PG*
 * variables, else from libpq's defaults; the password from the string or the service,
 * else PGPASSWORD, else the password file.
 * <p>
 * A host starting with {@code /} is the directory of a Unix-domain socket, and so is the
 * default when no host is given anywhere: libpq's default socket directory (see
 * {@link LibpqDefaults}), not TCP localhost. The socket file is
 * {@code <directory>/.s.PGSQL.<port>}. The password file then matches such a default
 * socket with the host name {@code localhost}, as libpq's does (see
 * <a href= "https://www.postgresql.org/docs/current/libpq-pgpass.html">libpq-pgpass</a>),
 * and another directory by its path. How the settings map to PgJDBC is
 * {@link PgJdbcSettings}'s business.
 * <p>
 * This is the redacted-URI type: the password (and sslpassword) is only ever handed out
 * by {@link #password()}, {@link #jdbcProperties()} and {@link #childEnvironment()};
 * never by {@link #toString()}, {@link #jdbcUrl()}, {@link #libpqUri()} or exception
 * messages. We do not fail over between hosts, so host lists are refused at parse time,
 * as are sockets in Linux's abstract namespace.
 * <p>
 * Immutable and thread-safe. Equality is the identity of the connection (host or socket
 * directory, port, database, user and the other keywords), never the password.
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
			"target_session_attrs", "service");

	/** Keywords kept in dedicated fields rather than in {@link #parameters}. */
	private static final Set<String> MAIN_KEYWORDS = Set.of("host", "port", "dbname", "user", "password",
			"sslpassword");

	/** The environment variables libpq reads for a keyword left out. */
	private static final Map<String, String> ENVIRONMENT = Map.ofEntries(Map.entry("host", "PGHOST"),
			Map.entry("hostaddr", "PGHOSTADDR"), Map.entry("port", "PGPORT"), Map.entry("dbname", "PGDATABASE"),
			Map.entry("user", "PGUSER"), Map.entry("password", "PGPASSWORD"), Map.entry("passfile", "PGPASSFILE"),
			Map.entry("sslmode", "PGSSLMODE"), Map.entry("sslcert", "PGSSLCERT"), Map.entry("sslkey", "PGSSLKEY"),
			Map.entry("sslrootcert", "PGSSLROOTCERT"), Map.entry("gssencmode", "PGGSSENCMODE"),
			Map.entry("connect_timeout", "PGCONNECT_TIMEOUT"), Map.entry("application_name", "PGAPPNAME"),
			Map.entry("options", "PGOPTIONS"), Map.entry("target_session_attrs", "PGTARGETSESSIONATTRS"));

	private final String host;

	private final int port;

	private final String database;

	private final String user;

	/** The other keywords in {@link #KEYWORDS} order, without secrets. */
	private final Map<String, String> parameters;

	/** Where libpq would find default SSL files ({@code ~/.postgresql}). */
	private final Path sslDirectory;

	private final PasswordSources passwordSources;

	private final String password;

	private ConnectionString(String host, int port, String database, String user, Map<String, String> parameters,
			Path sslDirectory, PasswordSources passwordSources) {
		this.host = host;
		this.port = port;
		this.database = database;
		this.user = user;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
		this.sslDirectory = sslDirectory;
		this.passwordSources = passwordSources;
		this.password = passwordSources.resolve(this);
	}

	/**
	 * Parses a connection string given through {@code optionName} (such as
	 * {@code --source}), with defaults from the process environment, the user's home
	 * directory and this machine's libpq defaults.
	 * @throws BadArgumentsException when the string is malformed or cannot be used
	 */
	public static ConnectionString parse(String raw, String optionName) {
		return parse(raw, optionName, System.getenv(), LibpqDefaults.system());
	}

	static ConnectionString parse(String raw, String optionName, Map<String, String> env, LibpqDefaults defaults) {
		Map<String, String> given = new ConninfoParser(optionName).parse(raw);
		ServiceFile.Definition service = service(given, optionName, env, defaults);
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, String> origins = new HashMap<>();
		for (String keyword : KEYWORDS) {
			String value = nonEmpty(given.get(keyword));
			String origin = optionName;
			if (value == null && service != null) {
				origin = service.origin();
				value = nonEmpty(service.values().get(keyword));
			}
			if (value == null && ENVIRONMENT.containsKey(keyword)) {
				origin = ENVIRONMENT.get(keyword);
				value = nonEmpty(env.get(origin));
			}
			if (value != null && !keyword.equals("service")) {
				values.put(keyword, value);
				origins.put(keyword, origin);
			}
		}
		new ConninfoValidation(optionName, values, origins).check();

		String user = values.getOrDefault("user", System.getProperty("user.name"));
		int port = values.containsKey("port") ? Integer.parseInt(values.get("port")) : 5432;
		String host = values.getOrDefault("host", values.get("hostaddr"));
		String passHost = host;
		if (host == null || (isSocketDirectory(host) && !values.containsKey("hostaddr"))) {
			String defaultDirectory = defaults.socketDirectory(port);
			passHost = (host == null || host.equals(defaultDirectory)) ? "localhost" : host;
			host = (host != null) ? host : defaultDirectory;
		}
		String database = values.getOrDefault("dbname", user);
		Map<String, String> parameters = new LinkedHashMap<>(values);
		parameters.keySet().removeAll(MAIN_KEYWORDS);
		String inString = nonEmpty(given.get("password"));
		String explicit = (inString != null || service == null) ? inString : nonEmpty(service.values().get("password"));
		String envPassword = (explicit == null) ? values.get("password") : null;
		Path passfile = values.containsKey("passfile") ? Path.of(values.get("passfile"))
				: defaults.homeDir().resolve(".pgpass");
		return new ConnectionString(host, port, database, user, parameters, defaults.homeDir().resolve(".postgresql"),
				new PasswordSources(explicit, inString != null, envPassword, passfile, passHost,
						values.get("sslpassword")));
	}

	/** The service named in the string, else in PGSERVICE, or null. */
	private static ServiceFile.Definition service(Map<String, String> given, String optionName, Map<String, String> env,
			LibpqDefaults defaults) {
		String name = nonEmpty(given.get("service"));
		if (name == null) {
			name = nonEmpty(env.get("PGSERVICE"));
		}
		return (name != null) ? new ServiceFile(optionName, env, defaults).lookup(name) : null;
	}

	/**
	 * The host name or IP address; for a Unix-domain socket, its directory (libpq's
	 * default one when the string gave no host).
	 */
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

	/** The socket file {@code <host>/.s.PGSQL.<port>}, when connecting through one. */
	public Optional<Path> socketFile() {
		return isSocket() ? Optional.of(LibpqDefaults.socketFile(this.host, this.port)) : Optional.empty();
	}

	/**
	 * The PgJDBC URL {@code jdbc:postgresql://host:port/dbname} ({@code localhost} for a
	 * Unix-domain socket, which the properties name), to use with
	 * {@link #jdbcProperties()}. It carries no settings: PgJDBC lets URL parameters win
	 * over properties, so keeping them all in the properties lets a caller override one
	 * (such as ApplicationName).
	 */
	public String jdbcUrl() {
		String jdbcHost = isSocket() ? "localhost" : bracketed(jdbcHost());
		return "jdbc:postgresql://" + jdbcHost + ":" + this.port + "/" + formEncode(this.database);
	}

	/**
	 * A fresh copy of the PgJDBC connection properties: user, password and sslpassword
	 * when known, and the settings of {@link PgJdbcSettings} (socket factory, ssl*,
	 * gssencmode, connect_timeout, options, keepalives, target_session_attrs,
	 * ApplicationName: pgcopydb unless application_name was given).
	 */
	public Properties jdbcProperties() {
		Properties properties = new Properties();
		properties.setProperty("user", this.user);
		password().ifPresent((secret) -> properties.setProperty("password", secret));
		if (this.passwordSources.sslPassword() != null) {
			properties.setProperty("sslpassword", this.passwordSources.sslPassword());
		}
		PgJdbcSettings.of(this.parameters, socketFile().orElse(null), this.sslDirectory)
			.forEach(properties::setProperty);
		return properties;
	}

	/**
	 * The URI to give pg_dump and pg_restore, without the password (pass
	 * {@link #childEnvironment()} to the child) and without the sslpassword, which libpq
	 * cannot take from the environment. Everything resolved here is spelled out (a socket
	 * directory as a percent-encoded host, the values of a service), so the child
	 * connects where we do whatever its own libpq defaults are.
	 */
	public String libpqUri() {
		return render(false);
	}

	/** {@code PGPASSWORD} for a child process when a password is known, else empty. */
	public Map<String, String> childEnvironment() {
		return (this.password != null) ? Map.of("PGPASSWORD", this.password) : Map.of();
	}

	/**
	 * {@code host:port/dbname}, for messages; for a Unix-domain socket
	 * {@code /socket/directory:port/dbname}, as pg_isready shows it.
	 */
	public String endpoint() {
		return (isSocket() ? this.host : bracketed(this.host)) + ":" + this.port + "/" + this.database;
	}

	/** The same server and credentials, connected to another database. */
	public ConnectionString withDatabase(String database) {
		if (database == null || database.isEmpty()) {
			throw new IllegalArgumentException("database must not be empty");
		}
		return new ConnectionString(this.host, this.port, database, this.user, this.parameters, this.sslDirectory,
				this.passwordSources);
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
		return without("options");
	}

	/**
	 * The {@code application_name} the user gave (in the string, a service or PGAPPNAME),
	 * if any.
	 */
	public Optional<String> applicationName() {
		return Optional.ofNullable(this.parameters.get("application_name"));
	}

	/**
	 * The same connection without {@code application_name}, for a caller that passes its
	 * own in PGAPPNAME (a keyword in the URI would win over it).
	 */
	public ConnectionString withoutApplicationName() {
		return without("application_name");
	}

	private ConnectionString without(String keyword) {
		Map<String, String> kept = new LinkedHashMap<>(this.parameters);
		kept.remove(keyword);
		return new ConnectionString(this.host, this.port, this.database, this.user, kept, this.sslDirectory,
				this.passwordSources);
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
		if (redacted && this.passwordSources.inString()) {
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

	/** A socket unless hostaddr is given: libpq then connects to hostaddr over TCP. */
	private boolean isSocket() {
		return isSocketDirectory(this.host) && !this.parameters.containsKey("hostaddr");
	}

	private static boolean isSocketDirectory(String host) {
		return host.startsWith("/");
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
		return (host.contains(":") && !isSocketDirectory(host)) ? "[" + host.replace("%", "%25") + "]"
				: percentEncode(host);
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
	 *
	 * @param explicit the password of the string, else of the service, or null
	 * @param inString whether the string itself held it (then toString shows a mask)
	 * @param fromEnvironment PGPASSWORD when nothing explicit, or null
	 * @param passfile the password file
	 * @param passHost the host name the password file is searched for
	 * @param sslPassword the sslpassword, or null
	 */
	private record PasswordSources(String explicit, boolean inString, String fromEnvironment, Path passfile,
			String passHost, String sslPassword) {

		String resolve(ConnectionString target) {
			if (this.explicit != null) {
				return this.explicit;
			}
			if (this.fromEnvironment != null) {
				logger.debug("Password for {} taken from PGPASSWORD", target);
				return this.fromEnvironment;
			}
			Optional<String> fromFile = PgPassFile.load(this.passfile)
				.passwordFor(this.passHost, target.port, target.database, target.user);
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

}

package io.pgcopydb.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PgJDBC connection properties that make a session behave as libpq would with the
 * same connection string (see <a href=
 * "https://www.postgresql.org/docs/current/libpq-connect.html">libpq-connect</a>),
 * secrets and the user aside.
 * <ul>
 * <li>A Unix-domain socket goes through junixsocket's socket factory, which gives PgJDBC
 * a real {@link java.net.Socket}, so connect and read timeouts keep working. libpq never
 * negotiates SSL or GSS encryption on a Unix-domain socket and ignores keepalives there,
 * so neither does this.</li>
 * <li>TCP keepalives are on unless {@code keepalives=0}, libpq's default (PgJDBC's is
 * off); {@code keepalives_idle}, {@code _interval} and {@code _count} go through
 * {@link KeepaliveSocketFactory}.</li>
 * <li>SSL keeps libpq's defaults where PgJDBC's differ: the client key defaults to
 * {@code ~/.postgresql/postgresql.key} (PgJDBC looks for {@code postgresql.pk8}), and
 * {@code sslmode=require} verifies the server certificate like {@code verify-ca} when the
 * root certificate file exists, as libpq does for compatibility (PgJDBC never verifies in
 * require mode). The other defaults agree: {@code prefer}, {@code postgresql.crt} and
 * {@code root.crt} in {@code ~/.postgresql}.</li>
 * </ul>
 */
final class PgJdbcSettings {

	/** junixsocket's factory that connects every socket to the file given as argument. */
	static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

	private static final Map<String, String> JDBC_NAMES = Map.of("sslmode", "sslmode", "sslcert", "sslcert", "sslkey",
			"sslkey", "sslrootcert", "sslrootcert", "gssencmode", "gssEncMode", "connect_timeout", "connectTimeout",
			"options", "options");

	/**
	 * PgJDBC's targetServerType closest to each libpq target_session_attrs: PgJDBC's
	 * "primary" checks that the session is writable, like libpq's read-write.
	 */
	private static final Map<String, String> TARGET_SERVER_TYPES = Map.of("any", "any", "read-write", "primary",
			"read-only", "secondary", "primary", "primary", "standby", "secondary", "prefer-standby",
			"preferSecondary");

	/**
	 * The system property PgJDBC reads first for its own password file; see
	 * {@link #disableDriverPasswordFile()}.
	 */
	static final String DRIVER_PASSFILE_PROPERTY = "org.postgresql.pgpassfile";

	private PgJdbcSettings() {
	}

	/**
	 * PgJDBC looks a password up by itself whenever the connection properties hold none:
	 * in the file this system property names, else PGPASSFILE, else ~/.pgpass, with rules
	 * of its own (no permission check, no passfile keyword). Pointed at an empty file,
	 * that lookup finds nothing, so {@link ConnectionString} alone decides the password,
	 * with libpq's rules, and PgJDBC and the child tools (PGPASSWORD) agree.
	 */
	static void disableDriverPasswordFile() {
		String empty = (java.io.File.separatorChar == '\\') ? "NUL" : "/dev/null";
		if (!empty.equals(System.getProperty(DRIVER_PASSFILE_PROPERTY))) {
			System.setProperty(DRIVER_PASSFILE_PROPERTY, empty);
		}
	}

	/**
	 * @param parameters the connection string's keywords other than host, port, dbname,
	 * user and the secrets
	 * @param socketFile the Unix-domain socket to connect to, or null for TCP
	 * @param sslDirectory where libpq looks for default SSL files ({@code ~/.postgresql})
	 */
	static Map<String, String> of(Map<String, String> parameters, Path socketFile, Path sslDirectory) {
		Map<String, String> settings = new LinkedHashMap<>();
		parameters.forEach((keyword, value) -> {
			if (JDBC_NAMES.containsKey(keyword)) {
				settings.put(JDBC_NAMES.get(keyword), value);
			}
		});
		if (parameters.containsKey("target_session_attrs")) {
			settings.put("targetServerType", TARGET_SERVER_TYPES.get(parameters.get("target_session_attrs")));
		}
		if (socketFile != null) {
			settings.put("socketFactory", UNIX_SOCKET_FACTORY);
			settings.put("socketFactoryArg", socketFile.toString());
			settings.put("sslmode", "disable");
			settings.put("gssEncMode", "disable");
			settings.put("tcpKeepAlive", "false");
		}
		else {
			keepalives(parameters, settings);
			sslDefaults(parameters, sslDirectory, settings);
		}
		settings.put("ApplicationName", parameters.getOrDefault("application_name", "pgcopydb"));
		return settings;
	}

	private static void keepalives(Map<String, String> parameters, Map<String, String> settings) {
		boolean on = !"0".equals(parameters.get("keepalives"));
		settings.put("tcpKeepAlive", Boolean.toString(on));
		int idle = seconds(parameters, "keepalives_idle");
		int interval = seconds(parameters, "keepalives_interval");
		int count = seconds(parameters, "keepalives_count");
		if (on && (idle > 0 || interval > 0 || count > 0)) {
			settings.put("socketFactory", KeepaliveSocketFactory.class.getName());
			settings.put("socketFactoryArg", KeepaliveSocketFactory.argument(idle, interval, count));
		}
	}

	private static void sslDefaults(Map<String, String> parameters, Path sslDirectory, Map<String, String> settings) {
		Path defaultKey = sslDirectory.resolve("postgresql.key");
		if (!parameters.containsKey("sslkey") && Files.isRegularFile(defaultKey)) {
			settings.put("sslkey", defaultKey.toString());
		}
		Path rootCert = parameters.containsKey("sslrootcert") ? Path.of(parameters.get("sslrootcert"))
				: sslDirectory.resolve("root.crt");
		if ("require".equals(parameters.get("sslmode")) && Files.isRegularFile(rootCert)) {
			settings.put("sslmode", "verify-ca");
		}
	}

	private static int seconds(Map<String, String> parameters, String keyword) {
		return parameters.containsKey(keyword) ? Integer.parseInt(parameters.get(keyword)) : 0;
	}

}

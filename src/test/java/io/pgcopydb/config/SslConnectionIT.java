package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * sslmode, sslrootcert and libpq's require-verifies-when-a-root-certificate-exists rule,
 * end to end: the shared source server gets a self-signed certificate made here with
 * openssl, {@code ssl=on} by reload for the duration of the test, then its settings back.
 */
@ExtendWith(PostgresExtension.class)
class SslConnectionIT {

	@TempDir
	Path home;

	private PgServer server;

	@AfterEach
	void sslOff() {
		if (this.server != null) {
			this.server.execute("postgres", "ALTER SYSTEM RESET ssl; ALTER SYSTEM RESET ssl_cert_file;"
					+ " ALTER SYSTEM RESET ssl_key_file; SELECT pg_reload_conf()");
		}
	}

	@Test
	void sslModesBehaveAsInLibpq(PgServers servers) throws Exception {
		PgServer source = servers.source();
		assumeThat(source.socketDirectory()).as("the server's files are writable only in local mode").isPresent();
		Path serverCert = selfSigned(source.socketDirectory().get(), "server", true);
		Path otherCert = selfSigned(this.home, "other", false);
		this.server = source;
		source.execute("postgres",
				"ALTER SYSTEM SET ssl_cert_file = '" + serverCert + "';" + " ALTER SYSTEM SET ssl_key_file = '"
						+ serverCert.resolveSibling("server.key") + "';"
						+ " ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf()");
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sslOn(source));

		assertThat(sslSession("sslmode=verify-full sslrootcert=" + serverCert)).isTrue();
		assertThat(sslSession("sslmode=require sslrootcert=" + this.home.resolve("absent.crt")))
			.as("require without a root certificate encrypts without verifying")
			.isTrue();
		assertThat(sslSession("sslmode=disable")).isFalse();
		assertThatThrownBy(() -> sslSession("sslmode=require sslrootcert=" + otherCert))
			.as("require with an existing root certificate verifies, as libpq does")
			.isInstanceOf(DatabaseException.class)
			.hasMessageContaining("cannot connect to the source 127.0.0.1:" + source.port())
			.hasMessageContaining("SSL");
	}

	private boolean sslSession(String settings) throws SQLException {
		ConnectionString cs = ConnectionString.parse(
				String.format("host=%s port=%d dbname=postgres user=%s password=%s %s", this.server.host(),
						this.server.port(), this.server.superuser(), this.server.superuserPassword(), settings),
				"--source", Map.of(), new LibpqDefaults(this.home, List.of(this.home.resolve("run")), List::of));
		try (Connection connection = new PgEndpoint(Side.SOURCE, cs).connect("ssl test");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

	private static boolean sslOn(PgServer server) throws SQLException {
		try (Connection connection = server.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW ssl")) {
			rs.next();
			return rs.getString(1).equals("on");
		}
	}

	/**
	 * A self-signed certificate for 127.0.0.1 and its key; when the server's, both are
	 * handed to the server's OS user (the JVM may be root) with the key at 0600.
	 */
	private static Path selfSigned(Path dir, String name, boolean forServer) throws IOException, InterruptedException {
		Path cert = dir.resolve(name + ".crt");
		Path key = dir.resolve(name + ".key");
		Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
				key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
				"subjectAltName=IP:127.0.0.1")
			.redirectErrorStream(true)
			.start();
		String output = new String(openssl.getInputStream().readAllBytes());
		assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(openssl.exitValue()).as(output).isZero();
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		if (forServer && Files.getOwner(dir).getName().equals("postgres")) {
			UserPrincipal postgres = dir.getFileSystem()
				.getUserPrincipalLookupService()
				.lookupPrincipalByName("postgres");
			Files.setOwner(key, postgres);
			Files.setOwner(cert, postgres);
		}
		return cert;
	}

}

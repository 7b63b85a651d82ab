package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Keepalive and SSL settings as libpq applies them, mapped to PgJDBC over TCP. */
class PgJdbcSettingsTest {

	@TempDir
	Path sslDirectory;

	@Test
	void keepalivesAreOnByDefaultAsInLibpq() {
		assertThat(tcp(Map.of())).containsEntry("tcpKeepAlive", "true").doesNotContainKey("socketFactory");
		assertThat(tcp(Map.of("keepalives", "1"))).containsEntry("tcpKeepAlive", "true");
		assertThat(tcp(Map.of("keepalives", "0"))).containsEntry("tcpKeepAlive", "false");
	}

	@Test
	void keepaliveTimingsGoThroughOurSocketFactory() {
		assertThat(tcp(Map.of("keepalives_idle", "30", "keepalives_interval", "5", "keepalives_count", "3")))
			.containsEntry("socketFactory", KeepaliveSocketFactory.class.getName())
			.containsEntry("socketFactoryArg", "30,5,3")
			.containsEntry("tcpKeepAlive", "true");
		assertThat(tcp(Map.of("keepalives_idle", "30"))).containsEntry("socketFactoryArg", "30,0,0");
		assertThat(tcp(Map.of("keepalives_idle", "0"))).as("0 is the system default")
			.doesNotContainKey("socketFactory");
		assertThat(tcp(Map.of("keepalives", "0", "keepalives_idle", "30"))).doesNotContainKey("socketFactory");
	}

	@Test
	void sslSettingsKeepTheirValuesUnderPgJdbcNames() {
		assertThat(tcp(Map.of("sslmode", "verify-full", "sslrootcert", "/nonexistent/root.crt", "sslcert", "/c.crt",
				"sslkey", "/c.key", "gssencmode", "disable")))
			.containsEntry("sslmode", "verify-full")
			.containsEntry("sslrootcert", "/nonexistent/root.crt")
			.containsEntry("sslcert", "/c.crt")
			.containsEntry("sslkey", "/c.key")
			.containsEntry("gssEncMode", "disable");
		assertThat(tcp(Map.of())).as("PgJDBC's default is prefer, as libpq's").doesNotContainKey("sslmode");
	}

	@Test
	void requireVerifiesTheServerWhenTheRootCertificateExistsAsInLibpq() throws IOException {
		assertThat(tcp(Map.of("sslmode", "require"))).containsEntry("sslmode", "require");
		Path root = Files.writeString(this.sslDirectory.resolve("root.crt"), "");
		assertThat(tcp(Map.of("sslmode", "require"))).containsEntry("sslmode", "verify-ca");
		assertThat(tcp(Map.of("sslmode", "prefer"))).containsEntry("sslmode", "prefer");
		Files.delete(root);
		Path given = Files.writeString(this.sslDirectory.resolve("given.crt"), "");
		assertThat(tcp(Map.of("sslmode", "require", "sslrootcert", given.toString()))).containsEntry("sslmode",
				"verify-ca");
	}

	@Test
	void clientKeyDefaultsToLibpqsFileName() throws IOException {
		assertThat(tcp(Map.of())).doesNotContainKey("sslkey");
		Path key = Files.writeString(this.sslDirectory.resolve("postgresql.key"), "");
		assertThat(tcp(Map.of())).containsEntry("sslkey", key.toString());
		assertThat(tcp(Map.of("sslkey", "/mine.key"))).containsEntry("sslkey", "/mine.key");
	}

	@Test
	void unixSocketGoesThroughJunixsocket() {
		Map<String, String> settings = PgJdbcSettings.of(Map.of("sslmode", "verify-full"),
				Path.of("/run/pg/.s.PGSQL.5432"), this.sslDirectory);
		assertThat(settings).containsEntry("socketFactory", PgJdbcSettings.UNIX_SOCKET_FACTORY)
			.containsEntry("socketFactoryArg", "/run/pg/.s.PGSQL.5432")
			.containsEntry("sslmode", "disable");
	}

	@Test
	void junixsocketFactoryIsOnTheClasspath() throws ClassNotFoundException {
		assertThat(javax.net.SocketFactory.class.isAssignableFrom(Class.forName(PgJdbcSettings.UNIX_SOCKET_FACTORY)))
			.isTrue();
	}

	private Map<String, String> tcp(Map<String, String> parameters) {
		return PgJdbcSettings.of(parameters, null, this.sslDirectory);
	}

}

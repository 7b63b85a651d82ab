package io.pgcopydb.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

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
 * Sessions opened the way every stage opens them ({@link PgEndpoint#connect}) on a real
 * server: through its Unix-domain socket, named or found as libpq's default, and over TCP
 * with keepalive timings. The test server trusts its socket and asks for a password over
 * TCP, so a password-less session that works went through the socket; and
 * {@code inet_server_addr()} is null only on a socket session.
 */
@ExtendWith(PostgresExtension.class)
class UnixSocketConnectionIT {

	@TempDir
	Path home;

	@Test
	void connectsThroughAnExplicitSocketDirectory(PgServers servers) throws SQLException {
		PgServer server = servers.source();
		Path socketDir = socketDirectory(server);
		ConnectionString cs = parse(
				"host=" + socketDir + " port=" + server.port() + " dbname=postgres user=" + server.superuser(),
				List.of());
		assertThat(serverAddress(cs)).as("a socket session has no server address").isNull();
	}

	@Test
	void defaultSocketIsTheCandidateDirectoryHoldingTheServersSocket(PgServers servers) throws SQLException {
		PgServer server = servers.source();
		Path empty = this.home.resolve("empty");
		ConnectionString cs = parse("port=" + server.port() + " dbname=postgres user=" + server.superuser(),
				List.of(empty, socketDirectory(server)));
		assertThat(cs.host()).isEqualTo(socketDirectory(server).toString());
		assertThat(serverAddress(cs)).isNull();
	}

	@Test
	void missingSocketFailsNamingTheSocketFileAndTheRemedy(PgServers servers) throws Exception {
		Path empty = Files.createDirectories(this.home.resolve("nothing here"));
		ConnectionString cs = parse("host='" + empty + "' port=" + servers.source().port() + " dbname=postgres",
				List.of());
		PgEndpoint endpoint = new PgEndpoint(Side.SOURCE, cs);
		assertThatThrownBy(() -> endpoint.connect("check").close()).isInstanceOf(DatabaseException.class)
			.hasMessageStartingWith(
					"cannot connect to the source " + empty + ":" + servers.source().port() + "/postgres")
			.hasMessageContaining(
					"through the Unix-domain socket " + empty.resolve(".s.PGSQL." + servers.source().port()))
			.hasMessageContaining("give its socket directory (host=/path) or a TCP host in --source")
			.hasMessageNotContaining("\n");
	}

	@Test
	void tcpSessionWithKeepaliveTimingsWorks(PgServers servers) throws SQLException {
		PgServer server = servers.source();
		ConnectionString cs = parse(String.format(
				"host=%s port=%d dbname=postgres user=%s password=%s keepalives_idle=30 keepalives_interval=5"
						+ " keepalives_count=3",
				server.host(), server.port(), server.superuser(), server.superuserPassword()), List.of());
		assertThat(cs.jdbcProperties()).containsEntry("socketFactory", KeepaliveSocketFactory.class.getName());
		assertThat(serverAddress(cs)).isEqualTo("127.0.0.1/32");
	}

	private static String serverAddress(ConnectionString cs) throws SQLException {
		try (Connection connection = new PgEndpoint(Side.SOURCE, cs).connect("socket test");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT inet_server_addr()::text")) {
			rs.next();
			return rs.getString(1);
		}
	}

	private ConnectionString parse(String raw, List<Path> socketDirectories) {
		List<Path> candidates = socketDirectories.isEmpty() ? List.of(this.home.resolve("run")) : socketDirectories;
		return ConnectionString.parse(raw, "--source", Map.of(),
				new LibpqDefaults(this.home, candidates, () -> List.of(this.home.resolve("etc"))));
	}

	private static Path socketDirectory(PgServer server) {
		assumeThat(server.socketDirectory()).as("the test server's socket is reachable only in local mode").isPresent();
		return server.socketDirectory().get();
	}

}

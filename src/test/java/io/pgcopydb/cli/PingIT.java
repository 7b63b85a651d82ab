package io.pgcopydb.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgcopydb ping}, as a DBA runs it before a migration. */
@ExtendWith(PostgresExtension.class)
class PingIT {

	@Test
	void bothServersAnswerWithTheirVersionAndTheSourceCanBeFollowed(PgServers servers) {
		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri("postgres"),
				"PGCOPYDB_TARGET_PGURI", servers.target().uri("postgres")), "ping");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.stdout()).containsPattern("source +127\\.0\\.0\\.1:\\d+/postgres: PostgreSQL 1\\d")
			.containsPattern("target +127\\.0\\.0\\.1:\\d+/postgres: PostgreSQL 1\\d")
			.contains("logical decoding: ready (wal_level logical, REPLICATION");
	}

	@Test
	void aTargetThatNeverAnswersIsTriedUntilTheTimeoutThenExit7(PgServers servers) throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		long start = System.nanoTime();
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "ping", "--source", servers.source().uri("postgres"), "--target",
				"postgres://postgres:x@127.0.0.1:" + closedPort + "/db", "--timeout", "2", "--json");
		double seconds = (System.nanoTime() - start) / 1e9;

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
		assertThat(run.stdout()).contains("connection refused")
			.containsPattern("\"target\" : \\{[^}]*\"attempts\" : [2-9]");
		assertThat(seconds).as("tried for the timeout, not forever").isLessThan(60);
	}

	@Test
	void aSourceThatAcceptsAndNeverAnswersEndsWithTheTimeout(PgServers servers) throws IOException {
		// the kernel completes the handshake into the backlog; nothing ever reads or
		// answers the startup message, as behind a firewall that drops packets
		try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
			long start = System.nanoTime();
			PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "ping", "--source",
					"postgres://postgres:x@127.0.0.1:" + silent.getLocalPort() + "/db", "--target",
					servers.target().uri("postgres"), "--timeout", "2");
			double seconds = (System.nanoTime() - start) / 1e9;

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
			assertThat(run.stdout()).contains("no answer within 2 s (--timeout)");
			assertThat(seconds).as("bounded by --timeout, not by the driver's own timeouts").isLessThan(9);
		}
	}

	@Test
	void aWrongPasswordIsFinalAtOnceAndNeverPrinted(PgServers servers) {
		String wrong = servers.source().uri("postgres", servers.source().superuser(), "not-the-password");
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "ping", "--source", wrong, "--target",
				servers.target().uri("postgres"), "--timeout", "30", "--json");

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
		assertThat(run.stdout()).contains("authentication failed")
			.containsPattern("\"source\" : \\{[^}]*\"attempts\" : 1,")
			.doesNotContain("not-the-password");
		assertThat(run.stderr()).doesNotContain("not-the-password");
	}

}

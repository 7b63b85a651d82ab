package io.pgcopydb.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each failure a user can cause: its exit code (jobs/README.md) and the one line that
 * names the object and the remedy.
 */
@ExtendWith(PostgresExtension.class)
class CloneFailuresIT {

	@Test
	void malformedConnectionStringIsABadArgument(@TempDir Path dir) {
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", "postgres://app@127.0.0.1:notaport/db",
				"--target", "host=127.0.0.1 dbname=x", "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.errorLines()).singleElement().asString().contains("--source").contains("port");
	}

	@Test
	void missingSourceIsABadArgumentNamingTheEnvironmentVariable(@TempDir Path dir) {
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--target", "host=127.0.0.1 dbname=x", "--dir",
				dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.errorLines()).singleElement().asString().contains("PGCOPYDB_SOURCE_PGURI");
	}

	@Test
	void unreachableSourceIsASourceError(PgServers servers, @TempDir Path dir) throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source",
				"postgres://postgres:x@127.0.0.1:" + closedPort + "/db", "--target", servers.target().uri("postgres"),
				"--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
		assertThat(run.errorLines()).singleElement()
			.asString()
			.contains("source 127.0.0.1:" + closedPort, "connection refused", "--source");
	}

	@Test
	void wrongPasswordIsAnAuthenticationErrorOnThatSide(PgServers servers, @TempDir Path dir) {
		String wrong = servers.target().uri("postgres", servers.target().superuser(), "not-the-password");
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri("postgres"), "--target",
				wrong, "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
		assertThat(run.errorLines()).singleElement()
			.asString()
			.contains("authentication failed", "target", "PGCOPYDB_TARGET_PGURI")
			.doesNotContain("not-the-password");
	}

	@Test
	void missingDatabaseIsNamed(PgServers servers, @TempDir Path dir) {
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri("no_such_db"), "--target",
				servers.target().uri("postgres"), "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
		assertThat(run.errorLines()).singleElement()
			.asString()
			.contains("database \"no_such_db\" does not exist", "source");
	}

	@Test
	void targetHoldingTheSourceTablesIsRefusedUnlessDropIfExists(PgServers servers, @TempDir Path dir)
			throws java.sql.SQLException {
		String db = "clone_twice";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		String[] clone = { "clone", "--source", servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
				dir.toString() };
		assertThat(PgCopyDbRun.run(Map.of(), clone).exitCode()).isZero();
		servers.source().execute(db, "UPDATE sales.customers SET email = 'changed-' || email");

		PgCopyDbRun refused = PgCopyDbRun.run(Map.of(), clone);

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
		assertThat(refused.errorLines()).first().asString().contains("already has", "--drop-if-exists");
		assertThat(refused.errorLines()).noneSatisfy((line) -> assertThat(line).contains("Encountered an error"));
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM sales.customers WHERE email LIKE 'changed-%'"))
			.as("the refused run left the target as it was")
			.containsExactly("0");

		PgCopyDbRun again = PgCopyDbRun.run(Map.of("PGCOPYDB_DROP_IF_EXISTS", "true"), clone);

		assertThat(again.exitCode()).as(again.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void pgDumpMissingIsABadConfiguration(PgServers servers, @TempDir Path dir) throws IOException {
		Path emptyBin = Files.createDirectory(dir.resolve("bin"));
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri("postgres"), "--target",
				servers.target().uri("postgres"), "--dir", dir.resolve("run").toString(), "--pg-bin",
				emptyBin.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
		assertThat(run.errorLines()).singleElement().asString().contains("pg_dump", emptyBin.toString(), "--pg-bin");
	}

	@Test
	void pgDumpOlderThanTheSourceIsABadConfiguration(PgServers servers, @TempDir Path dir) throws IOException {
		Path oldBin = Files.createDirectory(dir.resolve("bin"));
		int older = servers.source().majorVersion() - 1;
		for (String tool : new String[] { "pg_dump", "pg_restore" }) {
			Path script = oldBin.resolve(tool);
			Files.writeString(script, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + older + ".3'\n");
			Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_PG_BIN", oldBin.toString()), "clone", "--source",
				servers.source().uri("postgres"), "--target", servers.target().uri("postgres"), "--dir",
				dir.resolve("run").toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
		assertThat(run.errorLines()).singleElement()
			.asString()
			.contains("pg_dump " + older + ".3", "older than the source", "PGCOPYDB_PG_BIN");
	}

}

package io.pgcopydb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.DedicatedServer;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interruptions from outside and login failures: each first line names the real cause and
 * a remedy that works (issue 9): an administrator's pg_terminate_backend of a COPY
 * (retried), a source restart (snapshot lost; the printed command finishes the run), no
 * password, a role that does not exist, a password file libpq would ignore, and a
 * --resume against a --dir whose complete run copied other databases.
 */
@ExtendWith(PostgresExtension.class)
class InterruptionsIT {

	private static final int BIG_ROWS = 1_500_000;

	@Test
	void copyTerminatedByAnAdministratorIsRetriedAndEndsIdentical(PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "errors_terminated";
		prepareBig(servers.source(), servers.target(), db);

		PgCopyDbRun.Running running = PgCopyDbRun.start(Map.of(), "clone", "--source", servers.source().uri(db),
				"--target", servers.target().uri(db), "--dir", dir.toString());
		awaitActive(servers.target(), db, "COPY \"public\".\"big\"%FROM STDIN%");
		servers.target()
			.execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db
					+ "' AND query LIKE 'COPY \"public\".\"big\"%FROM STDIN%'");
		PgCopyDbRun run = running.finish();

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.stderr().lines().filter((line) -> line.contains(" WARN "))).as(run.toString())
			.anySatisfy((line) -> assertThat(line).contains("public.big", "administrator terminated", "retrying"));
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		drop(servers.source(), servers.target(), db);
	}

	@Test
	void sourceRestartLosesTheSnapshotAndThePrintedCommandFinishesTheRun(PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "errors_restart";
		try (DedicatedServer source = DedicatedServer.start("restarted-source")) {
			prepareBig(source, servers.target(), db);
			Map<String, String> env = Map.of("PGCOPYDB_SOURCE_PGURI", source.uri(db), "PGCOPYDB_TARGET_PGURI",
					servers.target().uri(db));
			PgCopyDbRun.Running running = PgCopyDbRun.start(env, "clone", "--dir", dir.toString());
			awaitActive(source, db, "COPY \"public\".\"big\"%TO STDOUT%");
			source.restart();
			PgCopyDbRun failed = running.finish();

			assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(6);
			assertThat(failed.errorLines()).first()
				.asString()
				.contains("source snapshot", "is lost (the source server", "copying table public.", "--not-consistent",
						"--restart");
			String finish = failed.errorLines()
				.stream()
				.filter((line) -> line.contains("finish with: pgcopydb "))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no finish line: " + failed));
			String command = finish
				.substring(finish.indexOf("finish with: pgcopydb ") + "finish with: pgcopydb ".length());
			command = command.contains(" (") ? command.substring(0, command.indexOf(" (")) : command;
			assertThat(command).contains("--resume", "--not-consistent");

			PgCopyDbRun resumed = PgCopyDbRun.run(env, Arrays.asList(command.split(" ")));

			assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
			assertThat(resumed.stdout()).contains("not consistent");
			DatabaseComparison.assertSameDatabase(source, db, servers.target(), db);
			PgCopyDbRun progress = PgCopyDbRun.run(Map.of(), "list", "progress", "--json", "--dir", dir.toString());
			assertThat(progress.stdout()).as(progress.toString()).containsPattern("\"consistent\"\\s*:\\s*false");
			servers.target().dropDatabase(db);
		}
	}

	@Test
	void noPasswordSaysSoAndWhereToPutIt(PgServers servers, @TempDir Path dir) {
		PgServer target = servers.target();
		String noPassword = "postgres://" + target.superuser() + "@" + target.host() + ":" + target.port()
				+ "/postgres";
		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGPASSFILE", dir.resolve("none").toString()), "clone", "--source",
				servers.source().uri("postgres"), "--target", noPassword, "--dir", dir.resolve("run").toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
		assertThat(run.errorLines()).first()
			.asString()
			.contains("asks a password", "none was given", "PGCOPYDB_TARGET_PGURI", "PGPASSWORD")
			.doesNotContain("host and port");
	}

	@Test
	void roleThatDoesNotExistIsNamed(PgServers servers, @TempDir Path dir) {
		PgServer target = servers.target();
		org.junit.jupiter.api.Assumptions.assumeTrue(target.socketDirectory().isPresent(), "needs the socket");
		String socket = "host=" + target.socketDirectory().get() + " port=" + target.port()
				+ " user=no_such_role_9 dbname=postgres";
		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri("postgres"), "--target",
				socket, "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
		assertThat(run.errorLines()).first()
			.asString()
			.contains("role \"no_such_role_9\" does not exist", "create it", "user=")
			.doesNotContain("password");
	}

	@Test
	void passwordFileOpenToOthersIsRefusedBeforeAnyRun(PgServers servers, @TempDir Path dir) throws IOException {
		PgServer source = servers.source();
		Path passfile = dir.resolve("pgpass");
		Files.writeString(passfile, "*:*:*:" + source.superuser() + ":" + source.superuserPassword() + "\n");
		Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-r--r--"));
		String noPassword = "postgres://" + source.superuser() + "@" + source.host() + ":" + source.port()
				+ "/postgres";
		Path work = dir.resolve("run");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGPASSFILE", passfile.toString()), "clone", "--source", noPassword,
				"--target", servers.target().uri("postgres"), "--dir", work.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
		assertThat(run.errorLines()).first().asString().contains(passfile.toString(), "chmod 0600 " + passfile);
		assertThat(work.resolve("pgcopydb.db")).as("no run recorded").doesNotExist();
	}

	@Test
	void resumeAgainstACompleteRunOfOtherDatabasesIsRefused(PgServers servers, @TempDir Path dir) {
		String first = "errors_first";
		String other = "errors_other";
		for (String db : List.of(first, other)) {
			servers.source().dropDatabase(db);
			servers.target().dropDatabase(db);
			servers.source().createDatabase(db);
			servers.target().createDatabase(db);
			servers.source().execute(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
		}
		PgCopyDbRun done = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(first), "--target",
				servers.target().uri(first), "--dir", dir.toString());
		assertThat(done.exitCode()).as(done.toString()).isZero();

		PgCopyDbRun resume = PgCopyDbRun.run(Map.of(), "clone", "--resume", "--source", servers.source().uri(other),
				"--target", servers.target().uri(other), "--dir", dir.toString());

		assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(3);
		assertThat(resume.errorLines()).first().asString().contains("cannot resume", "/" + other, "/" + first);
		for (String db : List.of(first, other)) {
			drop(servers.source(), servers.target(), db);
		}
	}

	private static void prepareBig(PgServer source, PgServer target, String db) {
		source.dropDatabase(db);
		target.dropDatabase(db);
		source.createDatabase(db);
		target.createDatabase(db);
		source.execute(db,
				"CREATE TABLE public.big (id bigint PRIMARY KEY, payload text);"
						+ "INSERT INTO public.big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, " + BIG_ROWS
						+ ") g; CREATE TABLE public.small (id int PRIMARY KEY); INSERT INTO public.small"
						+ " SELECT generate_series(1, 100); ANALYZE");
	}

	private static void drop(PgServer source, PgServer target, String db) {
		source.dropDatabase(db);
		target.dropDatabase(db);
	}

	/** Waits until a backend of {@code db} runs a statement LIKE {@code pattern}. */
	private static void awaitActive(PgServer server, String db, String pattern) {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			try (Connection connection = server.connect("postgres");
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
							+ "' AND state = 'active' AND query LIKE '" + pattern + "'")) {
				rs.next();
				return rs.getInt(1) > 0;
			}
		});
	}

}

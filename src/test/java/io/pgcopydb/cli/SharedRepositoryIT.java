package io.pgcopydb.cli;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;
import io.pgcopydb.testsupport.TablePin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs kept in a PostgreSQL repository (--repository-url): several runs share one
 * repository database without seeing each other's jobs, one process at a time drives a
 * run whichever host it is on, and a repository that cannot be used fails the command in
 * one line with exit code 9 before any work.
 */
@ExtendWith(PostgresExtension.class)
class SharedRepositoryIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void twoRunsShareOneRepositoryAndEachSeesOnlyItsOwnJobs(PgServers servers, @TempDir Path dir) throws Exception {
		Map<String, String> env = Map.of("PGCOPYDB_REPOSITORY_URL", SharedRepositoryExtension.url(servers));
		List<String> dbs = List.of("shared_repo_a", "shared_repo_b");
		for (String db : dbs) {
			CloneIT.prepare(servers, db);
			SampleDatabase.load(servers.source(), db);
		}
		PgCopyDbRun.Running first = PgCopyDbRun.start(env, clone(servers, dbs.get(0), dir.resolve("a")));
		PgCopyDbRun.Running second = PgCopyDbRun.start(env, clone(servers, dbs.get(1), dir.resolve("b")));
		List<String> schemas = new java.util.ArrayList<>();
		for (PgCopyDbRun run : List.of(first.finish(), second.finish())) {
			assertThat(run.exitCode()).as(run.toString()).isZero();
			java.util.regex.Matcher kept = java.util.regex.Pattern
				.compile("The run is kept in \\S+ as (\\w+); this process holds its lease there")
				.matcher(run.stderr());
			assertThat(kept.find()).as(run.stderr()).isTrue();
			schemas.add(kept.group(1));
		}
		assertThat(schemas.get(0)).as("named after its --dir").matches("a_[0-9a-f]{8}");
		assertThat(schemas.get(1)).matches("b_[0-9a-f]{8}");
		for (String db : dbs) {
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		}

		for (String name : List.of("a", "b")) {
			assertThat(dir.resolve(name).resolve("pgcopydb.db")).as("the runs are not kept in --dir").doesNotExist();
			PgCopyDbRun list = PgCopyDbRun.run(env, "job", "list", "--json", "--dir", dir.resolve(name).toString());
			assertThat(list.exitCode()).as(list.toString()).isZero();
			JsonNode jobs = JSON.readTree(list.stdout());
			assertThat(jobs.size()).as("each --dir sees its own run only: " + list.stdout()).isEqualTo(1);
			assertThat(jobs.get(0).get("status").asString()).isEqualTo("COMPLETED");
			PgCopyDbRun progress = PgCopyDbRun.run(env, "list", "progress", "--summary", "--dir",
					dir.resolve(name).toString());
			assertThat(progress.stdout()).contains("COMPLETED", "restorePostData");
		}
		assertThat(CloneIT.strings(servers.target(), SharedRepositoryExtension.DATABASE,
				"SELECT count(*) FROM information_schema.tables WHERE table_name = 'batch_job_instance'"
						+ " AND table_schema IN ('" + schemas.get(0) + "', '" + schemas.get(1) + "')"))
			.as("one schema per run")
			.containsExactly("2");

		PgCopyDbRun unknown = PgCopyDbRun.run(env, "job", "list", "--dir", dir.resolve("c").toString());
		assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(3);
		assertThat(unknown.errorLines()).first().asString().contains("no pgcopydb run is recorded as c_", "--run-name");
		for (String db : dbs) {
			CloneIT.cleanup(servers, db);
		}
	}

	/**
	 * Two hosts are two --dir here: the run is named the same from both (--run-name), and
	 * the second cannot drive it while the first does, but can stop it.
	 */
	@Test
	void oneProcessDrivesARunAndAnotherHostCanStopIt(PgServers servers, @TempDir Path dir) throws Exception {
		Map<String, String> env = Map.of("PGCOPYDB_REPOSITORY_URL", SharedRepositoryExtension.url(servers),
				"PGCOPYDB_RUN_NAME", "shared_lease_run");
		String db = "shared_lease";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		List<String> here = clone(servers, db, dir.resolve("host1"));
		List<String> there = clone(servers, db, dir.resolve("host2"));
		PgCopyDbRun.Running running;
		PgCopyDbRun stopped;
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			running = PgCopyDbRun.start(env, here);
			pin.holdTruncateOf("public", "event_log", Duration.ofMinutes(1));

			PgCopyDbRun second = PgCopyDbRun.run(env, there);
			assertThat(second.exitCode()).as(second.toString()).isEqualTo(3);
			assertThat(second.errorLines()).first()
				.asString()
				.contains("another pgcopydb process drives the run shared_lease_run", "--run-name");

			JsonNode jobs = JSON.readTree(
					PgCopyDbRun.run(env, "job", "list", "--json", "--dir", dir.resolve("host2").toString()).stdout());
			long id = jobs.get(0).get("id").asLong();
			assertThat(jobs.get(0).get("status").asString()).isEqualTo("STARTED");
			PgCopyDbRun stop = PgCopyDbRun.run(env, "job", "stop", String.valueOf(id), "--dir",
					dir.resolve("host2").toString());
			assertThat(stop.exitCode()).as(stop.toString()).isZero();
			stopped = running.finish();
			pin.release();
		}
		assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
		PgCopyDbRun elsewhere = PgCopyDbRun.run(env, ResumeIT.with(there, "--resume", "--not-consistent"));
		assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isEqualTo(3);
		assertThat(elsewhere.errorLines()).first()
			.asString()
			.contains("was started from --dir " + dir.resolve("host1"), "finish it from that --dir");

		PgCopyDbRun resumed = PgCopyDbRun.run(env, ResumeIT.with(here, "--resume", "--not-consistent"));
		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("Resuming job execution");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		servers.target().execute(SharedRepositoryExtension.DATABASE, "DROP SCHEMA shared_lease_run CASCADE");
		CloneIT.cleanup(servers, db);
	}

	/**
	 * The repository restarted or the network dropped the session holding the lease:
	 * another process could take the run over, so this one stops (exit 8), and a resume
	 * finishes the run.
	 */
	@Test
	void aLostLeaseStopsTheRunAndAResumeFinishesIt(PgServers servers, @TempDir Path dir) throws Exception {
		Map<String, String> env = Map.of("PGCOPYDB_REPOSITORY_URL", SharedRepositoryExtension.url(servers),
				"PGCOPYDB_RUN_NAME", "shared_lost_lease");
		String db = "shared_lost_lease";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		List<String> clone = clone(servers, db, dir.resolve("work"));
		PgCopyDbRun stopped;
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			PgCopyDbRun.Running running = PgCopyDbRun.start(env, clone);
			pin.holdTruncateOf("public", "event_log", Duration.ofMinutes(1));
			assertThat(CloneIT.strings(servers.target(), "postgres",
					"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
							+ SharedRepositoryExtension.DATABASE + "' AND application_name LIKE '%lease: clone'"))
				.containsExactly("1");
			stopped = running.finish();
			pin.release();
		}
		assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
		assertThat(stopped.stderr()).contains("holding the lease of the run shared_lost_lease", "ended");
		assertThat(stopped.errorLines()).last().asString().contains("lease", "--resume");

		PgCopyDbRun resumed = PgCopyDbRun.run(env, ResumeIT.with(clone, "--resume", "--not-consistent"));
		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		servers.target().execute(SharedRepositoryExtension.DATABASE, "DROP SCHEMA shared_lost_lease CASCADE");
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aRepositoryThatCannotBeUsedIsNamedWithExitCode9(PgServers servers, @TempDir Path dir) throws Exception {
		PgServer target = servers.target();
		String db = "shared_repo_errors";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		List<String> clone = clone(servers, db, dir.resolve("work"));
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}

		PgCopyDbRun unreachable = PgCopyDbRun.run(
				Map.of("PGCOPYDB_REPOSITORY_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/repo?user=x"), clone);
		assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(9);
		assertThat(unreachable.errorLines()).hasSize(1)
			.first()
			.asString()
			.contains("cannot connect to the repository 127.0.0.1:" + closedPort + "/repo", "--repository-url");

		PgCopyDbRun missing = PgCopyDbRun.run(Map
			.of("PGCOPYDB_REPOSITORY_URL", target.jdbcUrl("no_such_repo") + "?user=" + target.superuser() + "&password="
					+ java.net.URLEncoder.encode(target.superuserPassword(), java.nio.charset.StandardCharsets.UTF_8)),
				clone);
		assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(9);
		assertThat(missing.errorLines()).first()
			.asString()
			.contains("database \"no_such_repo\" does not exist on the repository", "createdb no_such_repo");

		PgCopyDbRun wrongPassword = PgCopyDbRun.run(
				Map.of("PGCOPYDB_REPOSITORY_URL",
						target.jdbcUrl("postgres") + "?user=" + target.superuser() + "&password=not-the-password"),
				clone);
		assertThat(wrongPassword.exitCode()).as(wrongPassword.toString()).isEqualTo(9);
		assertThat(wrongPassword.errorLines()).first()
			.asString()
			.contains("password authentication failed", "repository");
		assertThat(wrongPassword.stdout() + wrongPassword.stderr()).doesNotContain("not-the-password");

		PgCopyDbRun nameWithoutRepository = PgCopyDbRun.run(Map.of(), with(clone, "--run-name", "lonely"));
		assertThat(nameWithoutRepository.exitCode()).as(nameWithoutRepository.toString()).isEqualTo(1);
		assertThat(nameWithoutRepository.errorLines()).first().asString().contains("--run-name", "--repository-url");

		PgCopyDbRun badName = PgCopyDbRun.run(Map.of("PGCOPYDB_REPOSITORY_URL", SharedRepositoryExtension.url(servers)),
				with(clone, "--run-name", "Bad-Name"));
		assertThat(badName.exitCode()).as(badName.toString()).isEqualTo(1);
		assertThat(badName.errorLines()).first().asString().contains("--run-name Bad-Name", "lower-case");

		assertThat(CloneIT.strings(target, db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
			.as("nothing was restored before the repository was usable")
			.containsExactly("0");
		assertThat(dir.resolve("work").resolve("pgcopydb.db")).doesNotExist();

		// a role that may not create schemas there, and a run named with a keyword: the
		// error names both remedies; once a DBA made the schema for it, the run goes on
		String role = "pgcopydb_repo_user";
		String url = target.jdbcUrl(SharedRepositoryExtension.DATABASE) + "?user=" + role + "&password=repo-pw";
		Map<String, String> asRole = Map.of("PGCOPYDB_REPOSITORY_URL", url, "PGCOPYDB_RUN_NAME", "user");
		target.execute("postgres", "DROP ROLE IF EXISTS " + role);
		target.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'repo-pw'");
		try {
			PgCopyDbRun noCreate = PgCopyDbRun.run(asRole, clone);
			assertThat(noCreate.exitCode()).as(noCreate.toString()).isEqualTo(9);
			assertThat(noCreate.errorLines()).first()
				.asString()
				.contains("may not create the schema user", "GRANT CREATE ON DATABASE", "AUTHORIZATION " + role);

			target.execute(SharedRepositoryExtension.DATABASE, "CREATE SCHEMA \"user\" AUTHORIZATION " + role);
			PgCopyDbRun made = PgCopyDbRun.run(asRole, clone);
			assertThat(made.exitCode()).as(made.toString()).isZero();
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
			PgCopyDbRun list = PgCopyDbRun.run(asRole, "job", "list", "--dir", dir.resolve("work").toString());
			assertThat(list.stdout()).contains("clone", "COMPLETED");
		}
		finally {
			target.execute(SharedRepositoryExtension.DATABASE, "DROP SCHEMA IF EXISTS \"user\" CASCADE");
			target.execute("postgres", "DROP ROLE IF EXISTS " + role);
		}
		CloneIT.cleanup(servers, db);
	}

	private static List<String> clone(PgServers servers, String db, Path dir) {
		return List.of("clone", "--source", servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
				dir.toString(), "--table-jobs", "2");
	}

	private static List<String> with(List<String> args, String... more) {
		return ResumeIT.with(args, more);
	}

}

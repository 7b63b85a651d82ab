package io.pgcopydb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped cron wrapper, called again and again as a scheduler would: a first call
 * refused before the clone started (the target already has a source table) leaves a
 * repository without a clone in --dir, and the next call, once the DBA made room, must
 * start the clone rather than ask to resume one that does not exist; a call after the
 * clone completed does nothing and exits 0.
 */
@ExtendWith(PostgresExtension.class)
class CronWrapperIT {

	private static final Path WRAPPER = Path.of("jobs", "cron", "pgcopydb-migrate.sh");

	@Test
	void aFirstCallRefusedBeforeTheCloneStartedIsSimplyMadeAgain(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "cron_wrapper";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, "CREATE TABLE public.t (id integer PRIMARY KEY); INSERT INTO public.t VALUES (1)");
		servers.target().execute(db, "CREATE TABLE public.t (id integer)");
		Map<String, String> env = Map.of("PGCOPYDB_DIR", tmp.resolve("run").toString(), "PGCOPYDB_SOURCE_PGURI",
				servers.source().uri(db), "PGCOPYDB_TARGET_PGURI", servers.target().uri(db), "PGCOPYDB_JAR",
				PgCopyDbRun.JAR.toAbsolutePath().toString());

		assertThat(call(env, tmp)).as("refused: the target has public.t").isEqualTo(3);
		assertThat(tmp.resolve("run").resolve("pgcopydb.db")).exists();

		servers.target().execute(db, "DROP TABLE public.t");
		assertThat(call(env, tmp)).as("the clone starts now").isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);

		assertThat(call(env, tmp)).as("nothing left to do").isZero();
		CloneIT.cleanup(servers, db);
	}

	/**
	 * A scheduler that kills a call in its first seconds (the repository just created,
	 * the clone perhaps not yet recorded) kills the whole group; its next call finishes
	 * the migration, whichever side of the record the kill fell.
	 */
	@Test
	void aFirstCallKilledInItsFirstSecondsIsFinishedByTheNextCall(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "cron_wrapper_killed";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		Map<String, String> env = Map.of("PGCOPYDB_DIR", tmp.resolve("run").toString(), "PGCOPYDB_SOURCE_PGURI",
				servers.source().uri(db), "PGCOPYDB_TARGET_PGURI", servers.target().uri(db), "PGCOPYDB_JAR",
				PgCopyDbRun.JAR.toAbsolutePath().toString());
		Path repository = tmp.resolve("run").resolve("pgcopydb.db");

		ProcessBuilder builder = command(env, tmp, List.of("setsid", "bash", WRAPPER.toString()));
		Process first = builder.start();
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> Files.exists(repository) || !first.isAlive());
		new ProcessBuilder("kill", "-KILL", "--", "-" + first.pid()).inheritIO().start().waitFor();
		first.waitFor(30, TimeUnit.SECONDS);
		assertThat(first.exitValue()).as("killed").isEqualTo(137);
		// the group's last process (the JVM) may exit a little after the wrapper: until
		// then it holds the flock, and a call would rightly skip with exit 75
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> new ProcessBuilder("kill", "-0", "--", "-" + first.pid()).start().waitFor() != 0);

		assertThat(call(env, tmp)).as("the next call finishes the migration").isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(call(env, tmp)).as("nothing left to do").isZero();
		CloneIT.cleanup(servers, db);
	}

	private static int call(Map<String, String> env, Path tmp) throws IOException, InterruptedException {
		Process process = command(env, tmp, List.of("bash", WRAPPER.toString())).start();
		if (!process.waitFor(5, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("the cron wrapper did not finish within 5 minutes");
		}
		return process.exitValue();
	}

	private static ProcessBuilder command(Map<String, String> env, Path tmp, List<String> argv) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(argv);
		builder.environment().keySet().removeIf((name) -> name.startsWith("PG"));
		builder.environment().putAll(env);
		Path output = Files.createTempFile(tmp, "wrapper", ".out");
		builder.redirectErrorStream(true).redirectOutput(output.toFile());
		return builder;
	}

}

package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

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
 * pgcopydb's step-by-step tutorial, run as written: connection strings in the
 * environment, no --dir (the default one under $TMPDIR), a snapshot held by a
 * {@code pgcopydb snapshot} process, a schema change on the target between pre-data and
 * data, and one interruption (kill -9) in the middle of {@code copy data}. Also each
 * {@code copy} and {@code restore} verb on its own, in an order that makes one complete
 * run.
 */
@ExtendWith(PostgresExtension.class)
class StepByStepIT {

	@Test
	void tutorialInterruptedInCopyDataEndsIdenticalExceptTheAddedColumn(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "tutorial";
		ResumeIT.prepareWithBigTable(servers, db);
		Map<String, String> env = Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db), "PGCOPYDB_TARGET_PGURI",
				servers.target().uri(db), "TMPDIR", tmp.toString());
		Path dir = tmp.resolve("pgcopydb");

		// coproc ( pgcopydb snapshot ), and the next command starts at once
		PgCopyDbRun.Running coproc = PgCopyDbRun.start(env, "snapshot");
		PgCopyDbRun dump = PgCopyDbRun.run(env, "dump", "schema", "--resume");
		assertThat(dump.exitCode()).as(dump.toString()).isZero();
		Path published = dir.resolve("snapshot");
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Files.exists(published) && !Files.readString(published).isBlank());
		String snapshot = Files.readString(published).strip();
		assertThat(dump.stderr()).contains("Using snapshot " + snapshot + " held by pgcopydb snapshot");
		assertThat(dir.resolve("schema")).isDirectoryContaining((file) -> file.toString().endsWith(".dump"));

		PgCopyDbRun preData = PgCopyDbRun.run(env, "restore", "pre-data", "--resume");
		assertThat(preData.exitCode()).as(preData.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.big")).containsExactly("0");

		// psql -d "$PGCOPYDB_TARGET_PGURI" -f schema-changes.sql
		servers.target().execute(db, "ALTER TABLE public.big ADD COLUMN origin text NOT NULL DEFAULT 'old-db'");

		// pgcopydb copy data --resume, killed in the middle of public.big's COPY
		PgCopyDbRun.Running copy = PgCopyDbRun.start(env, "copy", "data", "--resume");
		ResumeIT.awaitCopyOfBigTable(servers.target(), db);
		copy.process().destroyForcibly();
		assertThat(copy.finish().exitCode()).isEqualTo(137);

		PgCopyDbRun withoutResume = PgCopyDbRun.run(env, "copy", "data");
		assertThat(withoutResume.exitCode()).as(withoutResume.toString()).isEqualTo(3);
		assertThat(withoutResume.errorLines()).first().asString().contains("--resume", "--restart");

		PgCopyDbRun copyAgain = PgCopyDbRun.run(env, "copy", "data", "--resume");
		assertThat(copyAgain.exitCode()).as(copyAgain.toString()).isZero();
		assertThat(copyAgain.stderr()).contains("Resuming job execution", "Using snapshot " + snapshot);

		PgCopyDbRun postData = PgCopyDbRun.run(env, "restore", "post-data", "--resume");
		assertThat(postData.exitCode()).as(postData.toString()).isZero();
		assertThat(postData.stderr()).contains("the run is complete");

		// kill -TERM ${COPROC_PID}; wait ${COPROC_PID}
		coproc.process().destroy();
		PgCopyDbRun released = coproc.finish();
		assertThat(released.exitCode()).as(released.toString()).isZero();

		PgCopyDbRun progress = PgCopyDbRun.run(env, "list", "progress", "--summary");
		assertThat(progress.exitCode()).as(progress.toString()).isZero();
		int tables = ResumeIT.tableCount(servers.source(), db);
		assertThat(progress.stdout()).contains(": COMPLETED", "Tables:  " + tables + " of " + tables + " copied")
			.containsPattern("dumpSchema\\s+COMPLETED")
			.containsPattern("restorePreData\\s+COMPLETED")
			.containsPattern("copyData\\s+COMPLETED")
			.containsPattern("restorePostData\\s+COMPLETED");

		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FILTER (WHERE origin = 'old-db') || ' of ' || count(*) FROM public.big"))
			.as("the added column got its default on every copied row")
			.containsExactly(ResumeIT.BIG_ROWS + " of " + ResumeIT.BIG_ROWS);
		servers.target().execute(db, "ALTER TABLE public.big DROP COLUMN origin");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void eachStepVerbDoesItsPartAndTheRunCompletesWithTheLast(PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "step_verbs";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		Map<String, String> env = CloneIT.sides(servers, db);
		String workDir = "--dir=" + dir;

		PgCopyDbRun tooEarly = PgCopyDbRun.run(env, "restore", "pre-data", workDir);
		assertThat(tooEarly.exitCode()).as(tooEarly.toString()).isEqualTo(3);
		assertThat(tooEarly.errorLines()).first().asString().contains("no schema dump", "pgcopydb dump schema");

		PgCopyDbRun dump = PgCopyDbRun.run(env, "dump", "schema", workDir);
		assertThat(dump.exitCode()).as(dump.toString()).isZero();
		PgCopyDbRun restartRestore = PgCopyDbRun.run(env, "restore", "pre-data", "--restart", workDir);
		assertThat(restartRestore.exitCode()).as(restartRestore.toString()).isEqualTo(3);
		assertThat(restartRestore.errorLines()).first().asString().contains("dump schema --restart", "kept");

		for (String[] verb : new String[][] { { "restore", "pre-data" }, { "copy", "table-data" },
				{ "copy", "indexes" }, { "copy", "constraints" }, { "copy", "sequences" }, { "copy", "blobs" } }) {
			PgCopyDbRun step = PgCopyDbRun.run(env, verb[0], verb[1], workDir);
			assertThat(step.exitCode()).as(step.toString()).isZero();
			assertThat(step.stdout()).as(String.join(" ", verb)).contains("PAUSED");
		}
		PgCopyDbRun paused = PgCopyDbRun.run(env, "list", "progress", workDir);
		assertThat(paused.stdout()).contains("PAUSED");

		PgCopyDbRun fresh = PgCopyDbRun.run(env, "clone", workDir);
		assertThat(fresh.exitCode()).as("a clone without --resume does not take over a step-by-step run").isEqualTo(3);

		PgCopyDbRun postData = PgCopyDbRun.run(env, "restore", "post-data", workDir);
		assertThat(postData.exitCode()).as(postData.toString()).isZero();
		assertThat(postData.stderr()).contains("the run is complete");
		assertThat(PgCopyDbRun.run(env, "job", "list", workDir).stdout()).contains("COMPLETED");

		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void dataIsNotCopiedIntoARunWhosePostDataIsRestored(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "step_order";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		Map<String, String> env = CloneIT.sides(servers, db);

		PgCopyDbRun schema = PgCopyDbRun.run(env, "copy", "schema", "--dir", dir.toString());
		assertThat(schema.exitCode()).as(schema.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) > 0 FROM pg_constraint WHERE contype = 'f'"))
			.as("copy schema restored the foreign keys")
			.containsExactly("t");

		PgCopyDbRun data = PgCopyDbRun.run(env, "copy", "data", "--dir", dir.toString());
		assertThat(data.exitCode()).as(data.toString()).isEqualTo(3);
		assertThat(data.errorLines()).first()
			.asString()
			.contains("already restored post-data", "copy data before restore post-data", "--restart");
		CloneIT.cleanup(servers, db);
	}

}

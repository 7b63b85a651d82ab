package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.TablePin;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A migration interrupted in the middle of a big table's COPY always finishes: after kill
 * -9 (the repository still says STARTED) and after SIGTERM (a clean stop, exit 8),
 * {@code clone --resume} keeps what completed, redoes what did not commit, and the target
 * ends identical to the source. Resumes that would be wrong are refused.
 */
@ExtendWith(PostgresExtension.class)
class ResumeIT {

	/**
	 * Rows of the table being copied when the run is interrupted: a few seconds of COPY.
	 */
	static final int BIG_ROWS = 1_500_000;

	@Test
	void killedMidCopyThenResumedEndsIdenticalAndRefusesWhatWouldBeWrong(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "resume_killed";
		prepareWithBigTable(servers, db);
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--table-jobs", "2");

		PgCopyDbRun.Running first;
		// hold the first run at public.big (its TRUNCATE waits for this lock) while a
		// second clone tries the same --dir, then let it COPY and kill it in the middle
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			first = PgCopyDbRun.start(Map.of(), clone);
			pin.holdTruncateOf("public", "big", Duration.ofMinutes(1));

			PgCopyDbRun concurrent = PgCopyDbRun.run(Map.of(), clone);
			assertThat(concurrent.exitCode()).as(concurrent.toString()).isEqualTo(3);
			assertThat(concurrent.errorLines()).first().asString().contains("another pgcopydb process", "pid");
			pin.release();
		}
		awaitCopyOfBigTable(servers.target(), db);
		first.process().destroyForcibly();
		assertThat(first.finish().exitCode()).isEqualTo(137);

		PgCopyDbRun fresh = PgCopyDbRun.run(Map.of(), clone);
		assertThat(fresh.exitCode()).as(fresh.toString()).isEqualTo(3);
		assertThat(fresh.stderr()).contains("its process is gone: recovering it");
		assertThat(fresh.errorLines()).first().asString().contains("unfinished clone", "--resume", "--restart");

		PgCopyDbRun noSnapshot = PgCopyDbRun.run(Map.of(), with(clone, "--resume"));
		assertThat(noSnapshot.exitCode()).as(noSnapshot.toString()).isEqualTo(3);
		assertThat(noSnapshot.errorLines()).first().asString().contains("--snapshot", "--not-consistent");

		servers.target().dropDatabase(db + "_other");
		servers.target().createDatabase(db + "_other");
		PgCopyDbRun otherTarget = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db + "_other"), "--dir", dir.toString(), "--resume", "--not-consistent");
		assertThat(otherTarget.exitCode()).as(otherTarget.toString()).isEqualTo(3);
		assertThat(otherTarget.errorLines()).first().asString().contains("cannot resume", "--target", db + "_other");
		servers.target().dropDatabase(db + "_other");

		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), with(clone, "--resume", "--not-consistent"));

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("Resuming job execution");
		assertThat(copiedTablesInThisRun(resumed)).as("tables completed before the kill are not copied again")
			.isLessThan(tableCount(servers.source(), db));
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void sigtermMidCopyStopsCleanlyWithExitCode8AndResumeFinishes(PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "resume_sigterm";
		prepareWithBigTable(servers, db);
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--table-jobs", "2");

		PgCopyDbRun.Running first = PgCopyDbRun.start(Map.of(), clone);
		awaitCopyOfBigTable(servers.target(), db);
		first.process().destroy();
		PgCopyDbRun stopped = first.finish();

		assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
		assertThat(stopped.errorLines()).first().asString().contains("stopped", "--resume");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.big"))
			.as("the interrupted COPY was rolled back, not left half done")
			.containsExactly("0");

		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), with(clone, "--resume", "--not-consistent"));

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("Resuming job execution").containsPattern("\\(STOPPED\\)");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void resumeReadsTheOriginalSnapshotHeldByPgcopydbSnapshot(PgServers servers, @TempDir Path dir)
			throws SQLException, java.io.IOException {
		String db = "resume_snapshot";
		prepareWithBigTable(servers, db);
		PgCopyDbRun.Running holder = PgCopyDbRun.start(Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db)),
				"snapshot", "--dir", dir.toString());
		Path published = dir.resolve("snapshot");
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> java.nio.file.Files.exists(published) && !java.nio.file.Files.readString(published).isBlank());
		String snapshot = java.nio.file.Files.readString(published).strip();
		servers.source()
			.execute(db, "INSERT INTO public.big SELECT g, 'written after the snapshot' " + "FROM generate_series("
					+ (BIG_ROWS + 1) + ", " + (BIG_ROWS + 100) + ") g");
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--table-jobs", "2");

		PgCopyDbRun.Running first = PgCopyDbRun.start(Map.of(), clone);
		awaitCopyOfBigTable(servers.target(), db);
		first.process().destroyForcibly();
		first.finish();
		try (Connection other = servers.source().connect(db); Statement statement = other.createStatement()) {
			other.setAutoCommit(false);
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()");
			rs.next();
			PgCopyDbRun otherSnapshot = PgCopyDbRun.run(Map.of(),
					with(clone, "--resume", "--snapshot", rs.getString(1)));
			assertThat(otherSnapshot.exitCode()).as(otherSnapshot.toString()).isEqualTo(3);
			assertThat(otherSnapshot.errorLines()).first()
				.asString()
				.contains("read snapshot " + snapshot, "--not-consistent");
			other.rollback();
		}
		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), with(clone, "--resume"));

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("Using snapshot " + snapshot + " held by pgcopydb snapshot");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) || ' ' || max(id) FROM public.big"))
			.as("rows written after the snapshot are not copied")
			.containsExactly(BIG_ROWS + " " + BIG_ROWS);
		try (Connection source = servers.source().connect(db); Connection target = servers.target().connect(db)) {
			var expected = DatabaseComparison.tableChecksums(source);
			var actual = DatabaseComparison.tableChecksums(target);
			expected.remove("public.big");
			actual.remove("public.big");
			assertThat(actual).isEqualTo(expected);
		}

		holder.process().destroy();
		PgCopyDbRun released = holder.finish();
		assertThat(released.exitCode()).as(released.toString()).isZero();
		assertThat(released.stdout().strip()).isEqualTo(snapshot);
		assertThat(published).doesNotExist();
		CloneIT.cleanup(servers, db);
	}

	/**
	 * The sample database plus public.big, large enough to be caught mid-COPY: a file
	 * copy of a template built once per source server (building it takes tens of seconds,
	 * copying it about one).
	 */
	static void prepareWithBigTable(PgServers servers, String db) {
		CloneIT.prepare(servers, db);
		String template = bigTemplate(servers.source());
		servers.source().execute("postgres", "CREATE DATABASE " + db + " TEMPLATE " + template);
	}

	/** Source servers (by URI) that hold the template already. */
	private static final Set<String> TEMPLATES = new HashSet<>();

	private static synchronized String bigTemplate(PgServer source) {
		String template = "it_template_big";
		if (!TEMPLATES.contains(source.uri(template))) {
			source.dropDatabase(template);
			SampleDatabase.load(source, template);
			source.execute(template,
					"CREATE TABLE public.big (id bigint PRIMARY KEY, payload text);"
							+ "INSERT INTO public.big SELECT g, repeat(md5(g::text), 2) FROM generate_series(1, "
							+ BIG_ROWS + ") g");
			source.execute(template, "VACUUM ANALYZE public.big");
			TEMPLATES.add(source.uri(template));
		}
		return template;
	}

	static void awaitCopyOfBigTable(PgServer target, String db) {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			try (Connection connection = target.connect("postgres");
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
							+ "' AND state = 'active' AND query LIKE 'COPY \"public\".\"big\"%'")) {
				rs.next();
				return rs.getInt(1) > 0;
			}
		});
	}

	private static int copiedTablesInThisRun(PgCopyDbRun run) {
		return (int) run.stderr()
			.lines()
			.filter((line) -> line.contains(" Copied ") && line.contains(" rows, "))
			.count();
	}

	static int tableCount(PgServer server, String db) throws SQLException {
		return Integer.parseInt(
				CloneIT
					.strings(server, db,
							"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
									+ "WHERE c.relkind = 'r' AND n.nspname IN ('public', 'sales')")
					.get(0));
	}

	static List<String> with(List<String> args, String... more) {
		List<String> all = new java.util.ArrayList<>(args);
		all.addAll(List.of(more));
		return all;
	}

}

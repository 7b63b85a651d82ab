package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.TablePin;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Same-table concurrency ({@code --split-tables-larger-than}): a table larger than the
 * threshold is copied as several slices in parallel, by its integer key (a slice of its
 * own for NULL keys) or else by page ranges, and arrives identical, each row once, also
 * when the run is killed while slices copy and then resumed.
 */
@ExtendWith(PostgresExtension.class)
class SplitTablesIT {

	@Test
	void tablesLargerThanTheThresholdAreCopiedInSlicesAndArriveIdentical(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "split_shapes";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db,
					// an integer key that allows NULL, and has some
					"CREATE TABLE public.keyed (id int UNIQUE, v text);"
							+ "INSERT INTO public.keyed SELECT CASE WHEN g % 97 = 0 THEN NULL ELSE g END,"
							+ " repeat(md5(g::text), 2) FROM generate_series(1, 60000) g;"
							// no key at all: page ranges
							+ "CREATE TABLE public.heap (a int, b text);"
							+ "INSERT INTO public.heap SELECT g % 1000, repeat(md5(g::text), 2)"
							+ " FROM generate_series(1, 60000) g;"
							// a small heap, its values out of line in a large TOAST
							+ "CREATE TABLE public.toasty (id bigint PRIMARY KEY, doc text);"
							+ "ALTER TABLE public.toasty ALTER COLUMN doc SET STORAGE EXTERNAL;"
							+ "INSERT INTO public.toasty SELECT g, (SELECT string_agg(md5(g::text || i::text), '')"
							+ " FROM generate_series(1, 200) i) FROM generate_series(1, 600) g;"
							// a partitioned parent with a large child and a small one
							+ "CREATE TABLE public.measures (id bigint PRIMARY KEY, at date NOT NULL, v numeric)"
							+ " PARTITION BY RANGE (id);"
							+ "CREATE TABLE public.measures_big PARTITION OF public.measures FOR VALUES FROM (0)"
							+ " TO (1000000);"
							+ "CREATE TABLE public.measures_small PARTITION OF public.measures FOR VALUES FROM (1000000)"
							+ " TO (MAXVALUE);"
							+ "INSERT INTO public.measures SELECT g, date '2024-01-01' + g % 365, g / 3.0"
							+ " FROM generate_series(1, 80000) g;"
							+ "INSERT INTO public.measures VALUES (1000001, '2024-01-01', 1);"
							+ "CREATE TABLE public.small (id int PRIMARY KEY); INSERT INTO public.small VALUES (1);"
							+ "ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);

		PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir=" + dir, "--split-tables-larger-than", "1 MB",
				"--split-max-parts", "4", "--table-jobs", "2", "--index-jobs", "2");

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).contains("Copying public.keyed", "as 5 slices in parallel, by ranges of its key id")
			.contains("Copying public.heap")
			.contains("by ranges of pages (CTID)")
			.contains("Copying public.measures_big")
			.contains("Copying public.toasty")
			.contains("Copied public.keyed [5/5] (id IS NULL)")
			.doesNotContain("Copying public.small", "Copying public.measures_small");
		assertThat(CloneIT.compareBoth(servers, db)).contains("equal");
		for (String table : List.of("public.keyed", "public.heap", "public.toasty", "public.measures",
				"public.small")) {
			assertThat(rows(servers.target(), db, table)).as(table).isEqualTo(rows(servers.source(), db, table));
		}
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.keyed WHERE id IS NULL"))
			.as("the NULL keys, once")
			.containsExactly("618");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT relname FROM pg_stat_user_tables WHERE (last_analyze IS NULL AND last_autoanalyze IS NULL"
						+ " OR last_vacuum IS NULL AND last_autovacuum IS NULL)"
						+ " AND relname IN ('keyed', 'heap', 'toasty', 'measures_big') ORDER BY 1"))
			.as("split tables (their slices copy without FREEZE) are vacuumed and analyzed")
			.isEmpty();

		PgCopyDbRun parts = PgCopyDbRun.run(env, "list", "table-parts", "--table-name", "keyed",
				"--split-tables-larger-than", "1MB", "--split-max-parts", "4");
		assertThat(parts.exitCode()).as(parts.toString()).isZero();
		assertThat(parts.stdout()).contains("id from the start to before 15001", "id IS NULL")
			.containsPattern("public\\.keyed \\([0-9]+ kB\\) in 5 parts");
		PgCopyDbRun heapParts = PgCopyDbRun.run(env, "list", "table-parts", "--table-name", "heap",
				"--split-tables-larger-than", "1MB", "--split-max-parts", "4", "--json");
		assertThat(heapParts.stdout()).contains("\"kind\" : \"ctid\"", "\"predicate\" : \"ctid >= ");
		PgCopyDbRun whole = PgCopyDbRun.run(env, "list", "table-parts", "--table-name", "small",
				"--split-tables-larger-than", "1MB");
		assertThat(whole.stdout()).contains("public.small (8192 bytes) is copied whole: not larger than the threshold");
		PgCopyDbRun missing = PgCopyDbRun.run(env, "list", "table-parts", "--table-name", "nope",
				"--split-tables-larger-than", "1MB");
		assertThat(missing.exitCode()).isNotZero();
		assertThat(missing.errorLines()).first()
			.asString()
			.contains("the source has no table public.nope whose rows a run copies");

		PgCopyDbRun progress = PgCopyDbRun.run(Map.of(), "list", "progress", "--dir=" + dir, "--json");
		assertThat(progress.exitCode()).as(progress.toString()).isZero();
		assertThat(progress.stdout()).as("every table done once, not every slice")
			.containsPattern("\"done\"\\s*:\\s*6\\b")
			.containsPattern("\"total\"\\s*:\\s*6\\b");
		CloneIT.cleanup(servers, db);
	}

	@Test
	void slicesKilledMidCopyAreResumedWithoutLossOrDuplicates(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "split_kill";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE public.big_key (id int PRIMARY KEY, v text);"
					+ "INSERT INTO public.big_key SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 400000) g;"
					+ "CREATE TABLE public.big_heap (a int, b text);"
					+ "INSERT INTO public.big_heap SELECT g % 1000, repeat(md5(g::text), 3)"
					+ " FROM generate_series(1, 300000) g;" + "ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);
		List<String> clone = List.of("clone", "--dir=" + dir, "--split-tables-larger-than", "4MB", "--split-max-parts",
				"4", "--table-jobs", "2", "--index-jobs", "2");

		// a snapshot held for --dir: every run, resumed ones included, reads the same
		// rows
		PgCopyDbRun.Running snapshot = PgCopyDbRun.start(env, "snapshot", "--dir=" + dir);
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Files.exists(dir.resolve("snapshot")) && !Files.readString(dir.resolve("snapshot")).isBlank());

		// killed once the key slices are half done, then once a page-range slice is done
		PgCopyDbRun first = killAfter(env, clone, "Copied public.big_key [2/4]");
		assertThat(first.exitCode()).isEqualTo(137);
		List<String> resume = new ArrayList<>(clone);
		resume.add("--resume");
		PgCopyDbRun second = killAfter(env, resume, "Copied public.big_heap [");
		assertThat(second.exitCode()).isEqualTo(137);

		// what the kill left of big_heap's page-range slices; one cut short is marked as
		// having reached its commit, as a kill between its commit and the record of its
		// completion leaves it (fault injection: its rows may or may not be there)
		String heapOid = CloneIT.strings(servers.source(), db, "SELECT 'public.big_heap'::regclass::oid").get(0);
		List<String> statuses = sliceStatuses(dir, heapOid);
		System.out.println("big_heap's slices after the second kill: " + statuses);
		String cutShort = statuses.stream()
			.filter((status) -> status.startsWith("copyTable:"))
			.findFirst()
			.orElse(null);
		boolean someCompleted = statuses.contains("COMPLETED");
		if (cutShort != null) {
			repository(dir, "INSERT INTO PGCOPYDB_SLICE_COMMIT (JOB_INSTANCE_ID, STEP_NAME) SELECT JOB_INSTANCE_ID, '"
					+ cutShort + "' FROM BATCH_JOB_INSTANCE WHERE NOT EXISTS (SELECT 1 FROM PGCOPYDB_SLICE_COMMIT"
					+ " WHERE STEP_NAME = '" + cutShort + "')");
		}

		PgCopyDbRun last = PgCopyDbRun.run(env, resume);
		assertThat(last.exitCode()).as(last.toString()).isZero();
		snapshot.process().destroy();
		assertThat(snapshot.finish().exitCode()).isZero();
		assertThat(second.stderr() + last.stderr()).as("a key slice that ran before deletes its range first")
			.containsPattern("Copied public\\.big_key \\[[1-4]/4\\] \\([^)]*, its earlier rows deleted first\\)");
		if (someCompleted && cutShort != null) {
			assertThat(last.stderr()).as("a page-range slice that may have committed restarts its table: " + statuses)
				.contains("public.big_heap: " + cutShort + " may have committed")
				.contains("(generation 2)");
		}
		else {
			assertThat(last.stderr()).as(statuses.toString()).doesNotContain("(generation 2)");
		}
		for (String table : List.of("public.big_key", "public.big_heap")) {
			assertThat(rows(servers.target(), db, table)).as(table + ": every row once")
				.isEqualTo(rows(servers.source(), db, table));
		}
		assertThat(CloneIT.compareBoth(servers, db)).contains("equal");
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aResumeReadingAnotherSnapshotStartsAPageRangeSplitTableOver(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "split_new_snapshot";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE public.big_heap (a int, b text); INSERT INTO public.big_heap"
					+ " SELECT g % 1000, repeat(md5(g::text), 3) FROM generate_series(1, 300000) g; ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);
		List<String> clone = new ArrayList<>(List.of("clone", "--dir=" + dir, "--split-tables-larger-than", "4MB",
				"--split-max-parts", "4", "--table-jobs", "2", "--index-jobs", "2"));

		// the first two slices (--table-jobs 2) wait for the pin, which lets them commit
		// and holds the next two at their COPY; then the run is killed
		PgCopyDbRun first;
		String copyInto = "COPY \"public\".\"big_heap\"";
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			PgCopyDbRun.Running running = PgCopyDbRun.startInOwnGroup(env, clone);
			pin.holdCopiesInto("public", "big_heap", 2, Duration.ofMinutes(2));
			pin.letThroughAndHoldAgain("public", "big_heap");
			await().atMost(Duration.ofMinutes(1))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> pin.blocked(copyInto).size() == 2);
			running.killGroup();
			first = running.finish();
			pin.release();
		}
		assertThat(first.exitCode()).isEqualTo(137);
		List<String> statuses = sliceStatuses(dir,
				CloneIT.strings(servers.source(), db, "SELECT 'public.big_heap'::regclass::oid").get(0));
		assertThat(statuses).as("big_heap's slices after the kill: two copied, two cut short").hasSize(4);
		assertThat(statuses).filteredOn("COMPLETED"::equals).hasSize(2);

		// with the snapshot gone, the source changes: updated rows move to other pages
		servers.source()
			.execute(db, "UPDATE public.big_heap SET b = b || '!' WHERE a < 300; DELETE FROM public.big_heap"
					+ " WHERE a = 999");
		clone.add("--resume");
		clone.add("--not-consistent");
		PgCopyDbRun last = PgCopyDbRun.run(env, clone);

		assertThat(last.exitCode()).as(last.toString()).isZero();
		// the new snapshot restarts the table (no slice was killed after its commit mark:
		// the two cut short waited at their COPY)
		assertThat(last.stderr()).contains("(generation 2)", "(--not-consistent): pages hold other rows in it")
			.doesNotContain("may have committed before the run stopped");
		assertThat(rows(servers.target(), db, "public.big_heap"))
			.as("the table as the new snapshot has it, each row once")
			.isEqualTo(rows(servers.source(), db, "public.big_heap"));
		CloneIT.cleanup(servers, db);
	}

	private static void repository(Path dir, String sql) throws Exception {
		try (Connection repository = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("pgcopydb.db"));
				Statement statement = repository.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * What the repository of {@code dir} records of the slices of a table that started,
	 * in its first slicing: COMPLETED, or CUT SHORT and the slice's name.
	 */
	private static List<String> sliceStatuses(Path dir, String tableOid) throws Exception {
		List<String> statuses = new ArrayList<>();
		try (Connection repository = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("pgcopydb.db"));
				Statement statement = repository.createStatement();
				ResultSet rs = statement.executeQuery("SELECT STEP_NAME, max(STATUS = 'COMPLETED') FROM"
						+ " BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'copyTable:" + tableOid + ".g1.s%'"
						+ " AND START_TIME IS NOT NULL GROUP BY STEP_NAME")) {
			while (rs.next()) {
				statuses.add(rs.getInt(2) == 1 ? "COMPLETED" : rs.getString(1));
			}
		}
		return statuses;
	}

	/**
	 * Starts a run and kills it (SIGKILL) shortly after its log shows {@code line}: the
	 * slice logged is recorded COMPLETED, the next one runs.
	 */
	private static PgCopyDbRun killAfter(Map<String, String> env, List<String> args, String line) throws Exception {
		PgCopyDbRun.Running running = PgCopyDbRun.startInOwnGroup(env, args);
		await().atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> running.stderrSoFar().contains(line) || !running.process().isAlive());
		Thread.sleep(100);
		running.killGroup();
		PgCopyDbRun run = running.finish();
		assertThat(run.stderr()).as("the run was killed after: " + line).contains(line);
		return run;
	}

	/** "count:md5" of a table's rows, in the rows' text order. */
	private static String rows(PgServer server, String db, String table) throws Exception {
		return CloneIT
			.strings(server, db,
					"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM "
							+ table + " t")
			.get(0);
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table's shape changed on the source during a follow (issue 11, "Long follows"): apply
 * stops before the first change of the new shape with exit 3 and one line naming the
 * table, the column and the remedy; once the DBA applied the same DDL on the target,
 * {@code --resume} applies everything and the target is the source's. DDL applied on both
 * sides, or a typmod change alone, does not stop it.
 */
@ExtendWith(PostgresExtension.class)
class FollowShapeChangeIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String SCHEMA = """
			CREATE TABLE items (id int PRIMARY KEY, note varchar(10), extra int, n int);
			CREATE TABLE other (id int PRIMARY KEY, v text);
			""";

	@Test
	void columnDroppedOnTheSourceStopsApplyUntilTheTargetDropsIt(PgServers servers, @TempDir Path dir)
			throws Exception {
		shapeChange(servers, dir, "shape_drop", "pgoutput", "ALTER TABLE items DROP COLUMN extra",
				"INSERT INTO items (id, note, n) VALUES (100, 'after', 7)", "\"extra\"");
	}

	@Test
	void columnTypeChangedOnTheSourceStopsApplyUntilTheTargetChangesIt(PgServers servers, @TempDir Path dir)
			throws Exception {
		shapeChange(servers, dir, "shape_type", "pgoutput", "ALTER TABLE items ALTER COLUMN n TYPE bigint",
				"INSERT INTO items VALUES (100, 'after', 1, 5000000000)", "\"n\"");
	}

	@Test
	void columnDroppedOnTheSourceStopsTestDecodingApplyToo(PgServers servers, @TempDir Path dir) throws Exception {
		shapeChange(servers, dir, "shape_drop_td", "test_decoding", "ALTER TABLE items DROP COLUMN extra",
				"INSERT INTO items (id, note, n) VALUES (100, 'after', 7)", "\"extra\"");
	}

	@Test
	void columnAddedOnBothSidesAndTypmodWidenedOnTheSourceDoNotStopApply(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "shape_both";
		Map<String, String> env = prepare(servers, db);
		try {
			setup(env, dir, "pgoutput");
			servers.source().execute(db, "UPDATE items SET note = 'u' WHERE id = 1");
			servers.target().execute(db, "ALTER TABLE items ADD COLUMN added text");
			servers.source()
				.execute(db, "ALTER TABLE items ADD COLUMN added text; ALTER TABLE items ALTER COLUMN note TYPE"
						+ " varchar(20); INSERT INTO items VALUES (100, 'after', 1, 2, 'new')");
			PgCopyDbRun run = PgCopyDbRun.run(env, "follow", "--endpos", insertLsn(servers, db), "--dir",
					dir.toString());

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertIdentical(servers, db);
		}
		finally {
			cleanup(servers, env, dir, db);
		}
	}

	@Test
	void aTableCreatedOnTheSourceAfterSetupIsReportedAsNotFollowed(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "shape_new_table";
		Map<String, String> env = prepare(servers, db);
		try {
			setup(env, dir, "pgoutput");
			servers.source()
				.execute(db, "CREATE TABLE created_later (id int PRIMARY KEY); CREATE UNLOGGED TABLE"
						+ " scratch (id int); INSERT INTO created_later VALUES (1); INSERT INTO items VALUES (100, 'x', 1, 1)");
			PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "follow", "--dir", dir.toString());
			String warning = awaitLine(follow, "not in publication", Duration.ofSeconds(90));
			PgCopyDbRun endpos = PgCopyDbRun.run(env, "stream", "sentinel", "set", "endpos", "--current", "--dir",
					dir.toString());
			assertThat(endpos.exitCode()).as(endpos.toString()).isZero();
			PgCopyDbRun run = follow.finish();

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(warning).contains("WARN")
				.contains("public.created_later")
				.doesNotContain("public.items")
				.doesNotContain("public.other")
				.doesNotContain("scratch");
			PgCopyDbRun list = PgCopyDbRun.run(Map.of(), "job", "list", "--json", "--dir", dir.toString());
			String id = JSON.readTree(list.stdout()).get(0).get("id").asText();
			PgCopyDbRun show = PgCopyDbRun.run(Map.of(), "job", "show", id, "--dir", dir.toString());
			assertThat(show.stdout()).as(show.toString()).contains("not followed").contains("public.created_later");
			assertThat(count(servers, db, "SELECT count(*) FROM items WHERE id = 100")).isOne();
		}
		finally {
			cleanup(servers, env, dir, db);
		}
	}

	private static String awaitLine(PgCopyDbRun.Running running, String text, Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline) && running.process().isAlive()) {
			String line = running.stderrSoFar().lines().filter((l) -> l.contains(text)).findFirst().orElse(null);
			if (line != null) {
				return line;
			}
			Thread.sleep(200);
		}
		throw new AssertionError("no line with \"" + text + "\" within " + timeout + ": " + running.stderrSoFar());
	}

	private static void shapeChange(PgServers servers, Path dir, String db, String plugin, String sourceDdl,
			String afterDdl, String column) throws Exception {
		Map<String, String> env = prepare(servers, db);
		try {
			setup(env, dir, plugin);
			servers.source()
				.execute(db, "UPDATE items SET note = 'before' WHERE id = 1; INSERT INTO other VALUES (2, 'b')");
			servers.source().execute(db, sourceDdl);
			servers.source().execute(db, afterDdl + "; UPDATE items SET note = 'after' WHERE id = 2");
			String endpos = insertLsn(servers, db);

			PgCopyDbRun stopped = PgCopyDbRun.run(env, "follow", "--plugin", plugin, "--endpos", endpos, "--dir",
					dir.toString());

			assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(3);
			String error = stopped.stderr()
				.lines()
				.filter((line) -> line.contains(column) && line.contains("items"))
				.findFirst()
				.orElse("");
			assertThat(error).as(stopped.toString()).contains("--resume").contains("ALTER TABLE");
			// what came before the change of shape is applied, nothing after it
			assertThat(count(servers, db, "SELECT count(*) FROM items WHERE id = 1 AND note = 'before'")).isOne();
			assertThat(count(servers, db, "SELECT count(*) FROM other WHERE id = 2")).isOne();
			assertThat(count(servers, db, "SELECT count(*) FROM items WHERE id = 100")).isZero();

			servers.target().execute(db, sourceDdl);
			PgCopyDbRun resumed = PgCopyDbRun.run(env, "follow", "--plugin", plugin, "--resume", "--endpos", endpos,
					"--dir", dir.toString());

			assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
			assertIdentical(servers, db);
		}
		finally {
			cleanup(servers, env, dir, db);
		}
	}

	private static Map<String, String> prepare(PgServers servers, String db) throws SQLException {
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		String rows = "INSERT INTO items SELECT g, 'a', g, g FROM generate_series(1, 10) g;"
				+ "INSERT INTO other VALUES (1, 'a')";
		servers.source().execute(db, SCHEMA + rows);
		servers.target().execute(db, SCHEMA + rows);
		return CloneIT.sides(servers, db);
	}

	private static void setup(Map<String, String> env, Path dir, String plugin) {
		PgCopyDbRun setup = PgCopyDbRun.run(env, "stream", "setup", "--plugin", plugin, "--dir", dir.toString());
		assertThat(setup.exitCode()).as(setup.toString()).isZero();
	}

	private static void cleanup(PgServers servers, Map<String, String> env, Path dir, String db) throws SQLException {
		PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
		assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
		CloneIT.cleanup(servers, db);
	}

	private static void assertIdentical(PgServers servers, String db) throws SQLException {
		try (Connection source = servers.source().connect(db); Connection target = servers.target().connect(db)) {
			assertThat(DatabaseComparison.tableChecksums(target)).isEqualTo(DatabaseComparison.tableChecksums(source));
		}
	}

	static String insertLsn(PgServers servers, String db) throws SQLException {
		try (Connection source = servers.source().connect(db);
				Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static long count(PgServers servers, String db, String sql) throws SQLException {
		try (Connection target = servers.target().connect(db);
				Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --startpos} and {@code stream sentinel set startpos} as pgcopydb documents them:
 * the copy was taken at startpos, after the slot's consistent point, so the transactions
 * ending at or before startpos are in the copy already and apply skips them. Without
 * that, they come again on top of the copy: a duplicate key, or doubled rows under
 * REPLICA IDENTITY FULL.
 */
@ExtendWith(PostgresExtension.class)
class FollowStartposIT {

	private static final String SCHEMA = """
			CREATE TABLE items (id int PRIMARY KEY, note text);
			CREATE TABLE events (n int, what text);
			ALTER TABLE events REPLICA IDENTITY FULL;
			""";

	@Test
	void followWithStartposSkipsWhatTheCopyTakenThereHolds(PgServers servers, @TempDir Path dir) throws Exception {
		runFollow(servers, dir, "follow_startpos_option", false);
	}

	@Test
	void sentinelSetStartposSkipsWhatTheCopyTakenThereHolds(PgServers servers, @TempDir Path dir) throws Exception {
		runFollow(servers, dir, "follow_startpos_sentinel", true);
	}

	private static void runFollow(PgServers servers, Path dir, String db, boolean throughSentinel) throws Exception {
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, SCHEMA + "INSERT INTO items SELECT g, 'a' FROM generate_series(1, 10) g;"
					+ "INSERT INTO events SELECT g, 'a' FROM generate_series(1, 10) g");
		servers.target().execute(db, SCHEMA);
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun setup = PgCopyDbRun.run(env, "stream", "setup", "--dir", dir.toString());
			assertThat(setup.exitCode()).as(setup.toString()).isZero();
			// after the slot's consistent point, before the copy
			for (int i = 11; i <= 15; i++) {
				servers.source()
					.execute(db,
							"INSERT INTO items VALUES (" + i + ", 'b'); INSERT INTO events VALUES (" + i + ", 'b')");
			}
			servers.source().execute(db, "UPDATE events SET what = 'c' WHERE n = 1");
			String startpos = lsn(servers, db, "SELECT pg_current_wal_lsn()");
			copy(servers, db, "items");
			copy(servers, db, "events");
			// after the copy: what the follow must apply
			servers.source()
				.execute(db,
						"INSERT INTO items VALUES (16, 'd'); UPDATE items SET note = 'e' WHERE id = 12;"
								+ "INSERT INTO events VALUES (16, 'd'); UPDATE events SET what = 'e' WHERE n = 12;"
								+ "DELETE FROM events WHERE n = 2");
			String endpos = lsn(servers, db, "SELECT pg_current_wal_insert_lsn()");

			List<String> follow = new ArrayList<>(List.of("follow", "--endpos", endpos, "--dir", dir.toString()));
			if (throughSentinel) {
				PgCopyDbRun set = PgCopyDbRun.run(env, "stream", "sentinel", "set", "startpos", startpos, "--dir",
						dir.toString());
				assertThat(set.exitCode()).as(set.toString()).isZero();
			}
			else {
				follow.addAll(List.of("--startpos", startpos));
			}
			PgCopyDbRun run = PgCopyDbRun.run(env, follow);

			assertThat(run.exitCode()).as(run.toString()).isZero();
			try (Connection source = servers.source().connect(db); Connection target = servers.target().connect(db)) {
				assertThat(DatabaseComparison.tableChecksums(target))
					.isEqualTo(DatabaseComparison.tableChecksums(source));
			}
			assertThat(count(servers, db, "SELECT count(*) FROM events")).isEqualTo(15);
		}
		finally {
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
			CloneIT.cleanup(servers, db);
		}
	}

	/** The copy taken at startpos: the source's rows as they are now. */
	private static void copy(PgServers servers, String db, String table) throws SQLException {
		StringBuilder values = new StringBuilder();
		try (Connection source = servers.source().connect(db);
				Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT format('(%L, %L)', "
						+ (table.equals("items") ? "id, note" : "n, what") + ") FROM " + table)) {
			while (rs.next()) {
				values.append((values.length() > 0) ? ", " : "").append(rs.getString(1));
			}
		}
		servers.target().execute(db, "INSERT INTO " + table + " VALUES " + values);
	}

	private static String lsn(PgServers servers, String db, String sql) throws SQLException {
		try (Connection source = servers.source().connect(db);
				Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(sql + "::text")) {
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

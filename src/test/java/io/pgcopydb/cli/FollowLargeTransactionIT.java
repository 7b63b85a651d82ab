package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source transactions far larger than the server's decoding memory
 * ({@code logical_decoding_work_mem = 64kB}, set on the source database: it is a user
 * setting, so the shared server is not touched) and than one change file: a 200k-row
 * {@code INSERT ... SELECT} and an {@code UPDATE} of every row, during
 * {@code clone --follow} in a child JVM of 512 MB; the follow ends 0 at
 * {@code endpos --current} with the target identical.
 */
@ExtendWith(PostgresExtension.class)
class FollowLargeTransactionIT {

	@Test
	void transactionsLargerThanTheMemoryBoundArriveWhole(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_large_tx";
		Map<String, String> env = FollowFaultsIT.env(servers, db);
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "ALTER DATABASE " + db + " SET logical_decoding_work_mem = '64kB';"
					+ " CREATE TABLE big (id int PRIMARY KEY, v int, pad text); CREATE TABLE small (a int, b text);"
					+ " ALTER TABLE small REPLICA IDENTITY FULL; INSERT INTO small VALUES (1, 'x'), (1, 'x')");
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--dir", dir.toString());
		try {
			FollowFaultsIT.awaitStderr(follow, "The clone completed: apply starts"::equals);
			try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
				try (ResultSet rs = statement.executeQuery("SHOW logical_decoding_work_mem")) {
					rs.next();
					assertThat(rs.getString(1)).isEqualTo("64kB");
				}
				statement.execute("INSERT INTO big SELECT g, g, md5(g::text) FROM generate_series(1, 200000) g");
				statement.execute("INSERT INTO small VALUES (2, 'y')");
				statement.execute("UPDATE big SET v = v + 1, pad = pad || 'u'");
				statement.execute("DELETE FROM small WHERE ctid = (SELECT ctid FROM small WHERE a = 1 LIMIT 1)");
			}
			FollowFaultsIT.endposCurrent(env, dir);
			PgCopyDbRun run = follow.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		}
		finally {
			follow.process().destroyForcibly();
			FollowFaultsIT.cleanup(servers, db, env, dir);
		}
	}

	/**
	 * With {@code --pgoutput-streaming} the source sends each large transaction while it
	 * runs: two of them interleaved, a subtransaction rolled back inside one, a third
	 * rolled back whole after it was streamed; only what committed arrives, once.
	 */
	@Test
	void streamedInProgressTransactionsInterleavedAndAbortedArriveAsCommitted(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "follow_streamed_tx";
		Map<String, String> env = FollowFaultsIT.env(servers, db);
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "ALTER DATABASE " + db + " SET logical_decoding_work_mem = '64kB';"
					+ " CREATE TABLE big (id int PRIMARY KEY, who text, pad text)");
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--pgoutput-streaming", "--dir",
				dir.toString());
		try {
			FollowFaultsIT.awaitStderr(follow, "The clone completed: apply starts"::equals);
			try (Connection one = servers.source().connect(db);
					Connection two = servers.source().connect(db);
					Connection three = servers.source().connect(db);
					Statement first = one.createStatement();
					Statement second = two.createStatement();
					Statement third = three.createStatement()) {
				one.setAutoCommit(false);
				two.setAutoCommit(false);
				three.setAutoCommit(false);
				for (int chunk = 0; chunk < 6; chunk++) {
					int from = chunk * 5000;
					first.execute("INSERT INTO big SELECT g, 'one', md5(g::text) FROM generate_series(" + (from + 1)
							+ ", " + (from + 5000) + ") g");
					second.execute("INSERT INTO big SELECT g, 'two', md5(g::text) FROM generate_series("
							+ (100000 + from + 1) + ", " + (100000 + from + 5000) + ") g");
					third.execute("INSERT INTO big SELECT g, 'three', md5(g::text) FROM generate_series("
							+ (200000 + from + 1) + ", " + (200000 + from + 5000) + ") g");
					if (chunk == 2) {
						first.execute("SAVEPOINT s");
						first.execute("UPDATE big SET pad = 'rolled back' WHERE who = 'one'");
						first.execute("INSERT INTO big SELECT g, 'gone', '' FROM generate_series(300001, 305000) g");
						first.execute("ROLLBACK TO SAVEPOINT s");
					}
				}
				second.execute("UPDATE big SET pad = 'two updated' WHERE who = 'two' AND id % 3 = 0");
				two.commit();
				three.rollback();
				one.commit();
			}
			FollowFaultsIT.endposCurrent(env, dir);
			PgCopyDbRun run = follow.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
			try (Connection target = servers.target().connect(db);
					Statement statement = target.createStatement();
					ResultSet rs = statement.executeQuery("SELECT string_agg(who || ' ' || n, ', ' ORDER BY who)"
							+ " FROM (SELECT who, count(*) n FROM big GROUP BY who) c")) {
				rs.next();
				assertThat(rs.getString(1)).isEqualTo("one 30000, two 30000");
			}
			// the source did stream them (its statistics, flushed when the walsender
			// ended)
			assertThat(streamedTransactions(servers, db)).isPositive();
		}
		finally {
			follow.process().destroyForcibly();
			FollowFaultsIT.cleanup(servers, db, env, dir);
		}
	}

	private static long streamedTransactions(PgServers servers, String db) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
			while (true) {
				try (ResultSet rs = statement.executeQuery("SELECT coalesce(sum(s.stream_txns), 0)"
						+ " FROM pg_stat_replication_slots s JOIN pg_replication_slots r USING (slot_name)"
						+ " WHERE r.database = current_database()")) {
					rs.next();
					if (rs.getLong(1) > 0 || System.nanoTime() > deadline) {
						return rs.getLong(1);
					}
				}
				Thread.sleep(200);
			}
		}
	}

}

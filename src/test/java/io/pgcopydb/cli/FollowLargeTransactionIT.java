package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

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

}

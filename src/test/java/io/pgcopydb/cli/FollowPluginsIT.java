package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
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
 * {@code clone --follow --plugin test_decoding} and {@code --plugin wal2json} end to end:
 * after the clone, source transactions that each plugin renders its own way (an update of
 * a TOASTed row that leaves the TOAST column unchanged, an update that changes the
 * primary key, changes of duplicate rows under REPLICA IDENTITY FULL, several
 * transactions in a row) reach the target; the follow ends 0 at {@code endpos --current}
 * with the target identical to the source.
 */
@ExtendWith(PostgresExtension.class)
class FollowPluginsIT {

	private static final String SCHEMA = """
			CREATE TABLE docs (id int PRIMARY KEY, v int NOT NULL, body text);
			ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
			CREATE TABLE dups (a int, b text);
			ALTER TABLE dups REPLICA IDENTITY FULL;
			INSERT INTO docs SELECT g, g, repeat(md5(g::text), 400) FROM generate_series(1, 10) g;
			INSERT INTO dups SELECT g % 3, 'x' FROM generate_series(1, 9) g;
			""";

	private static final String[] CHANGES = { "UPDATE docs SET v = v + 100 WHERE id = 1",
			"UPDATE docs SET id = id + 1000 WHERE id = 2",
			"UPDATE docs SET body = repeat('new', 3000), v = -1 WHERE id = 3; UPDATE docs SET v = -2 WHERE id = 3",
			"INSERT INTO dups VALUES (1, 'x'), (1, 'x')",
			"UPDATE dups SET b = 'y' WHERE ctid = (SELECT ctid FROM dups WHERE a = 1 LIMIT 1)",
			"DELETE FROM dups WHERE ctid = (SELECT ctid FROM dups WHERE a = 2 LIMIT 1)",
			"INSERT INTO docs VALUES (11, 11, repeat('z', 9000)); DELETE FROM docs WHERE id = 4",
			"UPDATE docs SET v = v * 2" };

	@Test
	void testDecoding(PgServers servers, @TempDir Path dir) throws Exception {
		followWith(servers, dir, "follow_test_decoding", "test_decoding");
	}

	@Test
	void wal2json(PgServers servers, @TempDir Path dir) throws Exception {
		followWith(servers, dir, "follow_wal2json", "wal2json");
	}

	private static void followWith(PgServers servers, Path dir, String db, String plugin) throws Exception {
		Map<String, String> env = FollowFaultsIT.env(servers, db);
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--plugin", plugin, "--dir",
				dir.toString());
		try {
			FollowFaultsIT.awaitStderr(follow, "The clone completed: apply starts"::equals);
			try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
				for (String change : CHANGES) {
					statement.execute(change);
				}
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

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follow publishes a partitioned table through its root, so its changes arrive under
 * the root's name: {@code follow} into a target prepared elsewhere with the partitions as
 * plain tables and no root is refused before any change is applied, naming the root and
 * the remedy.
 */
@ExtendWith(PostgresExtension.class)
class FollowPartitionRootIT {

	@Test
	void aTargetWithTheLeavesButNotTheirRootIsRefused(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_partition_root";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE measures (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);"
					+ "CREATE TABLE measures_2024 PARTITION OF measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
					+ "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
		servers.target()
			.execute(db, "CREATE TABLE measures_2024 (id int, at date, PRIMARY KEY (id, at));"
					+ "CREATE TABLE measures_2025 (id int, at date, PRIMARY KEY (id, at))");
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun setup = PgCopyDbRun.run(env, "stream", "setup", "--dir", dir.toString());
			assertThat(setup.exitCode()).as(setup.toString()).isZero();
			servers.source().execute(db, "INSERT INTO measures VALUES (1, '2024-06-01'), (2, '2025-06-01')");
			String endpos;
			try (Connection source = servers.source().connect(db);
					Statement statement = source.createStatement();
					ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
				rs.next();
				endpos = rs.getString(1);
			}

			PgCopyDbRun follow = PgCopyDbRun.run(env, "follow", "--endpos", endpos, "--dir", dir.toString());

			assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(3);
			assertThat(follow.errorLines()).as(follow.toString())
				.anyMatch(
						(line) -> line.contains("public.measures of the source") && line.contains("ATTACH PARTITION"));
		}
		finally {
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
			CloneIT.cleanup(servers, db);
		}
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy reads one snapshot: with --snapshot, rows committed on the source after that
 * snapshot was exported do not reach the target, in the table data as in the schema.
 */
@ExtendWith(PostgresExtension.class)
class SnapshotIT {

	@Test
	void cloneWithSnapshotCopiesTheSourceAsOfThatSnapshot(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "clone_snapshot";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE items (id integer PRIMARY KEY, label text);"
					+ "INSERT INTO items SELECT g, 'before ' || g FROM generate_series(1, 1000) g");
		try (Connection holder = servers.source().connect(db); Statement statement = holder.createStatement()) {
			holder.setAutoCommit(false);
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			String snapshot;
			try (ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
				rs.next();
				snapshot = rs.getString(1);
			}
			servers.source()
				.execute(db, "INSERT INTO items SELECT g, 'after ' || g FROM generate_series(1001, 1500) g;"
						+ "DELETE FROM items WHERE id <= 10; CREATE TABLE created_later (id integer)");

			PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_SNAPSHOT", snapshot), "clone", "--source",
					servers.source().uri(db), "--target", servers.target().uri(db), "--dir", dir.toString());

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(run.stderr()).contains("Using snapshot " + snapshot);
			holder.rollback();
		}
		assertThat(
				CloneIT.strings(servers.target(), db, "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM items"))
			.containsExactly("1000 1 1000");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT to_regclass('created_later') IS NULL"))
			.containsExactly("t");
		CloneIT.cleanup(servers, db);
	}

	@Test
	void snapshotThatIsNotHeldIsRefusedWithTheRemedy(PgServers servers, @TempDir Path dir) {
		String db = "clone_snapshot_gone";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--snapshot", "00000003-0000001B-1");

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
		assertThat(run.errorLines()).first().asString().contains("00000003-0000001B-1", "must stay open");
		CloneIT.cleanup(servers, db);
	}

}

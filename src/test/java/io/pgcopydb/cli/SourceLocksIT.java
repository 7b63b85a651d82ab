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
 * TRUNCATE and table-rewriting ALTER TABLE are not MVCC-safe: committed on the source
 * after the run's snapshot, a COPY in that snapshot reads the table empty. The run locks
 * its tables as pg_dump does, and fails, naming the table, when one changed before it
 * could lock it, or when another session holds it longer than the lock timeout.
 */
@ExtendWith(PostgresExtension.class)
class SourceLocksIT {

	@Test
	void aTableTruncatedAfterTheSnapshotFailsTheRunInsteadOfArrivingEmpty(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "locks_truncated";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE public.kept (id integer PRIMARY KEY);
				INSERT INTO public.kept SELECT generate_series(1, 1000);
				CREATE TABLE public.emptied (id integer PRIMARY KEY);
				INSERT INTO public.emptied SELECT generate_series(1, 1000);
				""");
		try (Connection holder = servers.source().connect(db); Statement statement = holder.createStatement()) {
			holder.setAutoCommit(false);
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			String snapshot;
			try (ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
				rs.next();
				snapshot = rs.getString(1);
			}
			servers.source().execute(db, "TRUNCATE public.emptied");

			PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
					servers.target().uri(db), "--dir", dir.toString(), "--snapshot", snapshot);

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
			assertThat(run.errorLines()).first()
				.asString()
				.contains("public.emptied", "after the run's snapshot", "--restart")
				.doesNotContain("public.kept");
			holder.rollback();
		}
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aTableHeldExclusivelyFailsWithinTheLockTimeoutNamingTheHolder(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "locks_held";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE public.busy (id integer PRIMARY KEY);
				INSERT INTO public.busy SELECT generate_series(1, 1000);
				""");
		try (Connection holder = servers.source().connect(db); Statement statement = holder.createStatement()) {
			holder.setAutoCommit(false);
			statement.execute("SET application_name = 'nightly maintenance'");
			statement.execute("LOCK TABLE public.busy IN ACCESS EXCLUSIVE MODE");
			long started = System.nanoTime();

			PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_COPY_LOCK_TIMEOUT", "2s"), "clone", "--source",
					servers.source().uri(db), "--target", servers.target().uri(db), "--dir", dir.toString());

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
			assertThat(run.errorLines()).first()
				.asString()
				.contains("for more than 2 s", "nightly maintenance", "holding public.busy", "run the command again");
			assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(60);
			holder.rollback();
		}

		PgCopyDbRun again = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString());

		assertThat(again.exitCode()).as(again.toString()).isZero();
		CloneIT.cleanup(servers, db);
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code clone --follow} killed after the follow's setup (slot, snapshot, origin) but
 * before the clone read anything: the slot's snapshot ended with the process, so a
 * {@code --resume} would copy under a new snapshot while apply replays from the slot's
 * consistent point, doubling what changed in between. It is refused with exit 3 naming
 * {@code --restart}.
 * <p>
 * The window is held open naturally: once the slot exists, a source session locks a table
 * ACCESS EXCLUSIVE (taken earlier, its transaction would block the slot's creation), and
 * the clone waits on it reading the source catalog.
 */
@ExtendWith(PostgresExtension.class)
class CloneFollowResumeIT {

	@Test
	void aResumeAfterAKillBeforeTheCloneReadTheSourceIsRefused(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "clone_follow_kill_window";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE items (id int PRIMARY KEY, note text);"
					+ "INSERT INTO items SELECT g, 'a' FROM generate_series(1, 100) g");
		Map<String, String> env = CloneIT.sides(servers, db);
		Connection locker = servers.source().connect(db);
		Thread lock = new Thread(() -> lockOnceTheSlotExists(locker), "locker");
		lock.start();
		PgCopyDbRun.Running clone = PgCopyDbRun.startInOwnGroup(env,
				List.of("clone", "--follow", "--dir", dir.toString()));
		try {
			awaitLockWaiter(servers, db, clone, Duration.ofSeconds(120));
			clone.killGroup();
			terminate(servers, db, locker);
			lock.join();
			servers.source().execute(db, "INSERT INTO items VALUES (101, 'after the kill')");
			String endpos = text(servers, db, "SELECT pg_current_wal_insert_lsn()::text");

			PgCopyDbRun resume = PgCopyDbRun.run(env, "clone", "--follow", "--resume", "--endpos", endpos, "--dir",
					dir.toString());

			assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(3);
			assertThat(resume.errorLines()).as(resume.toString())
				.anyMatch((line) -> line.contains("clone never started") && line.contains("--restart"));
		}
		finally {
			clone.process().destroyForcibly();
			terminate(servers, db, locker);
			locker.close();
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
			CloneIT.cleanup(servers, db);
		}
	}

	/**
	 * Waits, inside one statement and without an xid, for the slot to reach its
	 * consistent point, then locks the table and holds the lock until terminated.
	 */
	private static void lockOnceTheSlotExists(Connection locker) {
		try (Statement statement = locker.createStatement()) {
			statement.execute("""
					DO $$
					BEGIN
					  WHILE NOT EXISTS (SELECT FROM pg_replication_slots
					                     WHERE database = current_database() AND confirmed_flush_lsn IS NOT NULL) LOOP
					    PERFORM pg_sleep(0.001);
					  END LOOP;
					  LOCK TABLE items IN ACCESS EXCLUSIVE MODE;
					  PERFORM pg_sleep(600);
					END $$""");
		}
		catch (SQLException ex) {
			// terminated by the test
		}
	}

	/** Until a session of the clone waits for the lock on the table. */
	private static void awaitLockWaiter(PgServers servers, String db, PgCopyDbRun.Running clone, Duration timeout)
			throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!clone.process().isAlive()) {
				throw new AssertionError("clone --follow ended first: " + clone.stderrSoFar());
			}
			String waiting = text(servers, db,
					"SELECT count(*)::text FROM pg_locks WHERE NOT granted"
							+ " AND relation = 'items'::regclass AND database = (SELECT oid FROM pg_database"
							+ " WHERE datname = current_database())");
			if (!"0".equals(waiting)) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("nothing waited for the lock within " + timeout + ": " + clone.stderrSoFar());
	}

	private static void terminate(PgServers servers, String db, Connection locker) throws SQLException {
		if (locker.isClosed()) {
			return;
		}
		String pid = Integer.toString(((org.postgresql.PGConnection) locker).getBackendPID());
		servers.source().execute("postgres", "SELECT pg_terminate_backend(" + pid + ")");
	}

	private static String text(PgServers servers, String db, String sql) throws SQLException {
		try (Connection source = servers.source().connect(db);
				Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

}

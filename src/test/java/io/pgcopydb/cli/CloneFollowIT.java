package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end, the tutorial's online migration: {@code clone --follow} while a write load
 * runs on the source, then {@code stream sentinel set endpos --current} from another
 * process; the follow ends 0 with the target identical to the source (rows of every
 * table, sequences), and {@code stream cleanup} leaves no slot, publication or origin.
 */
@ExtendWith(PostgresExtension.class)
class CloneFollowIT {

	private static final String SCHEMA = """
			CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, balance numeric NOT NULL,
			    note text);
			CREATE TABLE history (account bigint, delta numeric, at timestamptz DEFAULT now());
			ALTER TABLE history REPLICA IDENTITY FULL;
			CREATE TABLE docs (id serial PRIMARY KEY, body text);
			ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
			INSERT INTO accounts (balance, note) SELECT g, 'a' || g FROM generate_series(1, 200) g;
			INSERT INTO history (account, delta) SELECT g, g FROM generate_series(1, 200) g;
			INSERT INTO docs (body) SELECT repeat(md5(g::text), 400) FROM generate_series(1, 20) g;
			SELECT lo_from_bytea(0, 'copied once');
			""";

	@Test
	void cloneFollowUnderLoadEndsIdenticalAtEndpos(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "clone_follow_load";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
			statement.execute(SCHEMA);
		}
		Map<String, String> env = CloneIT.sides(servers, db);
		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicLong transactions = new AtomicLong();
		Thread load = new Thread(() -> writeLoad(servers, db, loading, transactions), "load");
		load.start();
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--dir", dir.toString());
		try {
			awaitApplied(servers, db, dir, Duration.ofSeconds(90));
			loading.set(false);
			load.join();
			// large objects are not followed: one made now is missing at endpos, and said
			// so
			servers.source().execute(db, "SELECT lo_from_bytea(0, 'not followed')");
			PgCopyDbRun endpos = PgCopyDbRun.run(env, "stream", "sentinel", "set", "endpos", "--current", "--dir",
					dir.toString());
			assertThat(endpos.exitCode()).as(endpos.toString()).isZero();
			PgCopyDbRun run = follow.finish();

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(run.stderr()).contains("reached").contains("transactions applied");
			assertThat(run.stderr()).contains("1 large object(s) of the source")
				.contains("Large objects differ at endpos: the source has 2 and the target 1");
			assertThat(transactions.get()).isPositive();
			servers.source()
				.execute(db, "SELECT lo_unlink(oid) FROM pg_largeobject_metadata WHERE lo_get(oid) = 'not followed'");
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		}
		finally {
			loading.set(false);
			follow.process().destroyForcibly();
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
			assertThat(leftovers(servers, db)).isEmpty();
			CloneIT.cleanup(servers, db);
		}
	}

	/** Short transactions: inserts, updates of hot rows, deletes, a TOASTed update. */
	private static void writeLoad(PgServers servers, String db, AtomicBoolean loading, AtomicLong transactions) {
		try (Connection source = servers.source().connect(db)) {
			source.setAutoCommit(false);
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (loading.get()) {
				try (Statement statement = source.createStatement()) {
					int hot = 1 + random.nextInt(10);
					statement.execute("UPDATE accounts SET balance = balance + 1 WHERE id = " + hot);
					statement.execute("INSERT INTO history (account, delta) VALUES (" + hot + ", 1)");
					statement.execute("INSERT INTO accounts (balance) VALUES (" + random.nextInt(1000) + ")");
					if (random.nextInt(5) == 0) {
						statement.execute("DELETE FROM history WHERE ctid = (SELECT ctid FROM history WHERE account = "
								+ hot + " LIMIT 1)");
						statement.execute("UPDATE docs SET body = repeat(md5(random()::text), 400) WHERE id = "
								+ (1 + random.nextInt(20)));
					}
				}
				source.commit();
				transactions.incrementAndGet();
				Thread.sleep(5);
			}
		}
		catch (SQLException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Waits until the follow applies on the target (the clone is done). */
	static void awaitApplied(PgServers servers, String db, Path dir, Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			try (Connection target = servers.target().connect(db);
					Statement statement = target.createStatement();
					ResultSet rs = statement.executeQuery(
							"SELECT count(*) FROM pg_replication_origin_status" + " WHERE remote_lsn > '0/0'")) {
				if (rs.next() && rs.getLong(1) > 0) {
					return;
				}
			}
			catch (SQLException ex) {
				// the target's tables are not there before the clone's pre-data
			}
			Thread.sleep(200);
		}
		throw new AssertionError("the follow applied nothing within " + timeout + " (see " + dir + "/logs)");
	}

	static List<String> leftovers(PgServers servers, String db) throws SQLException {
		List<String> found = new ArrayList<>();
		try (Connection source = servers.source().connect(db);
				Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 'slot ' || slot_name FROM pg_replication_slots"
						+ " UNION ALL SELECT 'publication ' || pubname FROM pg_publication")) {
			while (rs.next()) {
				found.add(rs.getString(1));
			}
		}
		try (Connection target = servers.target().connect(db);
				Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 'origin ' || roname FROM pg_replication_origin")) {
			while (rs.next()) {
				found.add(rs.getString(1));
			}
		}
		return found;
	}

}

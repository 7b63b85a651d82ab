package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compare data --follow} while {@code clone --follow} keeps the target in sync:
 * rows the follow has not applied yet are lag, not differences. With apply paused, a
 * plain compare reports the rows not yet applied; {@code --follow} waits for the follow
 * to apply the source's snapshot position (and says so when it does not in time), then
 * reports only the row changed on the target behind the follow's back, while the source
 * keeps changing; every other row it lists is "changing", never missing, extra or
 * changed.
 */
@ExtendWith(PostgresExtension.class)
class CompareFollowIT {

	private static final String SCHEMA = """
			CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL);
			INSERT INTO accounts SELECT g, g FROM generate_series(1, 5000) g;
			CREATE TABLE events (id bigint PRIMARY KEY, v int);
			INSERT INTO events SELECT g, g FROM generate_series(1, 2000) g;
			CREATE TABLE log (a int, b text);
			ALTER TABLE log REPLICA IDENTITY FULL;
			INSERT INTO log SELECT g, 'x' || g FROM generate_series(1, 500) g;
			CREATE TABLE marker (id int PRIMARY KEY, v int);
			INSERT INTO marker VALUES (1, 0);
			""";

	@Test
	void lagIsNotADifferenceAndARowChangedOnTheTargetIs(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "compare_follow";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
		Map<String, String> env = CloneIT.sides(servers, db);
		String workDir = dir.toString();
		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicLong transactions = new AtomicLong();
		Thread load = new Thread(() -> writeLoad(servers, db, loading, transactions), "load");
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--dir", workDir);
		try {
			awaitFollowing(servers, db, Duration.ofSeconds(90));
			// behind the follow's back: a real difference
			servers.target().execute(db, "UPDATE events SET v = -1 WHERE id = 500");
			PgCopyDbRun prefetch = PgCopyDbRun.run(env, "stream", "sentinel", "set", "prefetch", "--dir", workDir);
			assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
			Thread.sleep(2000);
			servers.source().execute(db, "UPDATE accounts SET balance = balance + 1 WHERE id <= 30");

			PgCopyDbRun lagging = PgCopyDbRun.run(env, "compare", "data");
			assertThat(lagging.exitCode()).as(lagging.toString()).isEqualTo(10);
			assertThat(lagging.stdout()).contains("public.accounts: differs, 30 row(s)", "(id)=(1)  changed");

			PgCopyDbRun stalled = PgCopyDbRun.run(env, "compare", "data", "--follow", "--dir", workDir,
					"--follow-timeout", "2");
			assertThat(stalled.exitCode()).as(stalled.toString()).isEqualTo(3);
			assertThat(stalled.errorLines()).first().asString().contains("the follow of", "not yet", "is it running");

			load.start();
			PgCopyDbRun apply = PgCopyDbRun.run(env, "stream", "sentinel", "set", "apply", "--dir", workDir);
			assertThat(apply.exitCode()).as(apply.toString()).isZero();
			PgCopyDbRun inStep = PgCopyDbRun.run(env, "compare", "data", "--follow", "--dir", workDir);
			assertThat(inStep.exitCode()).as(inStep.toString()).isEqualTo(10);
			assertThat(inStep.stdout()).contains("public.events: differs, 1 row(s)", "(id)=(500)  changed")
				.doesNotContain("public.log: differs");
			List<String> rowLines = inStep.stdout().lines().filter((line) -> line.startsWith("  (")).toList();
			assertThat(rowLines).as("rows listed other than events 500 are still changing")
				.allMatch((line) -> line.equals("  (id)=(500)  changed") || line.endsWith("  changing"));
			assertThat(transactions.get()).isPositive();

			loading.set(false);
			load.join();
			PgCopyDbRun endpos = PgCopyDbRun.run(env, "stream", "sentinel", "set", "endpos", "--current", "--dir",
					workDir);
			assertThat(endpos.exitCode()).as(endpos.toString()).isZero();
			PgCopyDbRun run = follow.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			PgCopyDbRun settled = PgCopyDbRun.run(env, "compare", "data", "--json");
			assertThat(settled.exitCode()).as(settled.toString()).isEqualTo(10);
			assertThat(settled.stdout()).contains("\"differing_rows\" : 1", "\"key\" : \"(id)=(500)\"");
		}
		finally {
			loading.set(false);
			follow.process().destroyForcibly();
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", workDir);
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
			assertThat(CloneFollowIT.leftovers(servers, db)).as("no slot (the compare's are temporary)").isEmpty();
			CloneIT.cleanup(servers, db);
		}
	}

	/** Waits until a change made on the source now is applied on the target. */
	private static void awaitFollowing(PgServers servers, String db, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		servers.source().execute(db, "UPDATE marker SET v = 1");
		while (System.nanoTime() < deadline) {
			try (Connection target = servers.target().connect(db);
					Statement statement = target.createStatement();
					java.sql.ResultSet rs = statement.executeQuery("SELECT v FROM marker")) {
				if (rs.next() && rs.getInt(1) == 1) {
					return;
				}
			}
			catch (SQLException ex) {
				// the table is not on the target before the clone's pre-data
			}
			Thread.sleep(200);
		}
		throw new AssertionError("the follow applied nothing within " + timeout);
	}

	/** Updates of random accounts and inserts into the keyless log, every few ms. */
	private static void writeLoad(PgServers servers, String db, AtomicBoolean loading, AtomicLong transactions) {
		try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (loading.get()) {
				statement.execute("UPDATE accounts SET balance = balance + 1 WHERE id = " + (1 + random.nextInt(5000)));
				statement.execute("INSERT INTO log VALUES (" + random.nextInt(1000) + ", 'more')");
				transactions.incrementAndGet();
				Thread.sleep(3);
			}
		}
		catch (SQLException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

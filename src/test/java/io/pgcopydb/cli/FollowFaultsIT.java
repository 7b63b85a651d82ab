package io.pgcopydb.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of {@code clone --follow} run as a user meets them: the process killed with
 * SIGKILL while it applies, while it only receives (apply paused with
 * {@code stream sentinel set prefetch}), or right after its clone ended; stopped with
 * SIGTERM; killed during the clone's COPY; its walsender terminated on the source. Each
 * is followed by what the user does next ({@code --resume}, or {@code --restart} where a
 * resume is refused), then {@code stream sentinel set endpos --current}: the follow ends
 * 0 and the target is identical to the source. A table without any unique key and with
 * REPLICA IDENTITY FULL receives inserts, updates and deletes of duplicate rows, so that
 * a transaction applied twice (or skipped) shows as a different row count.
 */
@ExtendWith(PostgresExtension.class)
class FollowFaultsIT {

	static final String SCHEMA = """
			CREATE TABLE dups (a int, b text);
			ALTER TABLE dups REPLICA IDENTITY FULL;
			CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int NOT NULL, body text);
			ALTER TABLE items ALTER COLUMN body SET STORAGE EXTERNAL;
			INSERT INTO dups SELECT g % 10, 'x' FROM generate_series(1, 100) g;
			INSERT INTO items (v, body) SELECT g, repeat(md5(g::text), 300) FROM generate_series(1, 20) g;
			""";

	private static final Duration CLONE_WAIT = Duration.ofSeconds(180);

	private static final String CLONE_DONE = "The clone completed: apply starts";

	@Test
	void killDuringApplyThenResume(PgServers servers, @TempDir Path dir) throws Exception {
		killThenResume(servers, dir, "follow_kill_apply", (follow) -> {
			awaitApplied(servers, follow, dir);
			sleep(1500);
		});
	}

	/**
	 * The same with three apply sessions ({@code PGCOPYDB_APPLY_JOBS}): each session's
	 * origin and the session log say what is applied; the resume, not told, applies with
	 * the three recorded.
	 */
	@Test
	void killDuringApplyWithThreeApplySessionsThenResume(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_kill_sessions";
		killThenResume(servers, dir, db, Map.of("PGCOPYDB_APPLY_JOBS", "3"), (follow) -> {
			awaitApplied(servers, follow, dir);
			// next to the load (whose every transaction changes dups, taken whole: one
			// session at a time), inserts of rows of their own, which spread
			AtomicBoolean inserting = new AtomicBoolean(true);
			Thread inserts = new Thread(() -> {
				try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
					while (inserting.get()) {
						statement.execute("INSERT INTO items (v) VALUES (7)");
						Thread.sleep(2);
					}
				}
				catch (SQLException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}, "inserts");
			inserts.start();
			sleep(2500);
			inserting.set(false);
			inserts.join();
			assertThat(dir.resolve("cdc").resolve("apply-sessions.log")).isRegularFile();
			assertThat(count(servers.target().connect("postgres"),
					"SELECT count(DISTINCT remote_lsn) FROM pg_replication_origin_status WHERE external_id LIKE '"
							+ derivedName(dir) + "%'"))
				.as("sessions committed up to different transactions")
				.isGreaterThan(1);
			assertThat(count(servers.target().connect("postgres"),
					"SELECT count(*) FROM pg_replication_origin WHERE roname IN ('" + derivedName(dir) + ".apply2', '"
							+ derivedName(dir) + ".apply3')"))
				.isEqualTo(2);
		});
		assertThat(dir.resolve("cdc").resolve("apply-sessions.log")).doesNotExist();
	}

	@Test
	void killDuringReceiveWithApplyPausedThenResume(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_kill_receive";
		killThenResume(servers, dir, db, (follow) -> {
			awaitStderr(follow, CLONE_DONE::equals);
			PgCopyDbRun prefetch = PgCopyDbRun.run(env(servers, db), "stream", "sentinel", "set", "prefetch", "--dir",
					dir.toString());
			assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
			sleep(500);
			long applied = appliedLsn(servers, dir);
			sleep(1500);
			// the load went on, received only
			assertThat(appliedLsn(servers, dir)).isEqualTo(applied);
		});
	}

	@Test
	void killRightAfterTheCloneThenResume(PgServers servers, @TempDir Path dir) throws Exception {
		killThenResume(servers, dir, "follow_kill_between", (follow) -> awaitStderr(follow, CLONE_DONE::equals));
	}

	@Test
	void sigtermStopsWithExit8ThenResumeFinishes(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_sigterm";
		Map<String, String> env = prepare(servers, db);
		Load load = Load.start(servers, db);
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--dir", dir.toString());
		try {
			awaitApplied(servers, follow, dir);
			follow.process().destroy();
			PgCopyDbRun stopped = follow.finish();
			assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
			assertThat(stopped.stderr()).contains("--resume");
			finishWithResume(servers, db, dir, env, load);
		}
		finally {
			load.stop();
			follow.process().destroyForcibly();
			cleanup(servers, db, env, dir);
		}
	}

	@Test
	void killDuringTheCopyRefusesResumeThenRestartFinishes(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_kill_copy";
		Map<String, String> env = prepare(servers, db);
		PgCopyDbRun.Running follow = null;
		Load load = null;
		try (Connection blocker = servers.source().connect(db); Statement statement = blocker.createStatement()) {
			// holds the COPY of items (and pg_dump's lock on it): the clone is reading
			// the
			// source when it dies
			blocker.setAutoCommit(false);
			follow = PgCopyDbRun.startInOwnGroup(env, List.of("clone", "--follow", "--dir", dir.toString()));
			awaitStderr(follow, (line) -> line.contains("The clone reads the source in snapshot"));
			statement.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
			sleep(1500);
			follow.killGroup();
			blocker.rollback();

			PgCopyDbRun resume = PgCopyDbRun.run(env, "clone", "--follow", "--resume", "--dir", dir.toString());
			assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(3);
			assertThat(resume.errorLines()).anySatisfy((line) -> assertThat(line).contains("--restart"));

			load = Load.start(servers, db);
			PgCopyDbRun.Running restart = PgCopyDbRun.start(env, "clone", "--follow", "--restart", "--drop-if-exists",
					"--dir", dir.toString());
			awaitApplied(servers, restart, dir);
			sleep(500);
			load.stop();
			endposCurrent(env, dir);
			PgCopyDbRun run = restart.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertIdentical(servers, db, load);
		}
		finally {
			if (load != null) {
				load.stop();
			}
			if (follow != null) {
				follow.process().destroyForcibly();
			}
			cleanup(servers, db, env, dir);
		}
	}

	@Test
	void terminatedWalsenderIsReconnected(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "follow_walsender";
		Map<String, String> env = prepare(servers, db);
		Load load = Load.start(servers, db);
		PgCopyDbRun.Running follow = PgCopyDbRun.start(env, "clone", "--follow", "--dir", dir.toString());
		try {
			awaitApplied(servers, follow, dir);
			for (int i = 0; i < 2; i++) {
				try (Connection source = servers.source().connect(db);
						Statement statement = source.createStatement();
						ResultSet rs = statement.executeQuery("SELECT pg_terminate_backend(active_pid)"
								+ " FROM pg_replication_slots WHERE slot_name = '" + derivedName(dir) + "'")) {
					assertThat(rs.next()).as("slot %s is active", derivedName(dir)).isTrue();
				}
				sleep(1500);
			}
			load.stop();
			endposCurrent(env, dir);
			PgCopyDbRun run = follow.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertIdentical(servers, db, load);
		}
		finally {
			load.stop();
			follow.process().destroyForcibly();
			cleanup(servers, db, env, dir);
		}
	}

	/** What happens to a running follow before it is killed. */
	interface Moment {

		void await(PgCopyDbRun.Running follow) throws Exception;

	}

	private static void killThenResume(PgServers servers, Path dir, String db, Moment moment) throws Exception {
		killThenResume(servers, dir, db, Map.of(), moment);
	}

	private static void killThenResume(PgServers servers, Path dir, String db, Map<String, String> extra, Moment moment)
			throws Exception {
		Map<String, String> env = prepare(servers, db);
		Map<String, String> first = new java.util.HashMap<>(env);
		first.putAll(extra);
		Load load = Load.start(servers, db);
		PgCopyDbRun.Running follow = PgCopyDbRun.startInOwnGroup(first,
				List.of("clone", "--follow", "--dir", dir.toString()));
		try {
			moment.await(follow);
			System.out.println(Instant.now() + " kill -9 of clone --follow");
			follow.killGroup();
			System.out.println(Instant.now() + " killed");
			assertThat(follow.process().exitValue()).isEqualTo(137);
			finishWithResume(servers, db, dir, env, load);
		}
		finally {
			load.stop();
			follow.process().destroyForcibly();
			cleanup(servers, db, env, dir);
		}
	}

	/**
	 * The load goes on for a while after the fault, then stops; the resume runs to
	 * {@code endpos --current}.
	 */
	private static void finishWithResume(PgServers servers, String db, Path dir, Map<String, String> env, Load load)
			throws Exception {
		sleep(500);
		PgCopyDbRun.Running resume = PgCopyDbRun.start(env, "clone", "--follow", "--resume", "--dir", dir.toString());
		try {
			sleep(1000);
			load.stop();
			endposCurrent(env, dir);
			PgCopyDbRun run = resume.finish();
			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(run.stderr()).contains("reached");
			assertIdentical(servers, db, load);
		}
		finally {
			resume.process().destroyForcibly();
		}
	}

	static void endposCurrent(Map<String, String> env, Path dir) {
		PgCopyDbRun endpos = PgCopyDbRun.run(env, "stream", "sentinel", "set", "endpos", "--current", "--dir",
				dir.toString());
		assertThat(endpos.exitCode()).as(endpos.toString()).isZero();
	}

	static void assertIdentical(PgServers servers, String db, Load load) throws SQLException {
		assertThat(load.transactions()).as("load transactions").isPositive();
		assertThat(load.failure()).as("load failure").isNull();
		// a transaction applied twice or skipped changes the count of duplicate rows
		assertThat(count(servers.target().connect(db), "SELECT count(*) FROM dups"))
			.isEqualTo(count(servers.source().connect(db), "SELECT count(*) FROM dups"));
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
	}

	static Map<String, String> prepare(PgServers servers, String db) throws SQLException {
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		try (Connection source = servers.source().connect(db); Statement statement = source.createStatement()) {
			statement.execute(SCHEMA);
		}
		return env(servers, db);
	}

	static Map<String, String> env(PgServers servers, String db) {
		return CloneIT.sides(servers, db);
	}

	/**
	 * {@code stream cleanup} (after the follow process is gone), then SQL for whatever a
	 * failing run left: slots and origins are cluster-wide.
	 */
	static void cleanup(PgServers servers, String db, Map<String, String> env, Path dir) throws SQLException {
		PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir.toString());
		String name = derivedName(dir);
		long origins = count(servers.target().connect("postgres"),
				"SELECT count(*) FROM pg_replication_origin WHERE roname LIKE '" + name + "%'");
		try (Connection source = servers.source().connect("postgres"); Statement statement = source.createStatement()) {
			statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
					+ " WHERE slot_name = '" + name + "' AND NOT active");
		}
		servers.target().dropOrigins(name + "%");
		CloneIT.cleanup(servers, db);
		assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
		assertThat(origins).as("replication origins left by stream cleanup (apply sessions' too)").isZero();
	}

	/** The default slot, publication and origin name of a follow in {@code dir}. */
	static String derivedName(Path dir) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
			return "pgcopydb_" + HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Waits until the clone is done and the follow's origin on the target has moved past
	 * where it was then (setup creates it at the slot's consistent point).
	 */
	static void awaitApplied(PgServers servers, PgCopyDbRun.Running follow, Path dir) throws Exception {
		awaitStderr(follow, CLONE_DONE::equals);
		long start = appliedLsn(servers, dir);
		Instant deadline = Instant.now().plus(CLONE_WAIT);
		while (Instant.now().isBefore(deadline)) {
			if (appliedLsn(servers, dir) > start) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("the follow applied nothing within " + CLONE_WAIT + " (see " + dir + "/logs)");
	}

	/** The origin's remote LSN as a number, 0 before anything is applied. */
	static long appliedLsn(PgServers servers, Path dir) throws SQLException {
		try (Connection target = servers.target().connect("postgres");
				Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery("SELECT coalesce(max(remote_lsn - '0/0'), 0)"
						+ " FROM pg_replication_origin_status WHERE external_id = '" + derivedName(dir) + "'")) {
			return rs.next() ? rs.getLong(1) : 0;
		}
	}

	static void awaitStderr(PgCopyDbRun.Running follow, Predicate<String> line) throws Exception {
		Instant deadline = Instant.now().plus(CLONE_WAIT);
		while (Instant.now().isBefore(deadline)) {
			String stderr = follow.stderrSoFar();
			if (stderr.lines().anyMatch((l) -> line.test(messageOf(l)))) {
				return;
			}
			if (!follow.process().isAlive()) {
				throw new AssertionError("the follow ended early:\n" + stderr);
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no such line within " + CLONE_WAIT + ":\n" + follow.stderrSoFar());
	}

	/** The message of a stderr line ({@code 11:04:06.783 INFO  message}). */
	private static String messageOf(String line) {
		String[] parts = line.split(" +", 3);
		return (parts.length == 3) ? parts[2] : line;
	}

	static void sleep(long millis) throws InterruptedException {
		TimeUnit.MILLISECONDS.sleep(millis);
	}

	private static long count(Connection connection, String sql) throws SQLException {
		try (connection;
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/**
	 * Short source transactions on a thread: duplicate rows inserted, one of them
	 * updated, one deleted (by ctid: REPLICA IDENTITY FULL sends the whole old row, which
	 * matches every duplicate), a TOASTed row updated with its body unchanged, a row
	 * inserted.
	 */
	static final class Load {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong transactions = new AtomicLong();

		private final AtomicReference<Exception> failure = new AtomicReference<>();

		private final Thread thread;

		private Load(PgServers servers, String db) {
			this.thread = new Thread(() -> run(servers, db), "load");
		}

		static Load start(PgServers servers, String db) {
			Load load = new Load(servers, db);
			load.thread.start();
			return load;
		}

		private void run(PgServers servers, String db) {
			try (Connection source = servers.source().connect(db)) {
				source.setAutoCommit(false);
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (this.running.get()) {
					try (Statement statement = source.createStatement()) {
						int a = random.nextInt(10);
						statement.execute("INSERT INTO dups VALUES (" + a + ", 'x'), (" + a + ", 'x')");
						statement.execute("UPDATE dups SET b = 'u' WHERE ctid = (SELECT ctid FROM dups WHERE a = "
								+ random.nextInt(10) + " AND b = 'x' LIMIT 1)");
						statement.execute("DELETE FROM dups WHERE ctid = (SELECT ctid FROM dups WHERE a = "
								+ random.nextInt(10) + " LIMIT 1)");
						statement.execute("UPDATE items SET v = v + 1 WHERE id = " + (1 + random.nextInt(20)));
						if (random.nextInt(4) == 0) {
							statement.execute("INSERT INTO items (v) VALUES (" + random.nextInt(1000) + ")");
						}
					}
					source.commit();
					this.transactions.incrementAndGet();
					Thread.sleep(20);
				}
			}
			catch (SQLException | InterruptedException ex) {
				this.failure.set(ex);
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join();
		}

		long transactions() {
			return this.transactions.get();
		}

		Exception failure() {
			return this.failure.get();
		}

	}

}

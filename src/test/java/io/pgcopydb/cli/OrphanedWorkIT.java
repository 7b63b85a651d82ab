package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing of a killed process keeps working behind the resume. The JVM alone is killed
 * (kill -9 of its pid, as the OOM killer does) while its pg_restore waits for a lock on
 * the target: the child dies with it, and the resume first ends the server backends that
 * carry the killed process's session tag in their application_name, naming each, then
 * finishes the clone.
 */
@ExtendWith(PostgresExtension.class)
class OrphanedWorkIT {

	private static final Pattern TAGGED = Pattern.compile("^pgcopydb\\[([a-z0-9]{8})\\] ");

	@Test
	void jvmKilledDuringPreDataTakesItsChildAlongAndTheResumeEndsWhatItLeftOnTheServer(PgServers servers,
			@TempDir Path dir) throws Exception {
		String db = "orphans_predata";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE public.items (id integer PRIMARY KEY, label text NOT NULL);
				INSERT INTO public.items SELECT i, 'item ' || i FROM generate_series(1, 2000) i;
				CREATE INDEX items_label ON public.items (label);
				""");
		String tag;
		try (Connection blocker = servers.target().connect(db); Statement statement = blocker.createStatement()) {
			// CREATE TABLE in public waits for this transaction's lock on the schema
			blocker.setAutoCommit(false);
			statement.execute("DROP SCHEMA public CASCADE");

			PgCopyDbRun.Running first = PgCopyDbRun.start(Map.of(), "clone", "--source", servers.source().uri(db),
					"--target", servers.target().uri(db), "--dir", dir.toString());
			await().atMost(Duration.ofMinutes(2)).until(() -> waitingOnLock(servers.target(), db));
			ProcessHandle child = tool(first.process(), "pg_restore").orElseThrow();

			List<String> names = new ArrayList<>(applicationNames(servers.source()));
			names.addAll(applicationNames(servers.target()));
			Path record = dir.resolve("children").resolve(Long.toString(child.pid()));
			boolean recorded = Files.exists(record);

			first.process().destroyForcibly();
			assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

			await("pg_restore dies with the JVM").atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> !child.isAlive());
			assertThat(recorded).as("the running child was recorded in --dir").isTrue();
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
			assertThat(names).as("every session and child shows the process's tag").isNotEmpty().allMatch((name) -> {
				return TAGGED.matcher(name).find();
			});
			Matcher matcher = TAGGED.matcher(names.get(0));
			assertThat(matcher.find()).isTrue();
			tag = matcher.group(1);
			assertThat(names).allMatch((name) -> name.startsWith("pgcopydb[" + tag + "] "))
				.anyMatch((name) -> name.startsWith("pgcopydb[" + tag + "] pg_restore"));
			blocker.rollback();
		}

		// a backend of the killed process still at work on the target (an index build),
		// as its tag shows
		try (Connection leftover = servers.target().connect(db); Statement statement = leftover.createStatement()) {
			statement.execute("SET application_name = 'pgcopydb[" + tag + "] index public.items_label'");
			int pid;
			try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
				rs.next();
				pid = rs.getInt(1);
			}
			CompletableFuture<SQLException> sleeping = CompletableFuture.supplyAsync(() -> {
				try {
					statement.execute("SELECT pg_sleep(600)");
					return null;
				}
				catch (SQLException ex) {
					return ex;
				}
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> isActive(servers.target(), pid));

			PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), "clone", "--resume", "--source", servers.source().uri(db),
					"--target", servers.target().uri(db), "--dir", dir.toString());

			assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
			assertThat(resumed.stderr()).as(resumed.toString())
				.containsPattern("Ended the target backend pid " + pid + " .*application_name 'pgcopydb\\[" + tag
						+ "\\] index public.items_label'.*active SELECT");
			SQLException ended = sleeping.get(30, TimeUnit.SECONDS);
			assertThat((Object) ended).as("the leftover's statement was ended").isNotNull();
			assertThat(ended.getSQLState()).isIn("57P01", "08006");
		}
		assertThat(Files.readString(dir.resolve("processes"))).doesNotContain(tag);
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	/**
	 * The pg_dump or pg_restore that {@code jvm} runs against a server (not a
	 * {@code pg_restore --list}).
	 */
	private static Optional<ProcessHandle> tool(Process jvm, String name) {
		return jvm.descendants()
			.filter((process) -> process.info().command().map((command) -> command.endsWith("/" + name)).orElse(false))
			.filter((process) -> process.info()
				.arguments()
				.map((arguments) -> !List.of(arguments).contains("--list"))
				.orElse(false))
			.findFirst();
	}

	/** Whether a session (pg_restore's) waits for a lock in {@code db}. */
	private static boolean waitingOnLock(PgServer server, String db) throws SQLException {
		try (Connection connection = server.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
						+ "' AND wait_event_type = 'Lock'")) {
			rs.next();
			return rs.getInt(1) > 0;
		}
	}

	private static boolean isActive(PgServer server, int pid) throws SQLException {
		try (Connection connection = server.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid = " + pid)) {
			rs.next();
			return rs.getInt(1) > 0;
		}
	}

	/**
	 * The application_name of every session of ours on {@code server} (the test's own
	 * show as pgcopydb-it).
	 */
	private static List<String> applicationNames(PgServer server) throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection connection = server.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'pgcopydb%'"
								+ " AND application_name <> 'pgcopydb-it'")) {
			while (rs.next()) {
				names.add(rs.getString(1));
			}
		}
		return names;
	}

}

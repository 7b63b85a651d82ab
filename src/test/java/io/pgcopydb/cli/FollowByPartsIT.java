package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follow run by parts, as pgcopydb's users script it, through the jar: the copy done by
 * a plain {@code clone} in the snapshot that {@code snapshot --follow} holds for the
 * slot, or before any write after {@code stream setup}; then {@code stream receive} and
 * {@code stream apply}, a stopped part continued by {@code job restart} and
 * {@code follow --resume}; the target ends identical. Along the way, {@code job show} and
 * {@code list progress} say where the follow stands and what its slot retains on the
 * source.
 */
@ExtendWith(PostgresExtension.class)
class FollowByPartsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String SCHEMA = """
			CREATE TABLE items (id bigserial PRIMARY KEY, label text NOT NULL, price numeric);
			INSERT INTO items (label, price) SELECT 'item ' || g, g * 1.5 FROM generate_series(1, 100) g;
			""";

	@Test
	void snapshotFollowHoldsTheSlotSnapshotForTheCloneThenReceiveAndApplyByParts(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "follow_parts_snapshot";
		Map<String, String> env = prepare(servers, db);
		String dir = tmp.resolve("work").toString();
		PgCopyDbRun.Running holder = PgCopyDbRun.start(env, "snapshot", "--follow", "--dir", dir);
		try {
			String snapshot = awaitFirstLine(holder, Duration.ofSeconds(120));
			assertThat(snapshot).as(holder.stderrSoFar()).isNotBlank();
			// after the slot: only the follow brings these to the target
			write(servers.source(), db, "INSERT INTO items (label, price) SELECT 'late ' || g, g"
					+ " FROM generate_series(1, 50) g; UPDATE items SET price = price + 1 WHERE id <= 10");

			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir);
			assertThat(clone.exitCode()).as(clone.toString()).isZero();
			assertThat(count(servers.target(), db)).as("the clone copied the slot's snapshot").isEqualTo(100);
			holder.process().destroy();
			assertThat(holder.finish().exitCode()).isZero();

			Lsn endpos = insertLsn(servers.source(), db);
			PgCopyDbRun receive = PgCopyDbRun.run(env, "stream", "receive", "--endpos", endpos.asString(), "--dir",
					dir);
			assertThat(receive.exitCode()).as(receive.toString()).isZero();
			assertThat(count(servers.target(), db)).as("receive applies nothing").isEqualTo(100);

			PgCopyDbRun apply = PgCopyDbRun.run(env, "stream", "apply", "--dir", dir);
			assertThat(apply.exitCode()).as(apply.toString()).isZero();
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);

			long applyId = lastExecution(dir).get("id").asLong();
			JsonNode shown = json(PgCopyDbRun.run(env, "job", "show", Long.toString(applyId), "--json", "--dir", dir));
			JsonNode follow = shown.get("follow");
			assertThat(follow.get("command").asString()).isEqualTo("stream apply");
			assertThat(follow.get("ended").asString()).isEqualTo("endpos " + endpos + " reached");
			// the end of the last transaction applied, at or before endpos
			assertThat(Lsn.parse(follow.get("last_applied_lsn").asString(), "applied")).isGreaterThan(Lsn.INVALID)
				.isLessThanOrEqualTo(endpos)
				.isEqualTo(Lsn.parse(follow.get("sentinel").get("replay_lsn").asString(), "replay"));
			assertThat(follow.get("sentinel").get("endpos").asString()).isEqualTo(endpos.asString());
			assertThat(follow.get("slot").get("wal_status").asString()).isEqualTo("reserved");
			assertThat(follow.get("slot").get("retained_wal_bytes").asLong()).isPositive();
			assertThat(follow.get("slot").get("active").asBoolean()).isFalse();

			PgCopyDbRun text = PgCopyDbRun.run(Map.of(), "job", "show", Long.toString(applyId), "--dir", dir);
			assertThat(text.exitCode()).as(text.toString()).isZero();
			assertThat(text.stdout()).contains("Follow (stream apply): endpos " + endpos + " reached",
					"Slot on the source: source not reachable");

			JsonNode progress = json(PgCopyDbRun.run(env, "list", "progress", "--json", "--dir", dir));
			assertThat(progress.get("tables").get("done").asInt()).isEqualTo(1);
			assertThat(progress.get("follow").get("endpos").asString()).isEqualTo(endpos.asString());
			// received through endpos (a keepalive's WAL end past the last transaction)
			assertThat(Lsn.parse(progress.get("follow").get("received_lsn").asString(), "received"))
				.isGreaterThanOrEqualTo(endpos);
			assertThat(progress.get("follow").get("applied_lsn").asString())
				.isEqualTo(follow.get("last_applied_lsn").asString());
		}
		finally {
			holder.process().destroyForcibly();
			cleanup(servers, db, env, dir);
		}
	}

	@Test
	void aStoppedReceiveIsContinuedByJobRestartThenFollowResume(PgServers servers, @TempDir Path tmp) throws Exception {
		String db = "follow_parts_resume";
		Map<String, String> env = prepare(servers, db);
		String dir = tmp.resolve("work").toString();
		try {
			PgCopyDbRun setup = PgCopyDbRun.run(env, "stream", "setup", "--dir", dir);
			assertThat(setup.exitCode()).as(setup.toString()).isZero();
			assertThat(setup.stdout()).contains("consistent point", "snapshot");
			// nothing is written between the slot and the copy: any snapshot is the
			// slot's
			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir);
			assertThat(clone.exitCode()).as(clone.toString()).isZero();
			write(servers.source(), db, "INSERT INTO items (label) SELECT 'more ' || g FROM generate_series(1, 30) g;"
					+ " DELETE FROM items WHERE id BETWEEN 20 AND 25");

			long receiveId = stopAfterReceiving(PgCopyDbRun.start(env, "stream", "receive", "--dir", dir), dir);
			JsonNode stopped = json(
					PgCopyDbRun.run(env, "job", "show", Long.toString(receiveId), "--json", "--dir", dir));
			assertThat(stopped.get("status").asString()).isEqualTo("STOPPED");
			assertThat(stopped.get("follow").get("ended").asString()).startsWith("stopped");

			// job restart runs the stopped command again: stream receive --resume
			PgCopyDbRun.Running restarted = PgCopyDbRun.start(env, "job", "restart", Long.toString(receiveId), "--dir",
					dir);
			Instant deadline = Instant.now().plusSeconds(120);
			while (Instant.now().isBefore(deadline) && !restarted.stderrSoFar().contains("Resuming job execution")) {
				Thread.sleep(200);
			}
			assertThat(restarted.stderrSoFar()).contains("Resuming job execution " + receiveId);
			// let it stream before stopping it again
			Thread.sleep(3000);
			stopAfterReceiving(restarted, dir);

			write(servers.source(), db, "UPDATE items SET label = label || '!' WHERE id % 7 = 0");
			Lsn endpos = insertLsn(servers.source(), db);
			PgCopyDbRun follow = PgCopyDbRun.run(env, "follow", "--resume", "--endpos", endpos.asString(), "--dir",
					dir);
			assertThat(follow.exitCode()).as(follow.toString()).isZero();
			DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);

			PgCopyDbRun again = PgCopyDbRun.run(env, "follow", "--resume", "--dir", dir);
			assertThat(again.exitCode()).as(again.toString()).isZero();
			assertThat(again.stderr()).contains("nothing to resume");
		}
		finally {
			cleanup(servers, db, env, dir);
		}
	}

	/**
	 * Waits until the running receive has written some changes, stops it as SIGTERM does,
	 * and returns its execution id: it ends with exit 8, resumable.
	 */
	private static long stopAfterReceiving(PgCopyDbRun.Running receive, String dir) throws Exception {
		Instant deadline = Instant.now().plusSeconds(120);
		while (Instant.now().isBefore(deadline) && !changeFilesWritten(dir)) {
			Thread.sleep(200);
		}
		assertThat(changeFilesWritten(dir)).as(receive.stderrSoFar()).isTrue();
		receive.process().destroy();
		PgCopyDbRun run = receive.finish();
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(8);
		JsonNode last = lastExecution(dir);
		assertThat(last.get("status").asString()).isEqualTo("STOPPED");
		return last.get("id").asLong();
	}

	private static boolean changeFilesWritten(String dir) throws Exception {
		Path cdc = Path.of(dir, "cdc");
		if (!Files.isDirectory(cdc)) {
			return false;
		}
		try (var files = Files.walk(cdc)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> file.toFile().length()).sum() > 0;
		}
	}

	private static JsonNode lastExecution(String dir) {
		return json(PgCopyDbRun.run(Map.of(), "job", "list", "--json", "--dir", dir)).get(0);
	}

	private static JsonNode json(PgCopyDbRun run) {
		assertThat(run.exitCode()).as(run.toString()).isZero();
		return JSON.readTree(run.stdout());
	}

	private static String awaitFirstLine(PgCopyDbRun.Running running, Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline) && running.process().isAlive()) {
			String out = Files.readString(running.out());
			if (out.contains("\n")) {
				return out.substring(0, out.indexOf('\n')).strip();
			}
			Thread.sleep(100);
		}
		return "";
	}

	private static Map<String, String> prepare(PgServers servers, String db) throws SQLException {
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		write(servers.source(), db, SCHEMA);
		return CloneIT.sides(servers, db);
	}

	private static void cleanup(PgServers servers, String db, Map<String, String> env, String dir) {
		if (Files.exists(Path.of(dir, "pgcopydb.db"))) {
			PgCopyDbRun cleanup = PgCopyDbRun.run(env, "stream", "cleanup", "--dir", dir);
			assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
		}
		CloneIT.cleanup(servers, db);
	}

	private static void write(PgServer server, String db, String sql) throws SQLException {
		try (Connection connection = server.connect(db); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long count(PgServer server, String db) throws SQLException {
		try (Connection connection = server.connect(db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT count(*) FROM items")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static Lsn insertLsn(PgServer server, String db) throws SQLException {
		try (Connection connection = server.connect(db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
			rs.next();
			return Lsn.parse(rs.getString(1), "insert LSN");
		}
	}

}

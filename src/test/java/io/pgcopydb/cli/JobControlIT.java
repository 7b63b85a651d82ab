package io.pgcopydb.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.TablePin;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler contract from a second process while a clone runs: its progress and its
 * job execution can be read (text and JSON), {@code job stop} makes it stop cleanly (exit
 * 8, recorded STOPPED), and {@code clone --resume} finishes it.
 */
@ExtendWith(PostgresExtension.class)
class JobControlIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void progressIsReadableWhileRunningAndJobStopStopsTheRunCleanly(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "job_control";
		ResumeIT.prepareWithBigTable(servers, db);
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--table-jobs", "2");
		int tables = ResumeIT.tableCount(servers.source(), db);
		PgCopyDbRun.Running running;
		PgCopyDbRun stopped;
		long id;
		// pin public.big on the target: the clone waits in its TRUNCATE, in flight for as
		// long as the second process needs; the stop must cancel even that wait
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			running = PgCopyDbRun.start(Map.of(), clone);
			pin.holdTruncateOf("public", "big", Duration.ofMinutes(1));

			id = readWhileRunningThenStop(dir, tables);
			stopped = running.finish();
			pin.release();
		}

		assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
		assertThat(stopped.errorLines()).first().asString().contains("job stop " + id, "--resume");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.big")).containsExactly("0");
		JsonNode shown = JSON
			.readTree(PgCopyDbRun.run(Map.of(), "job", "show", String.valueOf(id), "--json", "--dir", dir.toString())
				.stdout());
		assertThat(shown.get("status").asString()).isEqualTo("STOPPED");
		PgCopyDbRun again = PgCopyDbRun.run(Map.of(), "job", "stop", String.valueOf(id), "--dir", dir.toString());
		assertThat(again.exitCode()).isEqualTo(3);
		assertThat(again.errorLines()).first().asString().contains("is not running (STOPPED)");

		PgCopyDbRun wrongId = PgCopyDbRun.run(Map.of(), "job", "restart", String.valueOf(id + 41), "--dir",
				dir.toString());
		assertThat(wrongId.exitCode()).as(wrongId.toString()).isEqualTo(3);
		assertThat(wrongId.errorLines()).first().asString().contains("not the last clone", "job list");

		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), "job", "restart", String.valueOf(id), "--dir", dir.toString(),
				"--source", servers.source().uri(db), "--target", servers.target().uri(db), "--not-consistent");

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		PgCopyDbRun done = PgCopyDbRun.run(Map.of(), "list", "progress", "--summary", "--dir", dir.toString());
		assertThat(done.stdout()).contains("COMPLETED", tables + " of " + tables + " copied, 0 in progress, 0 to do",
				"restorePostData");
		CloneIT.cleanup(servers, db);
	}

	/**
	 * What a second process sees and does while the clone runs; returns its execution id.
	 */
	private static long readWhileRunningThenStop(Path dir, int tables) {
		PgCopyDbRun progress = PgCopyDbRun.run(Map.of(), "list", "progress", "--json", "--dir", dir.toString());
		assertThat(progress.exitCode()).as(progress.toString()).isZero();
		JsonNode now = JSON.readTree(progress.stdout());
		assertThat(now.get("status").asString()).isEqualTo("STARTED");
		assertThat(now.get("tables").get("total").asInt()).isEqualTo(tables);
		assertThat(now.get("tables").get("inProgress").toString()).contains("public.big");

		PgCopyDbRun list = PgCopyDbRun.run(Map.of(), "job", "list", "--json", "--dir", dir.toString());
		JsonNode executions = JSON.readTree(list.stdout());
		assertThat(executions).hasSize(1);
		long id = executions.get(0).get("id").asLong();
		assertThat(executions.get(0).get("status").asString()).isEqualTo("STARTED");

		PgCopyDbRun stop = PgCopyDbRun.run(Map.of(), "job", "stop", String.valueOf(id), "--dir", dir.toString());
		assertThat(stop.exitCode()).as(stop.toString()).isZero();
		return id;
	}

}

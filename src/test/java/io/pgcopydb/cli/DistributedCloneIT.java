package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;
import io.pgcopydb.testsupport.TablePin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A distributed clone: {@code clone --distributed} (the manager) and
 * {@code pgcopydb worker} processes, each its own JVM, sharing the run through a
 * PostgreSQL repository. The copy of the largest table is held on the target (its
 * TRUNCATE waits behind a test session's lock), so that which worker runs what, and when
 * a process dies, is decided by the test, not by the machine's speed.
 */
@ExtendWith(PostgresExtension.class)
class DistributedCloneIT {

	private static final String HELD = "measurements";

	private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
		.build();

	private static final String REQUESTS = "SELECT STEP_NAME || ' ' || STATE || ' ' || ATTEMPTS || ' '"
			+ " || coalesce(WORKER_ID, '-') FROM %s.PGCOPYDB_REMOTE_REQUEST ORDER BY SEQ";

	@Test
	void partitionsSpreadOverTwoWorkersAndTheTargetIsIdentical(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "distributed_spread";
		String run = "dist_spread";
		Map<String, String> env = prepare(servers, db);
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			PgCopyDbRun.Running manager = PgCopyDbRun.start(env, manager(servers, db, dir, run));
			// a worker whose --target is another database waits for the run, then is
			// refused
			List<String> wrong = new ArrayList<>(worker(servers, db, dir, run));
			wrong.set(wrong.indexOf("--target") + 1, servers.target().uri("postgres"));
			PgCopyDbRun refused = PgCopyDbRun.run(env, wrong);
			assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
			assertThat(refused.errorLines()).first()
				.asString()
				.contains("this worker's --target reaches postgres of cluster", "not the target of the run");
			PgCopyDbRun.Running first = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			// the first worker takes the largest table first, and waits on it
			pin.holdTruncateOf("public", HELD, Duration.ofMinutes(2));
			heldStep(servers, run);
			PgCopyDbRun progress = PgCopyDbRun.run(env, "list", "progress", "--json", "--run-name", run, "--dir",
					dir.resolve("elsewhere").toString());
			assertThat(progress.exitCode()).as(progress.toString()).isZero();
			assertThat(
					JSON.readTree(progress.stdout()).get("tables").get("inProgressOn").get("public." + HELD).asString())
				.as("list progress names the host copying it: " + progress.stdout())
				.isEqualTo(io.pgcopydb.config.SharedRepository.hostName());
			PgCopyDbRun.Running second = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			// the second worker runs partitions while the first waits on the table
			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> !workersThatEnded(servers, run).isEmpty());
			pin.release();
			PgCopyDbRun managed = manager.finish();
			assertThat(managed.exitCode()).as(managed.toString()).isZero();
			assertThat(managed.stdout()).as("the summary counts the workers").containsPattern("Workers .*2 worker");
			for (PgCopyDbRun worker : List.of(first.finish(), second.finish())) {
				assertThat(worker.exitCode()).as("a worker leaves once the run completed: " + worker).isZero();
				assertThat(worker.stderr()).contains("Run " + run + " completed");
			}
		}
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(workersThatEnded(servers, run)).as("partitions ran on both workers").hasSize(2);
		List<String> requests = requests(servers, run);
		assertThat(requests).as("every partition ran once").allMatch((row) -> row.contains(" ENDED 1 "));
		assertThat(requests).anyMatch((row) -> row.startsWith("copyTable:"))
			.anyMatch((row) -> row.startsWith("buildIndex:"))
			.anyMatch((row) -> row.startsWith("vacuumTable:"));
		cleanup(servers, db, run);
	}

	@Test
	void aWorkerKilledMidPartitionLosesOnlyThatPartitionToAnother(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "distributed_kill";
		String run = "dist_kill";
		Map<String, String> env = prepare(servers, db);
		PgCopyDbRun.Running second;
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			PgCopyDbRun.Running manager = PgCopyDbRun.start(env, manager(servers, db, dir, run));
			PgCopyDbRun.Running first = PgCopyDbRun.startInOwnGroup(env, worker(servers, db, dir, run));
			pin.holdTruncateOf("public", HELD, Duration.ofMinutes(2));
			String held = heldStep(servers, run);
			first.killGroup();
			second = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			// the killed worker's backend still waits on the table: the new attempt
			// waits for it (the fence), and the table is filled once
			pin.release();
			PgCopyDbRun managed = manager.finish();
			assertThat(managed.exitCode()).as(managed.toString()).isZero();
			assertThat(managed.stderr()).contains("is gone (its lease in the repository ended) while running " + held);
			List<String> requests = requests(servers, run);
			assertThat(requests).as("the lost partition ran again on the other worker, and only it")
				.filteredOn((row) -> !row.contains(" ENDED 1 "))
				.singleElement()
				.asString()
				.startsWith(held + " ENDED 2 ");
		}
		assertThat(second.finish().exitCode()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		cleanup(servers, db, run);
	}

	/**
	 * The manager dies; the worker carries on with what it holds; a manager resumed with
	 * {@code --resume --distributed} finishes the run in the snapshot that
	 * {@code pgcopydb snapshot} holds.
	 */
	@Test
	void aManagerKilledIsResumedWhileWorkersCarryOn(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "distributed_manager";
		String run = "dist_manager";
		Map<String, String> env = prepare(servers, db);
		PgCopyDbRun.Running snapshot = PgCopyDbRun.start(env, "snapshot", "--source", servers.source().uri(db), "--dir",
				dir.resolve("manager").toString());
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			await().atMost(Duration.ofMinutes(1))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> java.nio.file.Files.exists(dir.resolve("manager").resolve("snapshot")));
			PgCopyDbRun.Running manager = PgCopyDbRun.startInOwnGroup(env, manager(servers, db, dir, run));
			PgCopyDbRun.Running worker = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			pin.holdTruncateOf("public", HELD, Duration.ofMinutes(2));
			String held = heldStep(servers, run);
			manager.killGroup();
			pin.release();
			List<String> resume = new ArrayList<>(manager(servers, db, dir, run));
			resume.add("--resume");
			PgCopyDbRun resumed = PgCopyDbRun.run(env, resume);
			assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
			assertThat(resumed.stderr()).contains("Resuming job execution");
			PgCopyDbRun served = worker.finish();
			assertThat(served.exitCode()).as(served.toString()).isZero();
			assertThat(served.stderr()).as("one worker served both managers")
				.contains("takes partitions of job execution 1", "takes partitions of job execution 2");
			assertThat(requests(servers, run)).as("the partition held when the manager died ended once, by the worker")
				.filteredOn((row) -> row.startsWith(held + " "))
				.singleElement()
				.asString()
				.contains(" ENDED 1 ");
		}
		finally {
			snapshot.process().destroy();
			snapshot.finish();
		}
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		cleanup(servers, db, run);
	}

	/**
	 * SIGTERM to a worker gives its partition back to the run (another worker runs it);
	 * SIGTERM to the manager stops the workers' partitions, and a resume finishes.
	 */
	@Test
	void stoppedWorkersGiveTheirWorkBackAndAStoppedManagerIsResumed(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "distributed_stop";
		String run = "dist_stop";
		Map<String, String> env = prepare(servers, db);
		PgCopyDbRun.Running other;
		try (TablePin pin = TablePin.open(servers.target(), db)) {
			PgCopyDbRun.Running manager = PgCopyDbRun.start(env, manager(servers, db, dir, run));
			PgCopyDbRun.Running first = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			pin.holdTruncateOf("public", HELD, Duration.ofMinutes(2));
			String held = heldStep(servers, run);
			first.process().destroy();
			PgCopyDbRun stoppedWorker = first.finish();
			assertThat(stoppedWorker.exitCode()).as(stoppedWorker.toString()).isEqualTo(8);
			assertThat(stoppedWorker.stderr()).contains(held + " stopped with this worker: given back to the run");
			other = PgCopyDbRun.start(env, worker(servers, db, dir, run));
			// the other worker takes it, and waits on the table in turn
			pin.holdTruncateOf("public", HELD, Duration.ofMinutes(2));
			manager.process().destroy();
			PgCopyDbRun stopped = manager.finish();
			assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
			pin.release();
		}
		List<String> resume = new ArrayList<>(manager(servers, db, dir, run));
		resume.addAll(List.of("--resume", "--not-consistent"));
		PgCopyDbRun resumed = PgCopyDbRun.run(env, resume);
		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		PgCopyDbRun served = other.finish();
		assertThat(served.exitCode()).as("the worker served the resumed manager: " + served).isZero();
		assertThat(served.stderr()).contains("takes partitions of job execution 2");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		cleanup(servers, db, run);
	}

	private static Map<String, String> prepare(PgServers servers, String db) {
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		return Map.of("PGCOPYDB_REPOSITORY_URL", SharedRepositoryExtension.url(servers));
	}

	private static List<String> manager(PgServers servers, String db, Path dir, String run) {
		return List.of("clone", "--distributed", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.resolve("manager").toString(), "--run-name", run);
	}

	private static List<String> worker(PgServers servers, String db, Path dir, String run) {
		return List.of("worker", "--source", servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
				dir.resolve("workers").toString(), "--run-name", run, "--table-jobs", "1", "--index-jobs", "1");
	}

	/** The copy partition of the held table, once a worker took it. */
	private static String heldStep(PgServers servers, String run) throws SQLException {
		List<String> held = new ArrayList<>();
		await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
			held.clear();
			held.addAll(CloneIT.strings(servers.target(), SharedRepositoryExtension.DATABASE,
					"SELECT r.STEP_NAME FROM " + run + ".PGCOPYDB_REMOTE_REQUEST r JOIN " + run
							+ ".PGCOPYDB_PLAN_TABLE t ON r.STEP_NAME = 'copyTable:' || t.TABLE_OID"
							+ " WHERE t.TABLE_NAME = '" + HELD + "' AND r.STATE = 'CLAIMED'"));
			return held.size() == 1;
		});
		return held.get(0);
	}

	private static List<String> workersThatEnded(PgServers servers, String run) throws SQLException {
		return CloneIT.strings(servers.target(), SharedRepositoryExtension.DATABASE,
				"SELECT DISTINCT WORKER_ID FROM " + run + ".PGCOPYDB_REMOTE_REQUEST WHERE STATE = 'ENDED'");
	}

	private static List<String> requests(PgServers servers, String run) throws SQLException {
		return CloneIT.strings(servers.target(), SharedRepositoryExtension.DATABASE, String.format(REQUESTS, run));
	}

	private static void cleanup(PgServers servers, String db, String run) throws SQLException {
		servers.target().execute(SharedRepositoryExtension.DATABASE, "DROP SCHEMA " + run + " CASCADE");
		CloneIT.cleanup(servers, db);
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A scheduler that kills a job kills its whole process group: the JVM, pg_dump or
 * pg_restore, at any moment. Whatever the moment, {@code clone --resume} finishes the run
 * and the target ends identical to the source.
 * <p>
 * The moments are random but seeded: the seed is printed, and
 * {@code -Dpgcopydb.killSeed=N} replays a failing campaign. Each round starts the command
 * in a process group of its own, waits until its run is recorded (the snapshot exported
 * or the resume announced), lets it work for a random time and kills the group with
 * SIGKILL; the next round resumes. A round whose command finished before its moment ends
 * the campaign early.
 */
@ExtendWith(PostgresExtension.class)
class KillCampaignIT {

	private static final int KILLS = 4;

	/** The longest a round works before its kill; a clean clone here takes longer. */
	private static final long MAX_DELAY_MILLIS = 8_000;

	@Test
	void killingTheWholeGroupAtRandomMomentsNeverLeavesARunThatResumeCannotFinish(PgServers servers, @TempDir Path dir)
			throws SQLException, InterruptedException {
		long seed = Long.getLong("pgcopydb.killSeed", System.nanoTime());
		System.out.println("KillCampaignIT seed " + seed + " (replay with -Dpgcopydb.killSeed=" + seed + ")");
		Random random = new Random(seed);
		String db = "kill_campaign";
		ResumeIT.prepareWithBigTable(servers, db);
		servers.source()
			.execute(db,
					"CREATE INDEX big_payload ON public.big (payload); CREATE INDEX big_mod ON public.big ((id % 7))");
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--table-jobs", "2", "--index-jobs", "2");
		List<String> resume = new ArrayList<>(clone);
		resume.addAll(List.of("--resume", "--not-consistent"));

		List<String> rounds = new ArrayList<>();
		boolean finished = false;
		for (int round = 0; round < KILLS && !finished; round++) {
			List<String> command = (round == 0) ? clone : resume;
			PgCopyDbRun.Running running = PgCopyDbRun.startInOwnGroup(Map.of(), command);
			String recorded = (round == 0) ? "Exported snapshot" : "Resuming job execution";
			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> running.stderrSoFar().contains(recorded) || !running.process().isAlive());
			long delay = (long) (random.nextDouble() * MAX_DELAY_MILLIS);
			boolean ended = running.process().waitFor(delay, TimeUnit.MILLISECONDS);
			String stage = lastInfoLine(running.stderrSoFar());
			if (!ended) {
				running.killGroup();
			}
			PgCopyDbRun result = running.finish();
			rounds.add("round " + round + ": " + (ended ? "ended by itself" : "killed after " + delay + " ms")
					+ ", exit " + result.exitCode() + ", last line: " + stage);
			System.out.println("KillCampaignIT " + rounds.get(rounds.size() - 1));
			if (ended) {
				assertThat(result.exitCode()).as(rounds + "\n" + result).isZero();
				finished = true;
			}
			else {
				assertThat(result.exitCode()).as(rounds.toString()).isEqualTo(137);
			}
		}
		if (!finished) {
			PgCopyDbRun last = PgCopyDbRun.run(Map.of(), resume);
			rounds.add("last resume: exit " + last.exitCode());
			assertThat(last.exitCode()).as(rounds + "\n" + last).isZero();
		}
		System.out.println("KillCampaignIT seed " + seed + ": " + String.join("; ", rounds));
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	private static String lastInfoLine(String stderr) {
		List<String> lines = stderr.lines()
			.filter((line) -> line.contains(" INFO ") || line.contains(" WARN "))
			.toList();
		return lines.isEmpty() ? "(none yet)" : lines.get(lines.size() - 1).strip();
	}

}

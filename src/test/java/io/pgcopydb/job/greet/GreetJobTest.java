package io.pgcopydb.job.greet;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.Launcher;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.Runs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adding a job takes a definition, a configuration and a request ({@link GreetJob}): the
 * launcher runs it in a context of its own, and the scheduler contract (exit codes, the
 * summary, the runs recorded in --dir, resume of what failed) holds for it as for the
 * clone.
 */
class GreetJobTest {

	@Test
	void aSecondJobRunsThroughTheLauncherInAContextOfItsOwn(@TempDir Path tmp) {
		WorkDirectory dir = new WorkDirectory(tmp).create();
		GreetJob job = new GreetJob();

		Launched run = launch(job, new GreetJob.Request(dir, GreetJob.Mode.OK));

		assertThat(run.exitCode()).isZero();
		assertThat(job.jobsInContext).as("no clone job in the context").containsExactly("greetJob");
		assertThat(tmp.resolve("hello.txt")).exists();
		assertThat(List.of("guest-1.txt", "guest-2.txt", "guest-3.txt"))
			.allSatisfy((guest) -> assertThat(tmp.resolve(guest)).exists());
		assertThat(run.stdout()).containsPattern("greetAll\\s+COMPLETED\\s+\\S+\\s+3/3\\s+3")
			.containsPattern("Total wall time\\s+COMPLETED");
		List<Runs.Run> runs = RunRepository.read(dir, Runs::list);
		assertThat(runs).singleElement().satisfies((recorded) -> {
			assertThat(recorded.job()).isEqualTo("greet");
			assertThat(recorded.status()).isEqualTo("COMPLETED");
		});
	}

	@Test
	void aFailureEndsWithItsExitCodeAndTheNextRunFinishesOnlyWhatWasLeft(@TempDir Path tmp) {
		WorkDirectory dir = new WorkDirectory(tmp).create();
		GreetJob job = new GreetJob();

		Launched failed = launch(job, new GreetJob.Request(dir, GreetJob.Mode.FAIL));

		assertThat(failed.exitCode()).isEqualTo(ExitCode.BAD_STATE.code());
		assertThat(tmp.resolve("guest-1.txt")).exists();
		assertThat(tmp.resolve("guest-3.txt")).as("guest 3 waits for guest 2").doesNotExist();
		long id = RunRepository.read(dir, Runs::list).get(0).executionId();
		List<Runs.StepRun> steps = RunRepository.read(dir, (runs) -> runs.steps(id));
		assertThat(steps)
			.anySatisfy((step) -> assertThat(step.name() + " " + step.status()).isEqualTo("greetAll FAILED"));

		Launched again = launch(job, new GreetJob.Request(dir, GreetJob.Mode.OK));

		assertThat(again.exitCode()).isZero();
		assertThat(tmp.resolve("guest-3.txt")).exists();
		List<Runs.Run> runs = RunRepository.read(dir, Runs::list);
		assertThat(runs).hasSize(2);
		long restarted = runs.get(0).executionId();
		List<Runs.StepRun> rerun = RunRepository.read(dir, (recorded) -> recorded.steps(restarted));
		assertThat(rerun).extracting(Runs.StepRun::name)
			.as("hello and guest 1 completed before: not run again")
			.containsExactly("greetAll");
		assertThat(again.stdout()).containsPattern("greetAll\\s+COMPLETED\\s+\\S+\\s+2/2");
	}

	@Test
	void aStopDuringTheRunEndsWithExitCodeEight(@TempDir Path tmp) {
		WorkDirectory dir = new WorkDirectory(tmp).create();

		Launched stopped = launch(new GreetJob(), new GreetJob.Request(dir, GreetJob.Mode.STOP));

		assertThat(stopped.exitCode()).isEqualTo(ExitCode.STOPPED.code());
		assertThat(RunRepository.read(dir, Runs::list)).singleElement()
			.satisfies((run) -> assertThat(run.status()).isEqualTo("STOPPED"));
	}

	private static Launched launch(GreetJob job, GreetJob.Request request) {
		PrintStream stdout = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			int exitCode = Launcher.launch(job, request);
			return new Launched(exitCode, captured.toString(StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(stdout);
		}
	}

	private record Launched(int exitCode, String stdout) {
	}

}

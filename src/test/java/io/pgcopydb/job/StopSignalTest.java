package io.pgcopydb.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.signal.StopSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A stop reaches steps waiting on a child process, and nothing starts after it. */
class StopSignalTest {

	@Test
	void stopTerminatesTheChildProcessOfAToolStepAndRecordsItStopped(@TempDir Path dir) throws Exception {
		StopSignal stop = new StopSignal();
		StopAwareTasklet dump = new StopAwareTasklet((contribution, chunk) -> {
			new PgToolRunner().run("a long pg_dump", List.of("sleep", "30"), Map.of(), dir.resolve("tool.log"));
			return RepeatStatus.FINISHED;
		}, stop, true);
		CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
			try {
				dump.execute(null, null);
				return null;
			}
			catch (Exception ex) {
				return ex;
			}
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ProcessHandle.current().descendants().anyMatch((child) -> isSleep(child)));

		assertThat(stop.request("SIGTERM")).isTrue();

		Throwable failure = outcome.get(15, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(JobInterruptedException.class);
		assertThat(((JobInterruptedException) failure).getStatus()).isEqualTo(BatchStatus.STOPPED);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ProcessHandle.current().descendants().noneMatch((child) -> isSleep(child)));
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void nothingStartsOnceAStopWasRequested() {
		StopSignal stop = new StopSignal();
		stop.request("SIGINT");
		assertThat(stop.request("SIGTERM")).as("a second request is not a new stop").isFalse();
		StopAwareTasklet copy = new StopAwareTasklet((contribution, chunk) -> {
			throw new AssertionError("must not run");
		}, stop);

		assertThatThrownBy(() -> copy.execute(null, null)).isInstanceOf(JobInterruptedException.class)
			.hasMessageContaining("not started: SIGINT");
	}

	private static boolean isSleep(ProcessHandle process) {
		return process.info().command().map((command) -> command.endsWith("sleep")).orElse(false);
	}

}

package io.pgcopydb.progress;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

import io.pgcopydb.job.partition.PartitionKey;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary table printed at the end of a run, from a job execution built by hand. */
class RunSummaryTest {

	private static final LocalDateTime T0 = LocalDateTime.of(2026, 1, 1, 3, 0, 0);

	private static final Map<String, String> PARTITION_STEPS = Map.of("copyTable", "copyData", "buildIndex",
			"buildIndexes");

	private long nextId = 1;

	@Test
	void partitionsAreSummedIntoTheirManagerLine() {
		JobExecution job = job(BatchStatus.FAILED, 0, 125_000);
		step(job, "copyData", BatchStatus.FAILED, 20_000, 120_000, 0, 0);
		step(job, "copyTable:16500", BatchStatus.COMPLETED, 20_100, 80_000, 1000, 1 << 20);
		step(job, "copyTable:16510", BatchStatus.COMPLETED, 20_200, 60_000, 200, 512 << 10);
		step(job, "copyTable:16520", BatchStatus.FAILED, 20_300, 30_000, 0, 0);
		step(job, "copyTable:16530", BatchStatus.COMPLETED, 60_000, 61_000, 34, 0);

		List<String> lines = render(job);

		assertThat(line(lines, "copyData")).matches("copyData\\s+FAILED\\s+1m40s\\s+3/4\\s+1234\\s+1\\.5 MB");
		assertThat(lines).noneMatch((line) -> line.startsWith("copyTable"));
	}

	@Test
	void stepsAreListedInTheOrderTheyStarted() {
		JobExecution job = job(BatchStatus.COMPLETED, 0, 200_000);
		step(job, "restorePostData", BatchStatus.COMPLETED, 150_000, 160_000, 0, 0);
		step(job, "snapshot", BatchStatus.COMPLETED, 0, 200, 0, 0);
		step(job, "copyTable:16500", BatchStatus.COMPLETED, 20_100, 80_000, 10, 0);
		step(job, "copyData", BatchStatus.COMPLETED, 20_000, 120_000, 0, 0);
		step(job, "dumpSchema", BatchStatus.COMPLETED, 1_000, 13_300, 0, 0);

		List<String> firstWords = render(job).stream()
			.filter((line) -> !line.startsWith("-"))
			.map((line) -> line.split("\\s+")[0])
			.toList();
		assertThat(firstWords).containsExactly("Step", "snapshot", "dumpSchema", "copyData", "restorePostData",
				"Total");
	}

	@Test
	void stepWithoutPartitionsShowsItsOwnCountsAndLeavesEmptyColumnsBlank() {
		JobExecution job = job(BatchStatus.COMPLETED, 0, 30_000);
		step(job, "snapshot", BatchStatus.COMPLETED, 0, 200, 0, 0);
		step(job, "dumpSchema", BatchStatus.COMPLETED, 1_000, 13_300, 0, 0);
		step(job, "sequences", BatchStatus.COMPLETED, 14_000, 14_850, 42, 0);
		step(job, "largeObjects", BatchStatus.COMPLETED, 15_000, 16_000, 3, 2048);

		List<String> lines = render(job);

		assertThat(line(lines, "snapshot")).matches("snapshot\\s+COMPLETED\\s+200ms");
		assertThat(line(lines, "dumpSchema")).matches("dumpSchema\\s+COMPLETED\\s+12\\.3s");
		assertThat(line(lines, "sequences")).matches("sequences\\s+COMPLETED\\s+850ms\\s+42");
		assertThat(line(lines, "largeObjects")).matches("largeObjects\\s+COMPLETED\\s+1\\.0s\\s+3\\s+2\\.0 kB");
	}

	@Test
	void partitionsOfAnUnmappedStepGetALineNamedAfterTheirPrefix() {
		JobExecution job = job(BatchStatus.COMPLETED, 0, 10_000);
		step(job, "vacuumTable:16500", BatchStatus.COMPLETED, 100, 900, 0, 0);
		step(job, "vacuumTable:16510", BatchStatus.COMPLETED, 200, 700, 0, 0);

		assertThat(line(render(job), "vacuumTable")).matches("vacuumTable\\s+\\S*\\s+0ms\\s+2/2");
	}

	@Test
	void lastLineIsTheTotalWallTimeAndTheJobStatus() {
		JobExecution job = job(BatchStatus.STOPPED, 0, 125_000);
		step(job, "snapshot", BatchStatus.COMPLETED, 0, 200, 0, 0);

		List<String> lines = render(job);

		assertThat(lines.get(lines.size() - 1)).matches("Total wall time\\s+STOPPED\\s+2m05s");
		assertThat(lines.get(0)).matches("Step\\s+Status\\s+Duration\\s+Parts\\s+Count\\s+Bytes");
	}

	@Test
	void jobThatNeverStartedShowsZeroWallTime() {
		JobExecution job = new JobExecution(this.nextId++, new JobInstance(1L, "clone"), new JobParameters());
		job.setStatus(BatchStatus.FAILED);

		List<String> lines = render(job);

		assertThat(lines).hasSize(4);
		assertThat(lines.get(3)).matches("Total wall time\\s+FAILED\\s+0ms");
	}

	private static List<String> render(JobExecution job) {
		return RunSummary.render(job, RunSummaryTest::managerOf).lines().map(String::stripTrailing).toList();
	}

	/** As the launcher maps partitions: copyTable:1 counts in copyData's line. */
	private static Optional<String> managerOf(String step) {
		String worker = PartitionKey.workerOf(step);
		return PartitionKey.isPartition(step) ? Optional.of(PARTITION_STEPS.getOrDefault(worker, worker))
				: Optional.empty();
	}

	private static String line(List<String> lines, String step) {
		List<String> matching = lines.stream().filter((line) -> line.startsWith(step + " ")).toList();
		assertThat(matching).as("lines for step %s in%n%s", step, String.join("\n", lines)).hasSize(1);
		return matching.get(0);
	}

	private JobExecution job(BatchStatus status, long startMillis, long endMillis) {
		JobExecution job = new JobExecution(this.nextId++, new JobInstance(1L, "clone"), new JobParameters());
		job.setStatus(status);
		job.setStartTime(at(startMillis));
		job.setEndTime(at(endMillis));
		return job;
	}

	private void step(JobExecution job, String name, BatchStatus status, long startMillis, long endMillis,
			long writeCount, long bytes) {
		StepExecution step = new StepExecution(this.nextId++, name, job);
		step.setStatus(status);
		step.setStartTime(at(startMillis));
		step.setEndTime(at(endMillis));
		step.setWriteCount(writeCount);
		if (bytes > 0) {
			step.getExecutionContext().putLong("bytes", bytes);
		}
		job.addStepExecution(step);
	}

	private static LocalDateTime at(long millis) {
		return T0.plusNanos(millis * 1_000_000);
	}

}

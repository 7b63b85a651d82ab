package io.pgcopydb.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * The table printed at the end of every run, like pgcopydb's: one line per step with its
 * duration, its partitions done, and what it moved (rows for copies, objects for large
 * objects, sequences set), then the total wall time. Built from the JobRepository's
 * record of the execution, so it states what is recorded, not what was hoped.
 */
public final class RunSummary {

	/**
	 * Step execution context key: bytes moved by the step, which the summary adds up.
	 * Steps that move data record it; the summary reads nothing else from contexts.
	 */
	public static final String BYTES_KEY = "bytes";

	/**
	 * Partition context key: the host a worker process ran the partition on (the
	 * partition planner's record, {@code PartitionSpec}, writes it).
	 */
	public static final String HOST_KEY = "host";

	/** Partition context key: the worker process (host:pid) that ran the partition. */
	public static final String WORKER_KEY = "worker";

	/**
	 * Job context key: set when a resume read the source in a new snapshot
	 * (--not-consistent), saying which; tables copied before and after then reflect
	 * different moments. Kept by every later execution of the run.
	 */
	public static final String NOT_CONSISTENT_KEY = "notConsistent";

	/**
	 * Job context key: what the run's --filters leave out, in words ({@code 3 tables, 1
	 * view; rows of 1 table stay behind}); set by the catalog step of a filtered run.
	 */
	public static final String FILTERED_KEY = "filtered";

	private static final Set<String> STANDARD_EXIT_CODES = Stream
		.of(ExitStatus.UNKNOWN, ExitStatus.EXECUTING, ExitStatus.COMPLETED, ExitStatus.NOOP, ExitStatus.FAILED,
				ExitStatus.STOPPED)
		.map(ExitStatus::getExitCode)
		.collect(Collectors.toSet());

	private RunSummary() {
	}

	/**
	 * @param managerOf the manager step whose line a partition step is summed into (e.g.
	 * "copyData" for "copyTable:16384"), empty for a step that is not a partition
	 */
	public static String render(JobExecution execution, Function<String, Optional<String>> managerOf) {
		Map<String, Line> lines = new LinkedHashMap<>();
		List<StepExecution> steps = new ArrayList<>(execution.getStepExecutions());
		steps.sort(Comparator.comparing(RunSummary::startOf));
		for (StepExecution step : steps) {
			Optional<String> manager = managerOf.apply(step.getStepName());
			if (manager.isPresent()) {
				lines.computeIfAbsent(manager.get(), Line::new).partition(step);
			}
			else {
				lines.computeIfAbsent(step.getStepName(), Line::new).manager(step);
			}
		}
		StringBuilder out = new StringBuilder();
		String format = "%-18s %-10s %10s %8s %12s %12s%n";
		out.append(String.format(Locale.ROOT, format, "Step", "Status", "Duration", "Parts", "Count", "Bytes"));
		out.append("-".repeat(75)).append(System.lineSeparator());
		for (Line line : lines.values()) {
			out.append(String.format(Locale.ROOT, format, line.name, line.status, Durations.format(line.duration),
					(line.parts == 0) ? "" : line.partsDone + "/" + line.parts, (line.count() == 0) ? "" : line.count(),
					(line.bytes() == 0) ? "" : humanBytes(line.bytes())));
		}
		out.append("-".repeat(75)).append(System.lineSeparator());
		Duration wall = between(execution.getStartTime(), execution.getEndTime());
		// an exit code of the job's own says more than the status: a step command that
		// left stages to do for the next one ends STOPPED with exit code PAUSED
		String exitCode = execution.getExitStatus().getExitCode();
		String status = STANDARD_EXIT_CODES.contains(exitCode) ? execution.getStatus().toString() : exitCode;
		out.append(String.format(Locale.ROOT, "%-18s %-10s %10s%n", "Total wall time", status, Durations.format(wall)));
		String filtered = execution.getExecutionContext().getString(FILTERED_KEY, null);
		if (filtered != null) {
			out.append(String.format(Locale.ROOT, "%-18s %s%n", "Filters", "left out " + filtered));
		}
		// a distributed run: how many partitions each worker host ran, and with how many
		// worker processes
		Map<String, Integer> hosts = new java.util.TreeMap<>();
		Map<String, java.util.Set<String>> workers = new HashMap<>();
		for (StepExecution step : steps) {
			String host = step.getExecutionContext().getString(HOST_KEY, null);
			if (host != null && step.getStatus() == BatchStatus.COMPLETED) {
				hosts.merge(host, 1, Integer::sum);
				workers.computeIfAbsent(host, (name) -> new java.util.HashSet<>())
					.add(step.getExecutionContext().getString(WORKER_KEY, host));
			}
		}
		if (!hosts.isEmpty()) {
			out.append(String.format(Locale.ROOT, "%-18s %s%n", "Workers",
					hosts.entrySet()
						.stream()
						.map((entry) -> entry.getKey() + ": " + entry.getValue() + " partitions, "
								+ workers.get(entry.getKey()).size() + " worker(s)")
						.collect(java.util.stream.Collectors.joining("; "))));
		}
		String notConsistent = execution.getExecutionContext().getString(NOT_CONSISTENT_KEY, null);
		if (notConsistent != null) {
			out.append(String.format(Locale.ROOT, "%-18s %s%n", "Consistency", "not consistent: " + notConsistent));
		}
		return out.toString();
	}

	private static LocalDateTime startOf(StepExecution step) {
		return (step.getStartTime() != null) ? step.getStartTime() : step.getCreateTime();
	}

	static Duration between(LocalDateTime start, LocalDateTime end) {
		if (start == null) {
			return Duration.ZERO;
		}
		return Duration.between(start, (end != null) ? end : LocalDateTime.now());
	}

	static String humanBytes(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		String[] units = { "kB", "MB", "GB", "TB" };
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
	}

	/** One step's line; a partitioned step shows the sum of its partitions. */
	private static final class Line {

		private final String name;

		private String status = "";

		private Duration duration = Duration.ZERO;

		private long ownCount;

		private long ownBytes;

		private int parts;

		private int partsDone;

		private long partCount;

		private long partBytes;

		Line(String name) {
			this.name = name;
		}

		void manager(StepExecution step) {
			this.status = step.getStatus().toString();
			this.duration = between(step.getStartTime(), step.getEndTime());
			this.ownCount = step.getWriteCount();
			this.ownBytes = step.getExecutionContext().getLong(BYTES_KEY, 0L);
		}

		void partition(StepExecution step) {
			this.parts++;
			if (step.getStatus() == BatchStatus.COMPLETED) {
				this.partsDone++;
			}
			this.partCount += step.getWriteCount();
			this.partBytes += step.getExecutionContext().getLong(BYTES_KEY, 0L);
		}

		long count() {
			return (this.parts > 0) ? this.partCount : this.ownCount;
		}

		long bytes() {
			return (this.parts > 0) ? this.partBytes : this.ownBytes;
		}

	}

}

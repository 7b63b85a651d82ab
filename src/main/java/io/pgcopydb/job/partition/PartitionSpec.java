package io.pgcopydb.job.partition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One partition as a partitioner plans it: what it works on ({@link PartitionKey}, which
 * is its step name), when to start it among the others, and the partitions that must be
 * COMPLETED first. The only class that writes and reads a partition's execution context:
 *
 * <pre>
 * order      long, ascending start order (the longest work first)
 * dependsOn  string, the step names of the partitions waited on, comma-separated
 * </pre>
 *
 * Contexts recorded by earlier releases hold the same two keys (and an {@code oid} key,
 * now read from the step name instead), so their runs resume.
 *
 * @param order the position in which to start it (ascending)
 * @param dependsOn the partitions, of this or another step, that must complete first
 */
public record PartitionSpec(PartitionKey key, long order, List<PartitionKey> dependsOn) {

	static final String ORDER = "order";

	static final String DEPENDS_ON = "dependsOn";

	/**
	 * The planner's format, recorded in each context: a resumed run whose contexts were
	 * planned by an earlier format (before index builds of a bundle became one partition,
	 * for instance) has them planned again, so that no partition waits on a partition the
	 * plan no longer has.
	 */
	static final String FORMAT = "planFormat";

	static final long CURRENT_FORMAT = 2;

	public PartitionSpec {
		dependsOn = List.copyOf(dependsOn);
	}

	/**
	 * A partitioner's result: each spec's execution context under its
	 * {@link PartitionKey#unit() unit}, from which Spring Batch names the step.
	 */
	public static Map<String, ExecutionContext> contexts(Collection<PartitionSpec> specs) {
		Map<String, ExecutionContext> contexts = new HashMap<>();
		for (PartitionSpec spec : specs) {
			if (contexts.put(spec.key().unit(), spec.context()) != null) {
				throw new IllegalArgumentException("two partitions named " + spec.key());
			}
		}
		return contexts;
	}

	/** The spec of a partition step execution, from its name and its context. */
	public static PartitionSpec of(StepExecution partition) {
		PartitionKey key = PartitionKey.parse(partition.getStepName());
		ExecutionContext context = partition.getExecutionContext();
		if (!isPlanned(context)) {
			throw new IllegalStateException(partition.getStepName() + " has no partition context");
		}
		String dependsOn = context.getString(DEPENDS_ON, "");
		List<PartitionKey> dependencies = new ArrayList<>();
		for (String name : dependsOn.isEmpty() ? new String[0] : dependsOn.split(",")) {
			dependencies.add(PartitionKey.parse(name));
		}
		return new PartitionSpec(key, context.getLong(ORDER), dependencies);
	}

	/**
	 * Whether a context holds a spec: Spring Batch records a partition before its
	 * context, so a run killed in between leaves it empty.
	 */
	static boolean isPlanned(ExecutionContext context) {
		return context.containsKey(ORDER);
	}

	/** Whether a planned context was planned by the current format. */
	static boolean isCurrent(ExecutionContext context) {
		return context.getLong(FORMAT, 1) == CURRENT_FORMAT;
	}

	ExecutionContext context() {
		ExecutionContext context = new ExecutionContext();
		context.putLong(ORDER, this.order);
		context.putLong(FORMAT, CURRENT_FORMAT);
		context.putString(DEPENDS_ON, String.join(",", this.dependsOn.stream().map(PartitionKey::stepName).toList()));
		return context;
	}

	/** The host a worker process ran a partition on (distributed runs), else null. */
	static final String HOST = io.pgcopydb.progress.RunSummary.HOST_KEY;

	/** The worker process (host:pid) that ran a partition. */
	static final String WORKER = io.pgcopydb.progress.RunSummary.WORKER_KEY;

	/**
	 * How many times the partition's request was taken by a worker: more than one when a
	 * worker that took it was found gone, and its writes may have committed.
	 */
	static final String ATTEMPT = "attempt";

	/**
	 * Records that worker {@code worker} (host:pid) on {@code host} takes the partition,
	 * for the {@code attempt}th time.
	 */
	public static void recordWorker(StepExecution partition, String host, String worker, int attempt) {
		partition.getExecutionContext().putString(WORKER, worker);
		partition.getExecutionContext().putString(HOST, host);
		partition.getExecutionContext().putInt(ATTEMPT, attempt);
	}

	/** The host a worker process ran the partition on, or null (this process). */
	public static String host(StepExecution partition) {
		return partition.getExecutionContext().getString(HOST, null);
	}

	/** Whether a worker took the partition before, which may have committed. */
	public static boolean sentAgain(StepExecution partition) {
		return partition.getExecutionContext().getInt(ATTEMPT, 1) > 1;
	}

	/** The step names waited on. */
	List<String> dependencyNames() {
		return this.dependsOn.stream().map(PartitionKey::stepName).toList();
	}

}

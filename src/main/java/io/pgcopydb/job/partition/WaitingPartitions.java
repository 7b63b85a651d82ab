package io.pgcopydb.job.partition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.core.step.StepExecution;

/**
 * The partitions of a step not started yet, in start order (the partitioner's order, then
 * the name), and for each dependency the ones waiting on it, so that a status change
 * wakes only those.
 */
final class WaitingPartitions {

	/** A partition not started yet. */
	record Pending(StepExecution execution, PartitionSpec spec) {
	}

	/** Start order: the partitioner's order, then the name. */
	static final Comparator<Pending> START_ORDER = Comparator.comparingLong((Pending pending) -> pending.spec().order())
		.thenComparing((pending) -> pending.execution().getStepName());

	private final Map<String, Pending> byName = new LinkedHashMap<>();

	private final Map<String, List<Pending>> byDependency = new HashMap<>();

	WaitingPartitions(List<StepExecution> partitions) {
		partitions.stream()
			.map((partition) -> new Pending(partition, PartitionSpec.of(partition)))
			.sorted(START_ORDER)
			.forEach((pending) -> {
				this.byName.put(pending.execution().getStepName(), pending);
				for (String dependency : pending.spec().dependencyNames()) {
					this.byDependency.computeIfAbsent(dependency, (name) -> new ArrayList<>()).add(pending);
				}
			});
	}

	/**
	 * A partition waiting on another partition of its own step waits for that one to run
	 * here: it must be planned in this step, or have completed already.
	 */
	void checkSameStepDependencies(StatusView view) {
		for (Pending pending : this.byName.values()) {
			for (PartitionKey dependency : pending.spec().dependsOn()) {
				String name = dependency.stepName();
				if (dependency.worker().equals(pending.spec().key().worker()) && !this.byName.containsKey(name)
						&& !view.isCompleted(name)) {
					throw new IllegalStateException(pending.execution().getStepName() + " depends on " + name
							+ ", which is not a partition of this step");
				}
			}
		}
	}

	/**
	 * Whether every waiting partition waits only on other waiting partitions: a cycle (a
	 * planning error), once nothing of the step runs any more.
	 */
	boolean waitOnEachOtherOnly(StatusView view) {
		return this.byName.values()
			.stream()
			.allMatch((pending) -> pending.spec()
				.dependencyNames()
				.stream()
				.allMatch((name) -> view.isCompleted(name) || this.byName.containsKey(name)));
	}

	boolean isEmpty() {
		return this.byName.isEmpty();
	}

	boolean contains(Pending pending) {
		return this.byName.containsKey(pending.execution().getStepName());
	}

	void remove(Pending pending) {
		this.byName.remove(pending.execution().getStepName());
	}

	/** Every waiting partition, in start order. */
	Collection<Pending> all() {
		return List.copyOf(this.byName.values());
	}

	/**
	 * The waiting partitions that depend on one of {@code changed}, in start order.
	 */
	Collection<Pending> dependingOn(List<String> changed) {
		Set<Pending> distinct = new HashSet<>();
		for (String name : changed) {
			distinct.addAll(this.byDependency.getOrDefault(name, List.of()));
		}
		List<Pending> woken = new ArrayList<>(distinct);
		woken.sort(START_ORDER);
		return woken;
	}

}

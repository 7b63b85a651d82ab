package io.pgcopydb.job.clone;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;

/**
 * The partitions of the clone job's parallel steps, from the stored plan: one per table
 * to copy, or one per slice of a split table ({@link ClonePlan#copyPartitions}; the
 * longest chain of copy and index build first; a table copied in its unit's transaction
 * waits for the unit's leader, see {@link CopyTarget}), one per index (waiting on its
 * table's copy; the longest builds first) plus one per table of several indexes for its
 * ALTER TABLE statements (see {@link IndexSchedule}), one per table to vacuum (waiting on
 * its copy and all its index partitions). Keys are OIDs, so partition step names are
 * stable across restarts. A partition waits only on stages the command runs:
 * {@code copy indexes} alone builds on the tables as they are. A table whose rows stay
 * behind ([exclude-table-data]) has no copy partition: its indexes and vacuum wait for no
 * copy.
 */
@Configuration(proxyBeanMethods = false)
class ClonePartitioners {

	@Bean
	@StepScope
	Partitioner copyPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan,
			CloneRequest request) {
		boolean thenIndexes = request.includes(Stage.INDEXES);
		return (gridSize) -> {
			Map<Long, CopyTarget> targets = plan.targets(instance(manager));
			Map<Long, List<PartitionKey>> copies = plan.copyPartitions(instance(manager));
			List<PartitionSpec> partitions = new ArrayList<>();
			Set<PartitionKey> bundles = new HashSet<>();
			for (SourceTable table : longestChainFirst(plan.copiedTables(instance(manager)),
					thenIndexes ? plan.indexes(instance(manager)) : List.of())) {
				List<PartitionKey> keys = copies.get(table.oid());
				if (keys.get(0).bundle() > 0) {
					// a bundle starts at the place of its first table
					if (bundles.add(keys.get(0))) {
						partitions.add(new PartitionSpec(keys.get(0), partitions.size(), List.of()));
					}
					continue;
				}
				if (keys.size() > 1 || keys.get(0).slice() > 0) {
					// the slices of a split table, started one after the other
					for (PartitionKey slice : keys) {
						partitions.add(new PartitionSpec(slice, partitions.size(), List.of()));
					}
					continue;
				}
				CopyTarget target = targets.get(table.oid());
				// the unit's leader copies the whole unit; its other tables wait for it
				List<PartitionKey> dependsOn = (target == null || target.leadsUnit()) ? List.of()
						: List.of(copyTable(target.unitOid()));
				partitions.add(new PartitionSpec(copyTable(table.oid()), partitions.size(), dependsOn));
			}
			return PartitionSpec.contexts(partitions);
		};
	}

	@Bean
	@StepScope
	Partitioner indexPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan,
			CloneRequest request) {
		boolean afterCopy = request.includes(Stage.TABLE_DATA);
		return (gridSize) -> {
			Map<Long, List<PartitionKey>> copies = afterCopy ? plan.copyPartitions(instance(manager)) : Map.of();
			return IndexSchedule.contexts(plan.indexes(instance(manager)), plan.indexPartitions(instance(manager)),
					copies, plan.tables(instance(manager)), partitionedOnTarget(plan, manager));
		};
	}

	@Bean
	@StepScope
	Partitioner vacuumPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan,
			CloneRequest request, JobRepository repository) {
		boolean afterCopy = request.includes(Stage.TABLE_DATA);
		boolean afterIndexes = request.includes(Stage.INDEXES);
		return (gridSize) -> {
			if (request.skipVacuum()) {
				return Map.of();
			}
			Map<Long, List<PartitionKey>> copies = afterCopy ? plan.copyPartitions(instance(manager)) : Map.of();
			Map<Long, List<PartitionKey>> indexes = new HashMap<>();
			Map<Long, PartitionKey> builds = afterIndexes ? plan.indexPartitions(instance(manager)) : Map.of();
			List<SourceIndex> planned = afterIndexes ? plan.indexes(instance(manager)) : List.of();
			for (SourceIndex index : planned) {
				List<PartitionKey> tableBuilds = indexes.computeIfAbsent(index.tableOid(), (oid) -> new ArrayList<>());
				if (!tableBuilds.contains(builds.get(index.oid()))) {
					tableBuilds.add(builds.get(index.oid()));
				}
			}
			// and on the table's ALTER TABLE partition (IndexSchedule), which locks it;
			// not once the index step completed: that of an earlier version had none,
			// and this version's completed them
			StepExecution indexStep = afterIndexes ? repository
				.getLastStepExecution(manager.getJobExecution().getJobInstance(), CloneSteps.BUILD_INDEXES) : null;
			if (indexStep == null || indexStep.getStatus() != BatchStatus.COMPLETED) {
				IndexSchedule.alterPartitions(planned, builds, partitionedOnTarget(plan, manager))
					.forEach((table, alter) -> indexes.get(table).add(alter));
			}
			Map<Long, Integer> bundles = plan.bundles(instance(manager));
			// a bundle of tables copied together is vacuumed together, once all its
			// tables' indexes are built
			Map<Integer, Set<PartitionKey>> bundleDependencies = new LinkedHashMap<>();
			Map<Integer, Integer> bundleOrder = new HashMap<>();
			List<PartitionSpec> partitions = new ArrayList<>();
			int order = 0;
			for (SourceTable table : plan.tables(instance(manager))) {
				List<PartitionKey> dependsOn = new ArrayList<>(copies.getOrDefault(table.oid(), List.of()));
				dependsOn.addAll(indexes.getOrDefault(table.oid(), List.of()));
				Integer bundle = bundles.get(table.oid());
				if (bundle != null) {
					bundleOrder.putIfAbsent(bundle, order++);
					bundleDependencies.computeIfAbsent(bundle, (number) -> new LinkedHashSet<>()).addAll(dependsOn);
					continue;
				}
				partitions.add(new PartitionSpec(PartitionKey.object(CloneSteps.VACUUM_TABLE, table.oid()), order++,
						dependsOn));
			}
			bundleDependencies.forEach((bundle, dependsOn) -> partitions
				.add(new PartitionSpec(PartitionKey.bundle(CloneSteps.VACUUM_TABLE, bundle), bundleOrder.get(bundle),
						List.copyOf(dependsOn))));
			return PartitionSpec.contexts(partitions);
		};
	}

	/**
	 * {@code tables} (largest first) in the order their copies should start: the longest
	 * chain of work first, a table's copy then its slowest index build (see
	 * {@link SourceIndex#buildCost}), so that a table with a slow index is not copied
	 * last.
	 */
	static List<SourceTable> longestChainFirst(List<SourceTable> tables, List<SourceIndex> indexes) {
		Map<Long, Long> tableBytes = new HashMap<>();
		tables.forEach((table) -> tableBytes.put(table.oid(), table.bytes()));
		Map<Long, Long> slowestBuild = new HashMap<>();
		for (SourceIndex index : indexes) {
			slowestBuild.merge(index.tableOid(), index.buildCost(tableBytes.getOrDefault(index.tableOid(), 0L)),
					Math::max);
		}
		List<SourceTable> ordered = new ArrayList<>(tables);
		// stable: equal chains keep the plan's order
		ordered.sort(Comparator
			.comparingLong((SourceTable table) -> -(table.bytes() + slowestBuild.getOrDefault(table.oid(), 0L))));
		return ordered;
	}

	/**
	 * The tables whose rows the target partitions, as planned by the first command that
	 * copied data (none known before).
	 */
	private static Set<Long> partitionedOnTarget(ClonePlan plan, StepExecution manager) {
		Set<Long> partitioned = new HashSet<>();
		plan.targets(instance(manager)).forEach((table, target) -> {
			if (target.routed() || target.unitPartitioned()) {
				partitioned.add(table);
			}
		});
		return partitioned;
	}

	private static PartitionKey copyTable(long tableOid) {
		return PartitionKey.object(CloneSteps.COPY_TABLE, tableOid);
	}

	private static long instance(StepExecution manager) {
		return manager.getJobExecution().getJobInstance().getId();
	}

}

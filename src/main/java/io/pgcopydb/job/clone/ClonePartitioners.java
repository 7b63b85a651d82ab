package io.pgcopydb.job.clone;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.job.DependentPartitionHandler;
import io.pgcopydb.job.StepNames;

/**
 * The partitions of the clone job's parallel steps, from the stored plan: one per table
 * to copy (largest first), one per index (waiting on its table's copy), one per table to
 * vacuum (waiting on its copy and all its indexes). Keys are OIDs, so partition step
 * names are stable across restarts. A partition waits only on stages the command runs:
 * {@code copy indexes} alone builds on the tables as they are.
 */
@Configuration(proxyBeanMethods = false)
class ClonePartitioners {

	@Bean
	@StepScope
	Partitioner copyPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan) {
		return (gridSize) -> {
			Map<String, ExecutionContext> partitions = new HashMap<>();
			int order = 0;
			for (SourceTable table : plan.tables(instance(manager))) {
				partitions.put(Long.toString(table.oid()), partition(table.oid(), order++, List.of()));
			}
			return partitions;
		};
	}

	@Bean
	@StepScope
	Partitioner indexPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan,
			CloneRequest request) {
		boolean afterCopy = request.includes(Stage.TABLE_DATA);
		return (gridSize) -> {
			Map<Long, Integer> tableOrder = new HashMap<>();
			for (SourceTable table : plan.tables(instance(manager))) {
				tableOrder.put(table.oid(), tableOrder.size());
			}
			Map<String, ExecutionContext> partitions = new HashMap<>();
			for (SourceIndex index : plan.indexes(instance(manager))) {
				partitions.put(Long.toString(index.oid()), partition(index.oid(),
						tableOrder.getOrDefault(index.tableOid(), 0),
						afterCopy ? List.of(StepNames.partition(StepNames.COPY_TABLE, index.tableOid())) : List.of()));
			}
			return partitions;
		};
	}

	@Bean
	@StepScope
	Partitioner vacuumPartitioner(@Value("#{stepExecution}") StepExecution manager, ClonePlan plan,
			CloneRequest request) {
		boolean afterCopy = request.includes(Stage.TABLE_DATA);
		boolean afterIndexes = request.includes(Stage.INDEXES);
		return (gridSize) -> {
			if (request.skipVacuum()) {
				return Map.of();
			}
			Map<Long, List<String>> indexSteps = new HashMap<>();
			for (SourceIndex index : afterIndexes ? plan.indexes(instance(manager)) : List.<SourceIndex>of()) {
				indexSteps.computeIfAbsent(index.tableOid(), (oid) -> new ArrayList<>())
					.add(StepNames.partition(StepNames.BUILD_INDEX, index.oid()));
			}
			Map<String, ExecutionContext> partitions = new HashMap<>();
			int order = 0;
			for (SourceTable table : plan.tables(instance(manager))) {
				List<String> dependsOn = new ArrayList<>();
				if (afterCopy) {
					dependsOn.add(StepNames.partition(StepNames.COPY_TABLE, table.oid()));
				}
				dependsOn.addAll(indexSteps.getOrDefault(table.oid(), List.of()));
				partitions.put(Long.toString(table.oid()), partition(table.oid(), order++, dependsOn));
			}
			return partitions;
		};
	}

	private static long instance(StepExecution manager) {
		return manager.getJobExecution().getJobInstance().getId();
	}

	private static ExecutionContext partition(long oid, int order, List<String> dependsOn) {
		ExecutionContext context = new ExecutionContext();
		context.putLong(Executions.OID, oid);
		context.putLong(DependentPartitionHandler.ORDER, order);
		context.putString(DependentPartitionHandler.DEPENDS_ON, String.join(",", dependsOn));
		return context;
	}

}

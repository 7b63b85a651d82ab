package io.pgcopydb.job.clone;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;

/**
 * The partitions of the index step, in the order they should start and with what each
 * waits on.
 * <ul>
 * <li>A build waits on its table's copy (a bundle's builds, one partition, on the
 * bundle's copy).</li>
 * <li>The longest work first (see {@link SourceIndex#buildCost}): when a table's copy
 * ends, its slowest index starts before its quick ones, and a free thread takes the
 * longest build ready.</li>
 * <li>On a table with several builds, the ALTER TABLE statements that end some of them (a
 * PRIMARY KEY or UNIQUE constraint attached to its index, CLUSTER ON, REPLICA IDENTITY)
 * wait until all of the table's indexes are built, in one more partition of the step,
 * named after the table ({@code buildIndex:TABLE_OID}): ALTER TABLE waits for every
 * CREATE INDEX running on its table, and run at the end of its own build, next to a long
 * build of the same table, it would hold its thread idle until that build ends. The
 * builds themselves all run at once.</li>
 * </ul>
 */
final class IndexSchedule {

	/**
	 * In a build partition's context: its ALTER TABLE statements are left to the table's
	 * partition of that step name.
	 */
	static final String ALTER_TABLE_IN = "alterTableIn";

	/** In the context of a table's partition: it runs the ALTER TABLE statements. */
	static final String ALTER_TABLE = "alterTable";

	private IndexSchedule() {
	}

	/**
	 * The contexts of the index step's partitions: {@link #partitions} and the flags that
	 * tell a build from a table's ALTER TABLE partition.
	 */
	static Map<String, ExecutionContext> contexts(List<SourceIndex> indexes, Map<Long, PartitionKey> builds,
			Map<Long, List<PartitionKey>> copies, List<SourceTable> tables, Set<Long> partitionedOnTarget) {
		Map<String, ExecutionContext> contexts = PartitionSpec
			.contexts(partitions(indexes, builds, copies, tables, partitionedOnTarget));
		Map<Long, PartitionKey> alters = alterPartitions(indexes, builds, partitionedOnTarget);
		for (SourceIndex index : indexes) {
			PartitionKey alter = alters.get(index.tableOid());
			if (alter != null && altersTable(index)) {
				contexts.get(builds.get(index.oid()).unit()).putString(ALTER_TABLE_IN, alter.stepName());
			}
		}
		alters.values().forEach((alter) -> contexts.get(alter.unit()).putString(ALTER_TABLE, "true"));
		return contexts;
	}

	/**
	 * @param indexes the planned indexes
	 * @param builds each index's build partition (several indexes share a bundle's)
	 * @param copies each table's copy partitions (none for a table whose rows stay
	 * behind, or when the run copies no rows)
	 * @param tables the planned tables, in plan order (for ties), with their sizes
	 * @param partitionedOnTarget the tables whose rows the target partitions
	 * ({@link #alterPartitions})
	 */
	static List<PartitionSpec> partitions(List<SourceIndex> indexes, Map<Long, PartitionKey> builds,
			Map<Long, List<PartitionKey>> copies, List<SourceTable> tables, Set<Long> partitionedOnTarget) {
		Map<Long, Integer> tableOrder = new HashMap<>();
		Map<Long, Long> tableBytes = new HashMap<>();
		for (SourceTable table : tables) {
			tableOrder.put(table.oid(), tableOrder.size());
			tableBytes.put(table.oid(), table.bytes());
		}
		// per partition: its cost (a bundle's: its indexes' together), its first table's
		// place, what it waits on
		Map<PartitionKey, long[]> costs = new LinkedHashMap<>();
		Map<PartitionKey, List<PartitionKey>> dependencies = new HashMap<>();
		Map<Long, Set<PartitionKey>> tableBuilds = new HashMap<>();
		for (SourceIndex index : indexes) {
			PartitionKey key = builds.get(index.oid());
			tableBuilds.computeIfAbsent(index.tableOid(), (oid) -> new LinkedHashSet<>()).add(key);
			long[] cost = costs.computeIfAbsent(key, (k) -> new long[] { 0, Long.MAX_VALUE });
			cost[0] += index.buildCost(tableBytes.getOrDefault(index.tableOid(), 0L));
			cost[1] = Math.min(cost[1], tableOrder.getOrDefault(index.tableOid(), 0));
			dependencies.putIfAbsent(key, copies.getOrDefault(index.tableOid(), List.of()));
		}
		alterPartitions(indexes, builds, partitionedOnTarget).forEach((table, alter) -> {
			// quick, and what the table's vacuum waits on: first once ready
			costs.put(alter, new long[] { Long.MAX_VALUE, tableOrder.getOrDefault(table, 0) });
			dependencies.put(alter, List.copyOf(tableBuilds.get(table)));
		});
		List<PartitionKey> keys = new ArrayList<>(costs.keySet());
		keys.sort(Comparator.comparingLong((PartitionKey key) -> -costs.get(key)[0])
			.thenComparingLong((key) -> costs.get(key)[1])
			.thenComparing(PartitionKey::stepName));
		List<PartitionSpec> partitions = new ArrayList<>();
		for (PartitionKey key : keys) {
			partitions.add(new PartitionSpec(key, partitions.size(), dependencies.get(key)));
		}
		return partitions;
	}

	/**
	 * The ALTER TABLE partition of each table that needs one: a table not in a bundle
	 * (whose builds run one after the other in one partition), with several builds, one
	 * of which ends in ALTER TABLE; keyed by the table's OID, which no index shares. Not
	 * for a table the target partitions: there a constraint builds its own index, in its
	 * build partition, as before.
	 */
	static Map<Long, PartitionKey> alterPartitions(List<SourceIndex> indexes, Map<Long, PartitionKey> builds,
			Set<Long> partitionedOnTarget) {
		Map<Long, List<SourceIndex>> byTable = new LinkedHashMap<>();
		for (SourceIndex index : indexes) {
			if (builds.get(index.oid()).bundle() == 0 && !partitionedOnTarget.contains(index.tableOid())) {
				byTable.computeIfAbsent(index.tableOid(), (oid) -> new ArrayList<>()).add(index);
			}
		}
		Map<Long, PartitionKey> alters = new LinkedHashMap<>();
		byTable.forEach((table, tableIndexes) -> {
			if (tableIndexes.size() > 1 && tableIndexes.stream().anyMatch(IndexSchedule::altersTable)) {
				alters.put(table, PartitionKey.object(CloneSteps.BUILD_INDEX, table));
			}
		});
		return alters;
	}

	/** Whether building the index ends with an ALTER TABLE on its table. */
	static boolean altersTable(SourceIndex index) {
		return index.backsConstraint() || index.clustered() || index.replicaIdentity();
	}

}

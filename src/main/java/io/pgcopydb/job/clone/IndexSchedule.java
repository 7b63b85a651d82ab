package io.pgcopydb.job.clone;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;

/**
 * The index build partitions of a run, in the order they should start and with what each
 * waits on.
 * <ul>
 * <li>Each waits on its table's copy (a bundle's builds, one partition, on the bundle's
 * copy).</li>
 * <li>The longest work first (see {@link SourceIndex#buildCost}): when a table's copy
 * ends, its slowest index starts before its quick ones, and a free thread takes the
 * longest build ready.</li>
 * <li>On a table with several builds, those that alter the table (attach a PRIMARY KEY or
 * UNIQUE constraint, CLUSTER ON, REPLICA IDENTITY) run first, one after the other, and
 * the table's other builds wait for them. ALTER TABLE waits for every CREATE INDEX
 * running on its table: started after a long build, it would hold a thread idle until
 * that build ends. Pulled to the front instead, they cost the table's chain their own
 * build time only.</li>
 * </ul>
 */
final class IndexSchedule {

	private IndexSchedule() {
	}

	/**
	 * @param indexes the planned indexes
	 * @param builds each index's build partition (several indexes share a bundle's)
	 * @param copies each table's copy partitions (none for a table whose rows stay
	 * behind, or when the run copies no rows)
	 * @param tableOrder each table's place in the plan, for ties
	 */
	static List<PartitionSpec> partitions(List<SourceIndex> indexes, Map<Long, PartitionKey> builds,
			Map<Long, List<PartitionKey>> copies, Map<Long, Integer> tableOrder) {
		// per partition: its cost (a bundle's: its indexes' together), its first table's
		// place, what it waits on
		Map<PartitionKey, long[]> costs = new LinkedHashMap<>();
		Map<PartitionKey, List<PartitionKey>> dependencies = new HashMap<>();
		Map<Long, List<SourceIndex>> byTable = new LinkedHashMap<>();
		for (SourceIndex index : indexes) {
			PartitionKey key = builds.get(index.oid());
			long[] cost = costs.computeIfAbsent(key, (k) -> new long[] { 0, Long.MAX_VALUE });
			cost[0] += index.buildCost();
			cost[1] = Math.min(cost[1], tableOrder.getOrDefault(index.tableOid(), 0));
			dependencies.putIfAbsent(key, new ArrayList<>(copies.getOrDefault(index.tableOid(), List.of())));
			if (key.bundle() == 0) {
				byTable.computeIfAbsent(index.tableOid(), (oid) -> new ArrayList<>()).add(index);
			}
		}
		for (List<SourceIndex> tableIndexes : byTable.values()) {
			alteringFirst(tableIndexes, builds, costs, dependencies);
		}
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
	 * On one table with several builds: the builds that alter the table one after the
	 * other, the longest first, then the others; each altering build's cost counts the
	 * work waiting behind it, so that it starts before builds of other tables that are
	 * longer than itself alone.
	 */
	private static void alteringFirst(List<SourceIndex> tableIndexes, Map<Long, PartitionKey> builds,
			Map<PartitionKey, long[]> costs, Map<PartitionKey, List<PartitionKey>> dependencies) {
		if (tableIndexes.size() < 2) {
			return;
		}
		List<SourceIndex> altering = new ArrayList<>(tableIndexes.stream().filter(IndexSchedule::altersTable).toList());
		if (altering.isEmpty()) {
			return;
		}
		altering.sort(Comparator.comparingLong((SourceIndex index) -> -index.buildCost()));
		long behind = tableIndexes.stream()
			.filter((index) -> !altersTable(index))
			.mapToLong(SourceIndex::buildCost)
			.max()
			.orElse(0);
		PartitionKey previous = null;
		for (int i = altering.size() - 1; i >= 0; i--) {
			// from the last: each altering build carries those after it
			PartitionKey key = builds.get(altering.get(i).oid());
			behind += costs.get(key)[0];
			costs.get(key)[0] = behind;
		}
		for (SourceIndex index : altering) {
			PartitionKey key = builds.get(index.oid());
			if (previous != null) {
				dependencies.get(key).add(previous);
			}
			previous = key;
		}
		for (SourceIndex index : tableIndexes) {
			if (!altersTable(index)) {
				dependencies.get(builds.get(index.oid())).add(previous);
			}
		}
	}

	/** Whether building the index ends with an ALTER TABLE on its table. */
	static boolean altersTable(SourceIndex index) {
		return index.backsConstraint() || index.clustered() || index.replicaIdentity();
	}

}

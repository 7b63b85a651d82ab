package io.pgcopydb.job.clone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index builds of the ~2 GB benchmark's shape: the start order follows the work each
 * build stands for, and a table's constraint builds go before its other builds, which
 * wait for them.
 */
class IndexScheduleTest {

	private static final long MB = 1024 * 1024;

	// table 1 ("wide"): a primary key, a GIN and two B-trees; table 2 ("accounts"): a
	// large primary key alone; table 3: a unique constraint and a clustered index
	private final SourceIndex widePkey = index(11, 1, "p", false, "btree", 34 * MB);

	private final SourceIndex wideGin = index(12, 1, null, false, "gin", 68 * MB);

	private final SourceIndex wideCode = index(13, 1, null, false, "btree", 50 * MB);

	private final SourceIndex wideAccount = index(14, 1, null, false, "btree", 35 * MB);

	private final SourceIndex accountsPkey = index(21, 2, "p", false, "btree", 129 * MB);

	private final SourceIndex eventsKey = index(31, 3, "u", false, "btree", 1 * MB);

	private final SourceIndex eventsClustered = index(32, 3, null, true, "btree", 2 * MB);

	private final SourceIndex eventsPlain = index(33, 3, null, false, "brin", 1 * MB);

	@Test
	void theLongestBuildsStartFirstAndATablesConstraintsWaitForAllItsBuilds() {
		List<PartitionSpec> specs = schedule(this.wideGin, this.wideCode, this.widePkey, this.wideAccount,
				this.accountsPkey);

		assertThat(specs).extracting((spec) -> spec.key().stepName())
			.as("the ALTER TABLE partition of wide first once ready; then the GIN (68 MB x 8), the 129 MB primary key"
					+ " (x 2), the rest by size")
			.containsExactly("buildIndex:1", "buildIndex:12", "buildIndex:21", "buildIndex:13", "buildIndex:14",
					"buildIndex:11");
		assertThat(spec(specs, 12).dependsOn()).as("builds run at once: each waits on the copy only")
			.containsExactly(copy(1));
		assertThat(spec(specs, 11).dependsOn()).containsExactly(copy(1));
		assertThat(spec(specs, 1).dependsOn()).as("wide's constraint, once all its indexes are built")
			.containsExactlyInAnyOrder(build(11), build(12), build(13), build(14));
		assertThat(spec(specs, 21).dependsOn()).as("alone on its table: builds and attaches, as before")
			.containsExactly(copy(2));
	}

	@Test
	void onlyTheBuildsThatAlterTheirTableLeaveItToTheTablesPartition() {
		Map<String, ExecutionContext> contexts = IndexSchedule.contexts(
				List.of(this.widePkey, this.wideGin, this.accountsPkey, this.eventsKey, this.eventsClustered,
						this.eventsPlain),
				builds(this.widePkey, this.wideGin, this.accountsPkey, this.eventsKey, this.eventsClustered,
						this.eventsPlain),
				Map.of(), List.of(), Set.of());

		assertThat(contexts.get("11").getString(IndexSchedule.ALTER_TABLE_IN)).isEqualTo("buildIndex:1");
		assertThat(contexts.get("12").containsKey(IndexSchedule.ALTER_TABLE_IN)).isFalse();
		assertThat(contexts.get("21").containsKey(IndexSchedule.ALTER_TABLE_IN)).isFalse();
		assertThat(contexts.get("31").getString(IndexSchedule.ALTER_TABLE_IN)).isEqualTo("buildIndex:3");
		assertThat(contexts.get("32").getString(IndexSchedule.ALTER_TABLE_IN)).as("CLUSTER ON is an ALTER TABLE too")
			.isEqualTo("buildIndex:3");
		assertThat(contexts.get("33").containsKey(IndexSchedule.ALTER_TABLE_IN)).isFalse();
		assertThat(contexts).containsKeys("1", "3").doesNotContainKey("2");
		assertThat(contexts.get("1").containsKey(IndexSchedule.ALTER_TABLE)).isTrue();
	}

	@Test
	void theBuildsOfABundleHaveNoTablePartition() {
		Map<Long, PartitionKey> builds = Map.of(31L, PartitionKey.bundle(CloneSteps.BUILD_INDEX, 1), 32L,
				PartitionKey.bundle(CloneSteps.BUILD_INDEX, 1));

		assertThat(IndexSchedule.alterPartitions(List.of(this.eventsKey, this.eventsClustered), builds, Set.of()))
			.isEmpty();
	}

	@Test
	void aTableTheTargetPartitionsKeepsItsConstraintInItsBuild() {
		Map<Long, PartitionKey> builds = builds(this.widePkey, this.wideGin);

		assertThat(IndexSchedule.alterPartitions(List.of(this.widePkey, this.wideGin), builds, Set.of(1L)))
			.as("the constraint builds its own index there, whole")
			.isEmpty();
		assertThat(IndexSchedule.alterPartitions(List.of(this.widePkey, this.wideGin), builds, Set.of()))
			.containsOnlyKeys(1L);
	}

	@Test
	void aPlanWithoutSizesKeepsTheTableOrder() {
		List<PartitionSpec> specs = IndexSchedule.partitions(
				List.of(index(21, 2, null, false, null, 0), index(11, 1, null, false, null, 0)),
				Map.of(21L, build(21), 11L, build(11)), Map.of(),
				List.of(new SourceTable(1, "public", "t1", "id", "id int", true, 2 * MB),
						new SourceTable(2, "public", "t2", "id", "id int", true, MB)),
				Set.of());

		assertThat(specs).extracting((spec) -> spec.key().oid()).containsExactly(11L, 21L);
	}

	@Test
	void aBuildCountsTheScanOfItsTable() {
		SourceIndex brin = index(41, 4, null, false, "brin", 64 * 1024);
		SourceIndex small = index(51, 5, null, false, "btree", 4 * MB);
		List<PartitionSpec> specs = IndexSchedule
			.partitions(List.of(small, brin), Map.of(41L, build(41), 51L, build(51)), Map.of(),
					List.of(new SourceTable(5, "public", "small", "id", "id int", true, 10 * MB),
							new SourceTable(4, "public", "huge", "at", "at timestamptz", true, 100_000 * MB)),
					Set.of());

		assertThat(specs).extracting((spec) -> spec.key().oid())
			.as("a BRIN of 64 kB still reads its 100 GB table")
			.containsExactly(41L, 51L);
	}

	@Test
	void copiesStartWithTheLongestChainOfCopyAndSlowestBuild() {
		SourceTable plain = new SourceTable(2, "public", "accounts", "aid", "aid integer", true, 800 * MB);
		SourceTable withGin = new SourceTable(1, "public", "wide", "id", "id bigint", true, 600 * MB);

		assertThat(ClonePartitioners.longestChainFirst(List.of(plain, withGin),
				List.of(this.widePkey, this.wideGin, this.accountsPkey)))
			.as("600 MB + a GIN of 68 MB x 8 before 800 MB + a B-tree of 129 MB x 2")
			.extracting(SourceTable::name)
			.containsExactly("wide", "accounts");
	}

	private static Map<Long, PartitionKey> builds(SourceIndex... indexes) {
		Map<Long, PartitionKey> builds = new HashMap<>();
		for (SourceIndex index : indexes) {
			builds.put(index.oid(), build(index.oid()));
		}
		return builds;
	}

	private static List<PartitionSpec> schedule(SourceIndex... indexes) {
		Map<Long, PartitionKey> builds = new HashMap<>();
		Map<Long, List<PartitionKey>> copies = new HashMap<>();
		for (SourceIndex index : indexes) {
			builds.put(index.oid(), build(index.oid()));
			copies.put(index.tableOid(), List.of(copy(index.tableOid())));
		}
		return IndexSchedule.partitions(List.of(indexes), builds, copies, List.of(), Set.of());
	}

	private static PartitionSpec spec(List<PartitionSpec> specs, long oid) {
		return specs.stream()
			.filter((spec) -> spec.key().stepName().equals(build(oid).stepName()))
			.findFirst()
			.orElseThrow();
	}

	private static PartitionKey build(long oid) {
		return PartitionKey.object(CloneSteps.BUILD_INDEX, oid);
	}

	private static PartitionKey copy(long tableOid) {
		return PartitionKey.object(CloneSteps.COPY_TABLE, tableOid);
	}

	private static SourceIndex index(long oid, long table, String constraintType, boolean clustered, String method,
			long bytes) {
		return new SourceIndex(oid, table, "public", "t" + table, "i" + oid, "CREATE INDEX ...",
				(constraintType != null) ? oid + 1000 : 0, (constraintType != null) ? "c" + oid : null, constraintType,
				null, false, false, clustered, false, null, null, method, bytes);
	}

}

package io.pgcopydb.job.clone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
	void constraintBuildsOfATableGoFirstAndItsOtherBuildsWaitForThem() {
		List<PartitionSpec> specs = schedule(this.wideGin, this.wideCode, this.widePkey, this.wideAccount,
				this.accountsPkey);

		assertThat(specs).extracting((spec) -> spec.key().oid())
			.as("the wide primary key carries its table's GIN: 34 MB x 2 + 68 MB x 8, before the 129 MB"
					+ " primary key (x 2) of the other table; then the GIN, the rest by size")
			.containsExactly(11L, 12L, 21L, 13L, 14L);
		assertThat(spec(specs, 11).dependsOn()).containsExactly(copy(1));
		assertThat(spec(specs, 12).dependsOn()).containsExactly(copy(1), build(11));
		assertThat(spec(specs, 13).dependsOn()).containsExactly(copy(1), build(11));
		assertThat(spec(specs, 21).dependsOn()).as("alone on its table: waits on its copy only")
			.containsExactly(copy(2));
	}

	@Test
	void severalBuildsThatAlterOneTableRunOneAfterTheOther() {
		List<PartitionSpec> specs = schedule(this.eventsPlain, this.eventsKey, this.eventsClustered);

		assertThat(spec(specs, 32).dependsOn()).as("the larger of the two first").containsExactly(copy(3));
		assertThat(spec(specs, 31).dependsOn()).containsExactly(copy(3), build(32));
		assertThat(spec(specs, 33).dependsOn()).containsExactly(copy(3), build(31));
		assertThat(specs).extracting((spec) -> spec.key().oid()).containsExactly(32L, 31L, 33L);
	}

	@Test
	void aPlanWithoutSizesKeepsTheTableOrder() {
		List<PartitionSpec> specs = IndexSchedule.partitions(
				List.of(index(21, 2, null, false, null, 0), index(11, 1, null, false, null, 0)),
				Map.of(21L, build(21), 11L, build(11)), Map.of(), Map.of(1L, 0, 2L, 1));

		assertThat(specs).extracting((spec) -> spec.key().oid()).containsExactly(11L, 21L);
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

	private static List<PartitionSpec> schedule(SourceIndex... indexes) {
		Map<Long, PartitionKey> builds = new HashMap<>();
		Map<Long, List<PartitionKey>> copies = new HashMap<>();
		for (SourceIndex index : indexes) {
			builds.put(index.oid(), build(index.oid()));
			copies.put(index.tableOid(), List.of(copy(index.tableOid())));
		}
		return IndexSchedule.partitions(List.of(indexes), builds, copies, Map.of());
	}

	private static PartitionSpec spec(List<PartitionSpec> specs, long oid) {
		return specs.stream().filter((spec) -> spec.key().oid() == oid).findFirst().orElseThrow();
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

package io.pgcopydb.copy;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetRelation;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where rows land on a target whose shape changed after restore pre-data, and which
 * tables must be emptied and refilled together so that a retry neither loses a sibling's
 * rows nor doubles any.
 */
class TargetMappingTest {

	private static final String M1_BOUND = "FOR VALUES FROM (0) TO (100)";

	private static final String M2_BOUND = "FOR VALUES FROM (100) TO (200)";

	private final Map<String, TargetRelation> target = new HashMap<>();

	@Test
	void aTableOfTheSameShapeIsItsOwnUnitTruncatedOnlyAndFrozen() throws SQLException {
		plain(q("big"));
		CopyTarget big = resolve(table(1, "big")).get(0);
		assertThat(big).isEqualTo(CopyTarget.sameTable(1, q("big")));
		assertThat(big.truncate()).isEqualTo("TRUNCATE ONLY " + q("big"));
		assertThat(big.freeze()).isTrue();
		assertThat(big.redirected(q("big"))).isFalse();
	}

	@Test
	void aPlainTablePartitionedOnTheTargetIsRoutedTruncatedWholeAndNotFrozen() throws SQLException {
		partitioned(q("big"));
		partition(q("big_2020"), "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')", q("big"));
		CopyTarget big = resolve(table(1, "big")).get(0);
		assertThat(big.relation()).isEqualTo(q("big"));
		assertThat(big.routed()).isTrue();
		assertThat(big.leadsUnit()).isTrue();
		assertThat(big.truncate()).as("TRUNCATE ONLY is refused on a partitioned table")
			.isEqualTo("TRUNCATE " + q("big"));
		assertThat(big.freeze()).as("COPY FREEZE is refused on a partitioned table").isFalse();
	}

	@Test
	void partitionsOfTheSameShapeAreCopiedOneByOne() throws SQLException {
		partitioned(q("m"));
		partition(q("m_1"), M1_BOUND, q("m"));
		partition(q("m_2"), M2_BOUND, q("m"));
		List<CopyTarget> targets = resolve(partitionOfM(1, "m_1", M1_BOUND), partitionOfM(2, "m_2", M2_BOUND));
		assertThat(targets).containsExactly(CopyTarget.sameTable(1, q("m_1")), CopyTarget.sameTable(2, q("m_2")));
	}

	@Test
	void partitionsMergedIntoOnePlainTableAreOneUnitEmptiedOnce() throws SQLException {
		plain(q("m"));
		List<CopyTarget> targets = resolve(partitionOfM(7, "m_1", M1_BOUND), partitionOfM(3, "m_2", M2_BOUND));
		assertThat(targets).extracting(CopyTarget::relation).containsExactly(q("m"), q("m"));
		assertThat(targets).extracting(CopyTarget::unitOid)
			.as("the first table in copy order leads the unit")
			.containsExactly(7L, 7L);
		assertThat(targets.get(0).leadsUnit()).isTrue();
		assertThat(targets.get(1).leadsUnit()).isFalse();
		assertThat(targets).extracting(CopyTarget::truncate).containsOnly("TRUNCATE ONLY " + q("m"));
		assertThat(targets).allMatch(CopyTarget::freeze);
	}

	@Test
	void partitionsOfARepartitionedTargetAreRoutedThroughTheirParentInOneUnit() throws SQLException {
		partitioned(q("m"));
		partition(q("m_low"), "FOR VALUES FROM (0) TO (50)", q("m"));
		partition(q("m_high"), "FOR VALUES FROM (50) TO (200)", q("m"));
		List<CopyTarget> targets = resolve(partitionOfM(1, "m_1", M1_BOUND), partitionOfM(2, "m_2", M2_BOUND));
		assertThat(targets).extracting(CopyTarget::relation).containsOnly(q("m"));
		assertThat(targets).allMatch(CopyTarget::routed);
		assertThat(targets).extracting(CopyTarget::unitOid).containsOnly(1L);
		assertThat(targets.get(0).truncate()).isEqualTo("TRUNCATE " + q("m"));
	}

	@Test
	void aPartitionWithAnotherBoundOnTheTargetPullsItsSiblingsIntoTheUnitOfTheRoot() throws SQLException {
		partitioned(q("m"));
		partition(q("m_1"), "FOR VALUES FROM (0) TO (50)", q("m"));
		partition(q("m_2"), M2_BOUND, q("m"));
		List<CopyTarget> targets = resolve(partitionOfM(1, "m_1", M1_BOUND), partitionOfM(2, "m_2", M2_BOUND));
		assertThat(targets.get(0).relation()).as("rows 50 to 99 do not fit m_1 any more").isEqualTo(q("m"));
		assertThat(targets.get(1).relation()).isEqualTo(q("m_2"));
		assertThat(targets.get(1).unitRelation()).as("TRUNCATE public.m for m_1 would wipe m_2's rows: one unit")
			.isEqualTo(q("m"));
		assertThat(targets).extracting(CopyTarget::unitOid).containsOnly(1L);
		assertThat(targets.get(1).freeze()).as("m_2 is a leaf truncated in the unit's transaction").isTrue();
	}

	@Test
	void aPlainTableMadeAPartitionOfANewTreeIsRoutedThroughItsRoot() throws SQLException {
		partitioned(q("events"));
		partition(q("events_old"), "FOR VALUES FROM (MINVALUE) TO (1000)", q("events"));
		CopyTarget old = resolve(table(4, "events_old")).get(0);
		assertThat(old.relation()).isEqualTo(q("events"));
		assertThat(old.truncate()).isEqualTo("TRUNCATE " + q("events"));
	}

	@Test
	void unrelatedTablesStayInUnitsOfTheirOwn() throws SQLException {
		plain(q("m"));
		plain(q("other"));
		List<CopyTarget> targets = resolve(partitionOfM(1, "m_1", M1_BOUND), table(2, "other"),
				partitionOfM(3, "m_2", M2_BOUND));
		assertThat(targets).extracting(CopyTarget::unitOid).containsExactly(1L, 2L, 1L);
	}

	@Test
	void aTableWithNowhereToLandIsRefusedByName() {
		plain(q("other"));
		assertThatThrownBy(() -> resolve(partitionOfM(1, "m_1", M1_BOUND))).isInstanceOf(BadStateException.class)
			.hasMessageContaining("public.m_1")
			.hasMessageContaining(q("m"))
			.hasMessageContaining("copy data --resume");
	}

	private List<CopyTarget> resolve(SourceTable... tables) throws SQLException {
		return TargetMapping.resolve(List.of(tables), (name) -> Optional.ofNullable(this.target.get(name)));
	}

	/** A name in public as the tool and the catalog queries write it. */
	private static String q(String name) {
		return Identifiers.qualified("public", name);
	}

	private static SourceTable table(long oid, String name) {
		return new SourceTable(oid, "public", name, "id, k", "id integer\nk integer", true, 8192);
	}

	private static SourceTable partitionOfM(long oid, String name, String bound) {
		return new SourceTable(oid, "public", name, "id, k", "id integer\nk integer", true, 8192, List.of(q("m")),
				bound, List.of(name + "_pkey"));
	}

	private void plain(String name) {
		this.target.put(name, new TargetRelation(name, false, null, List.of()));
	}

	private void partitioned(String name) {
		this.target.put(name, new TargetRelation(name, true, null, List.of()));
	}

	private void partition(String name, String bound, String parent) {
		this.target.put(name, new TargetRelation(name, false, bound, List.of(parent)));
	}

}

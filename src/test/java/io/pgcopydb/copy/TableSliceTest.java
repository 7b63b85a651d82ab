package io.pgcopydb.copy;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TableSliceTest {

	@Test
	void boundsCutTheKeyRangeIntoEqualRangesThatCoverIt() {
		assertThat(TableSlicer.bounds(1, 100, 4)).containsExactly(26L, 51L, 76L);
		assertThat(TableSlicer.bounds(-10, 9, 2)).containsExactly(0L);
		// fewer keys than parts: one range per key value
		assertThat(TableSlicer.bounds(5, 7, 8)).containsExactly(6L, 7L);
		assertThat(TableSlicer.bounds(3, 3, 4)).isEmpty();
		// the whole int8 range does not overflow
		assertThat(TableSlicer.bounds(Long.MIN_VALUE, Long.MAX_VALUE, 2)).containsExactly(0L);
	}

	@Test
	void predicatesLeaveTheOuterSlicesOpenAndTheNullsApart() {
		List<TableSlice> slices = List.of(new TableSlice(1, 1, 3, TableSlice.Kind.KEY, "\"id\"", null, 50L, false),
				new TableSlice(1, 2, 3, TableSlice.Kind.KEY, "\"id\"", 50L, null, false),
				new TableSlice(1, 3, 3, TableSlice.Kind.KEY, "\"id\"", null, null, true));
		assertThat(slices).extracting(TableSlice::predicate)
			.containsExactly("\"id\" < 50", "\"id\" >= 50", "\"id\" IS NULL");
		TableSlice pages = new TableSlice(2, 2, 3, TableSlice.Kind.CTID, null, 100L, 200L, false);
		assertThat(pages.predicate())
			.isEqualTo("ctid >= '(100,0)'::pg_catalog.tid AND ctid < '(200,0)'::pg_catalog.tid");
		assertThat(pages.describe()).isEqualTo("pages from 100 to before 200");
		assertThat(pages.label()).isEqualTo("2/3");
	}

	@Test
	void partsFollowTheThresholdUpToTheMaximum() {
		TableSlicer.Options options = new TableSlicer.Options(100, 4, true);
		assertThat(options.parts(100)).isEqualTo(1);
		assertThat(options.parts(101)).isEqualTo(2);
		assertThat(options.parts(10_000)).isEqualTo(4);
		assertThat(TableSlicer.Options.NONE.parts(Long.MAX_VALUE)).isEqualTo(1);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TableSlice(1, 1, 2, TableSlice.Kind.CTID, null, null, null, true));
	}

}

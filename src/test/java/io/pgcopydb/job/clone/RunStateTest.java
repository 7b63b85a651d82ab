package io.pgcopydb.job.clone;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which commands read the source, and so take or adopt a snapshot: only those with a
 * source-reading stage still to do, or a catalog still to read.
 */
class RunStateTest {

	private final RunState state = new RunState();

	@Test
	void aNewRunReadsTheSourceWhateverTheCommandForItsCatalog() {
		this.state.set(Set.of(), Set.of());
		assertThat(this.state.readsSource(request(EnumSet.of(Stage.RESTORE_POST_DATA)))).isTrue();
	}

	@Test
	void restoreAndIndexStepsOfAStartedRunDoNotReadTheSource() {
		this.state.set(Set.of(CloneSteps.CATALOG, CloneSteps.DUMP_SCHEMA),
				Set.of(CloneSteps.CATALOG, CloneSteps.DUMP_SCHEMA));
		assertThat(this.state.readsSource(request(EnumSet.of(Stage.RESTORE_PRE_DATA)))).isFalse();
		assertThat(this.state.readsSource(request(EnumSet.of(Stage.INDEXES)))).isFalse();
		assertThat(this.state.readsSource(request(EnumSet.of(Stage.RESTORE_PRE_DATA, Stage.RESTORE_POST_DATA))))
			.isFalse();
	}

	@Test
	void dataStepsReadTheSourceUntilTheirStagesCompleted() {
		Set<String> done = Set.of(CloneSteps.CATALOG, CloneSteps.DUMP_SCHEMA, CloneSteps.RESTORE_PRE_DATA);
		this.state.set(done, done);
		assertThat(this.state.readsSource(request(Stage.DATA))).isTrue();
		Set<String> copied = Set.of(CloneSteps.CATALOG, CloneSteps.COPY_DATA, CloneSteps.SEQUENCES,
				CloneSteps.LARGE_OBJECTS);
		this.state.set(copied, copied);
		assertThat(this.state.readsSource(request(Stage.DATA))).as("only target-side stages are left").isFalse();
	}

	@Test
	void aNewSnapshotIsRefusedOnlyForASourceReadingStageBegunAndNotCompleted() {
		Set<String> attempted = Set.of(CloneSteps.CATALOG, CloneSteps.COPY_DATA, CloneSteps.BUILD_INDEXES);
		this.state.set(attempted, Set.of(CloneSteps.CATALOG));
		assertThat(this.state.resumesSourceReads(request(Stage.DATA))).as("copy data killed midway").isTrue();
		assertThat(this.state.resumesSourceReads(request(EnumSet.of(Stage.SEQUENCES))))
			.as("sequences never began: a new snapshot is consistent by itself")
			.isFalse();
		assertThat(this.state.resumesSourceReads(request(EnumSet.of(Stage.INDEXES)))).isFalse();
		this.state.set(attempted, attempted);
		assertThat(this.state.resumesSourceReads(request(Stage.DATA))).isFalse();
	}

	@Test
	void stagesAreDescribedByTheCommandsUsersType() {
		assertThat(Stage.describe(EnumSet.of(Stage.RESTORE_POST_DATA, Stage.DUMP_SCHEMA)))
			.isEqualTo("dump schema, restore post-data");
		assertThat(Stage.describe(EnumSet.of(Stage.RESTORE_POST_DATA, Stage.DATABASE_PROPERTIES)))
			.isEqualTo("restore post-data");
		assertThat(Stage.ALL).hasSize(9).containsAll(Stage.DATA);
	}

	private static CloneRequest request(Set<Stage> stages) {
		return new CloneRequest(null, null, null, 1, 1, 1, 1, false, false, false, false, false, false, null, null,
				null, null, CloneRequest.Mode.FRESH, false, "test", stages, CloneRequest.ObjectOptions.DEFAULT,
				io.pgcopydb.filter.Filters.NONE, io.pgcopydb.copy.TableSlicer.Options.NONE, false);
	}

}

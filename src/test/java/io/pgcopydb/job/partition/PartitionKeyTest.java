package io.pgcopydb.job.partition;

import org.junit.jupiter.api.Test;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The step-name grammar of partitions: names recorded by earlier runs read back the same,
 * new kinds (slices, bundles) round-trip, and a name from an unknown version is refused
 * with the remedy.
 */
class PartitionKeyTest {

	@Test
	void namesRecordedByEarlierRunsStillParseAsWholeObjects() {
		for (String recorded : new String[] { "copyTable:16384", "buildIndex:16390", "vacuumTable:16384" }) {
			PartitionKey key = PartitionKey.parse(recorded);
			assertThat(key.stepName()).isEqualTo(recorded);
			assertThat(key.slice()).isZero();
			assertThat(key.bundle()).isZero();
		}
		assertThat(PartitionKey.parse("copyTable:16384").objectOid()).isEqualTo(16384);
		assertThat(PartitionKey.parse("buildIndex:16390").worker()).isEqualTo("buildIndex");
	}

	@Test
	void slicesAndBundlesRoundTripThroughTheirStepNames() {
		PartitionKey slice = PartitionKey.slice("copyTable", 16384, 2, 3);
		assertThat(slice.stepName()).isEqualTo("copyTable:16384.g2.s3");
		assertThat(PartitionKey.parse(slice.stepName())).isEqualTo(slice);
		assertThat(slice.objectOid()).isEqualTo(16384);

		PartitionKey bundle = PartitionKey.bundle("copyTable", 7);
		assertThat(bundle.stepName()).isEqualTo("copyTable:b7");
		assertThat(PartitionKey.parse("copyTable:b7")).isEqualTo(bundle);
		assertThatThrownBy(bundle::objectOid).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aSliceOfAnotherGenerationIsAnotherPartition() {
		assertThat(PartitionKey.slice("copyTable", 16384, 1, 3).stepName())
			.isNotEqualTo(PartitionKey.slice("copyTable", 16384, 2, 3).stepName());
	}

	@Test
	void theLongestNameFitsSpringBatchesStepNameColumn() {
		PartitionKey longest = PartitionKey.slice("w".repeat(40), 4_294_967_295L, Integer.MAX_VALUE, Integer.MAX_VALUE);
		assertThat(longest.stepName()).hasSizeLessThanOrEqualTo(PartitionKey.MAX_NAME_LENGTH);
		assertThatThrownBy(() -> PartitionKey.object("w".repeat(41), 1)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void theUnitIsWhatAPartitionerKeysItsContextBy() {
		assertThat(PartitionKey.object("copyTable", 42).unit()).isEqualTo("42");
		assertThat(PartitionKey.isPartition("copyTable:42")).isTrue();
		assertThat(PartitionKey.isPartition("copyData")).isFalse();
		assertThat(PartitionKey.workerOf("copyTable:42")).isEqualTo("copyTable");
		assertThat(PartitionKey.workerOf("copyData")).isEqualTo("copyData");
	}

	@Test
	void aNameThisVersionDoesNotWriteIsRefusedWithTheRemedy() {
		for (String foreign : new String[] { "copyTable:public.big", "copyTable:16384#3", "copyTable:", "copyTable",
				"copyTable:0", "copyTable:b0", "copyTable:16384.s3" }) {
			assertThatThrownBy(() -> PartitionKey.parse(foreign)).as(foreign)
				.satisfies((failure) -> assertThat(ExitCodes.of(failure)).isEqualTo(ExitCode.BAD_STATE))
				.hasMessageContaining(foreign)
				.hasMessageContaining("--restart");
		}
	}

	@Test
	void inconsistentKeysCannotBeBuilt() {
		assertThatThrownBy(() -> new PartitionKey("copyTable", 1, 1, 0, 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new PartitionKey("copyTable", 1, 0, 1, 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new PartitionKey("copyTable", 0, 0, 0, 0))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

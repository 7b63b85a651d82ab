package io.pgcopydb.progress;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The percentage and ETA shown while a copy runs, including before anything is known. */
class ProgressSnapshotTest {

	@Test
	void emptyPlanIsDoneAndHasNoEta() {
		ProgressSnapshot now = snapshot(0, 0, 0, 0, Duration.ofSeconds(5));
		assertThat(now.percent()).isEqualTo(100);
		assertThat(now.etaSeconds()).isEqualTo(-1);
	}

	@Test
	void tablesWithoutBytesAreCountedByTables() {
		ProgressSnapshot now = snapshot(4, 1, 0, 0, Duration.ofSeconds(5));
		assertThat(now.percent()).isEqualTo(25);
		assertThat(now.etaSeconds()).isEqualTo(-1);
	}

	@Test
	void percentFollowsBytesWhenTheirTotalIsKnown() {
		assertThat(snapshot(4, 0, 1024, 512, Duration.ofSeconds(5)).percent()).isEqualTo(50);
		assertThat(snapshot(4, 3, 1000, 999, Duration.ofSeconds(5)).percent()).isEqualTo(99);
		assertThat(snapshot(4, 4, 1000, 1000, Duration.ofSeconds(5)).percent()).isEqualTo(100);
	}

	@Test
	void percentOfHugeTotalsDoesNotOverflow() {
		long total = 40L << 40;
		assertThat(snapshot(2, 1, total, total / 2, Duration.ofSeconds(5)).percent()).isEqualTo(50);
	}

	@Test
	void etaIsUnknownUntilSomethingIsCopied() {
		assertThat(snapshot(4, 0, 1000, 0, Duration.ofSeconds(30)).etaSeconds()).isEqualTo(-1);
	}

	@Test
	void etaIsUnknownBeforeAnyTimeHasPassed() {
		assertThat(snapshot(4, 0, 1000, 10, Duration.ZERO).etaSeconds()).isEqualTo(-1);
	}

	@Test
	void etaExtrapolatesTheAverageSpeedSoFar() {
		assertThat(snapshot(4, 1, 100, 25, Duration.ofSeconds(10)).etaSeconds()).isEqualTo(30);
	}

	@Test
	void etaIsZeroWhenEverythingIsCopied() {
		assertThat(snapshot(4, 4, 100, 100, Duration.ofSeconds(10)).etaSeconds()).isZero();
	}

	private static ProgressSnapshot snapshot(int tablesTotal, int tablesDone, long bytesTotal, long bytesDone,
			Duration elapsed) {
		return new ProgressSnapshot(tablesTotal, tablesDone, List.of(), bytesTotal, bytesDone, bytesDone, 0, 0, 0,
				elapsed);
	}

}

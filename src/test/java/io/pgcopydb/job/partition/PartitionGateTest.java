package io.pgcopydb.job.partition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate's decisions, without Spring and without a repository: an index build starts
 * once its table is copied, waits while the copy may still complete, fails when it never
 * will in this execution, and nothing starts after a stop.
 */
class PartitionGateTest {

	private static final PartitionKey COPY = PartitionKey.object("copyTable", 16384);

	private static final PartitionSpec INDEX = new PartitionSpec(PartitionKey.object("buildIndex", 16390), 0,
			List.of(COPY));

	private final PartitionGate gate = new PartitionGate(List.of("copyData"));

	private final Statuses status = new Statuses();

	@Test
	void withoutDependenciesItStartsAtOnce() {
		PartitionSpec copy = new PartitionSpec(COPY, 0, List.of());
		assertThat(this.gate.decide(copy, this.status, null)).isInstanceOf(PartitionGate.Start.class);
	}

	@Test
	void itWaitsWhileTheDependencyRunsAndStartsOnceItCompleted() {
		this.status.current("copyData", BatchStatus.STARTED);
		this.status.current(COPY.stepName(), BatchStatus.STARTED);
		assertThat(this.gate.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Wait.class);

		this.status.current(COPY.stepName(), BatchStatus.COMPLETED);
		assertThat(this.gate.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Start.class);
	}

	@Test
	void aDependencyCompletedByAnEarlierExecutionCounts() {
		this.status.completedEarlier(COPY.stepName());
		assertThat(this.gate.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Start.class);
	}

	@Test
	void aDependencyThatCompletesJustBeforeItsStepEndsStillStartsIt() {
		// the copy completes, then copyData ends, between the gate's two readings
		StatusView racing = new StatusView() {

			private boolean ended;

			@Override
			public boolean isCompleted(String stepName) {
				return this.ended;
			}

			@Override
			public boolean hasFailed(String stepName) {
				return false;
			}

			@Override
			public boolean hasEnded(String stepName) {
				this.ended = true;
				return true;
			}

		};
		assertThat(this.gate.decide(INDEX, racing, null)).isInstanceOf(PartitionGate.Start.class);
	}

	@Test
	void aFailedDependencyFailsItWithTheReason() {
		this.status.current("copyData", BatchStatus.STARTED);
		this.status.current(COPY.stepName(), BatchStatus.FAILED);

		PartitionGate.Decision decision = this.gate.decide(INDEX, this.status, null);

		assertThat(decision).isEqualTo(new PartitionGate.Fail("not started: " + COPY.stepName() + " did not complete"));
	}

	@Test
	void whenTheUpstreamStepEndedWithoutCompletingTheDependencyItFails() {
		this.status.current("copyData", BatchStatus.FAILED);
		assertThat(this.gate.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Fail.class);
	}

	@Test
	void whileTheUpstreamStepHasNotStartedItWaits() {
		assertThat(this.gate.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Wait.class);
	}

	@Test
	void withNoUpstreamStepRunningADependencyThatNeverCompletedFails() {
		PartitionGate alone = new PartitionGate(List.of());
		assertThat(alone.decide(INDEX, this.status, null)).isInstanceOf(PartitionGate.Fail.class);
	}

	@Test
	void aDependencyOnAPartitionOfTheSameStepWaitsForItWhateverTheUpstreamSteps() {
		PartitionKey first = PartitionKey.object("copyTable", 1);
		PartitionSpec second = new PartitionSpec(PartitionKey.object("copyTable", 2), 1, List.of(first));
		PartitionGate noUpstream = new PartitionGate(List.of());

		assertThat(noUpstream.decide(second, this.status, null)).isInstanceOf(PartitionGate.Wait.class);
		this.status.current(first.stepName(), BatchStatus.COMPLETED);
		assertThat(noUpstream.decide(second, this.status, null)).isInstanceOf(PartitionGate.Start.class);
	}

	@Test
	void aFailedPartitionOfTheSameStepFailsThoseWaitingOnIt() {
		PartitionKey first = PartitionKey.object("copyTable", 1);
		PartitionSpec second = new PartitionSpec(PartitionKey.object("copyTable", 2), 1, List.of(first));
		this.status.current(first.stepName(), BatchStatus.FAILED);
		assertThat(new PartitionGate(List.of()).decide(second, this.status, null))
			.isInstanceOf(PartitionGate.Fail.class);
	}

	@Test
	void afterAStopNothingStartsEvenWhenReady() {
		this.status.completedEarlier(COPY.stepName());
		assertThat(this.gate.decide(INDEX, this.status, "SIGTERM"))
			.isEqualTo(new PartitionGate.Stop("not started: SIGTERM"));
	}

	/** The repository's view of the statuses, in sets and maps a test fills. */
	static final class Statuses implements StatusView {

		private final StepStatusBoard.Snapshot recorded = new StepStatusBoard.Snapshot(new HashSet<>(), new HashSet<>(),
				new HashMap<>());

		void current(String step, BatchStatus status) {
			this.recorded.current().put(step, status);
			if (status == BatchStatus.COMPLETED) {
				this.recorded.completed().add(step);
			}
		}

		void completedEarlier(String step) {
			this.recorded.completed().add(step);
		}

		@Override
		public boolean isCompleted(String stepName) {
			return this.recorded.isCompleted(stepName);
		}

		@Override
		public boolean hasFailed(String stepName) {
			return this.recorded.hasFailed(stepName);
		}

		@Override
		public boolean hasEnded(String stepName) {
			return this.recorded.hasEnded(stepName);
		}

	}

}

package io.pgcopydb.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stall decision as a pure function of samples: progress of either kind, or a backend
 * working on its own, keeps a session healthy; a backend waiting on the network peer, a
 * COPY FROM whose row counter stands still, or a server that does not answer, with the
 * worker's counter standing still, is a stall.
 */
class SessionHealthTest {

	private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

	@Test
	void aFrozenCopyTargetWaitingOnTheClientStallsFromItsLastProgress() {
		SessionHealth health = SessionHealth.first(sample(0, 100, "active", "Client", "ClientRead", "5/10", true));
		health = health.next(sample(5, 200, "active", "Client", "ClientRead", "6/12", true));
		health = health.next(sample(10, 200, "active", "Client", "ClientRead", "6/12", true));
		health = health.next(sample(70, 200, "active", "Client", "ClientRead", "6/12", true));

		assertThat(health.stalledFor()).isEqualTo(Duration.ofSeconds(65));
		assertThat(health.last().describe()).isEqualTo("state active, wait Client/ClientRead");
	}

	@Test
	void aCopyFromOnCpuWhoseRowCounterStandsStillIsStalled() {
		SessionHealth health = SessionHealth.first(sample(0, 100, "active", null, null, "6/12", true));
		health = health.next(sample(60, 100, "active", null, null, "6/12", true));

		assertThat(health.stalledFor()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void aLongIndexBuildThatSendsNothingIsHealthyWhileItsCountersMoveOrItWorksOnCpu() {
		SessionHealth health = SessionHealth
			.first(sample(0, 0, "active", null, null, "building index: scanning table/10/0", false));
		health = health.next(sample(60, 0, "active", null, null, "building index: scanning table/900/0", false));
		health = health.next(sample(120, 0, "active", null, null, "building index: sorting/900/0", false));
		health = health.next(sample(600, 0, "active", null, null, "building index: sorting/900/0", false));
		health = health.next(sample(900, 0, "active", "IO", "DataFileRead", "building index: sorting/900/0", false));

		assertThat(health.stalledFor()).isZero();
	}

	@Test
	void theWorkersOwnCounterMovingIsProgressWhateverTheServerSays() {
		SessionHealth health = SessionHealth.first(sample(0, 0, "active", "Client", "ClientWrite", "", false));
		health = health.next(sample(60, 64, "active", "Client", "ClientWrite", "", false));

		assertThat(health.stalledFor()).isZero();
	}

	@Test
	void anIdleSessionWaitsForThisClientAndIsNoStall() {
		SessionHealth health = SessionHealth.first(sample(0, 0, "idle in transaction", null, null, "", false));
		health = health.next(sample(600, 0, "idle in transaction", null, null, "", false));

		assertThat(health.stalledFor()).isZero();
	}

	@Test
	void aServerThatDoesNotAnswerWhileTheWorkerWaitsIsAStall() {
		SessionHealth health = SessionHealth.first(sample(0, 10, "active", null, null, "", false));
		health = health.next(SessionSample.unreachable(T0.plusSeconds(30), 10));
		health = health.next(SessionSample.unreachable(T0.plusSeconds(90), 10));

		assertThat(health.stalledFor()).isEqualTo(Duration.ofSeconds(90));
		assertThat(health.last().describe()).isEqualTo("the server does not answer for it");
	}

	@Test
	void aLockWaitIsMeasuredAndReportedButIsNoStall() {
		SessionHealth health = SessionHealth.first(sample(0, 0, "active", null, null, "", false));
		health = health.next(sample(5, 0, "active", "Lock", "relation", "", false));
		health = health.next(sample(40, 0, "active", "Lock", "relation", "", false));

		assertThat(health.lockWait()).isEqualTo(Duration.ofSeconds(35));
		assertThat(health.stalledFor()).isZero();
		assertThat(health.last().blockers()).containsExactly(4242);

		health = health.next(sample(45, 0, "active", null, null, "", false));
		assertThat(health.lockWait()).isZero();
	}

	private static SessionSample sample(long second, long client, String state, String waitType, String waitEvent,
			String serverProgress, boolean countsEveryRow) {
		return new SessionSample(T0.plusSeconds(second), client, true, state, waitType, waitEvent, serverProgress,
				countsEveryRow, "Lock".equals(waitType) ? List.of(4242) : List.of());
	}

}

package io.pgcopydb.cdc.apply;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionPipelineTest {

	@Test
	void workRunsInOrderOnAThreadOfItsOwnAndSyncWaitsForAllOfIt() throws Exception {
		List<Integer> ran = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		try (SessionPipeline pipeline = new SessionPipeline()) {
			for (int i = 0; i < 50; i++) {
				int n = i;
				pipeline.submit(() -> {
					ran.add(n);
					threads.add(Thread.currentThread().getName());
				});
			}
			pipeline.sync();
			assertThat(pipeline.idle()).isTrue();
		}
		assertThat(ran).hasSize(50).isSorted();
		assertThat(threads).containsOnly("apply-sql");
	}

	@Test
	void submitBlocksWhileTheQueueIsFull() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger submitted = new AtomicInteger();
		try (SessionPipeline pipeline = new SessionPipeline()) {
			Thread submitter = new Thread(() -> {
				try {
					for (int i = 0; i < SessionPipeline.DEPTH + 1; i++) {
						pipeline.submit(() -> {
							try {
								release.await();
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						});
						submitted.incrementAndGet();
					}
				}
				catch (SQLException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			submitter.start();
			Thread.sleep(300);
			assertThat(submitted.get()).isEqualTo(SessionPipeline.DEPTH);
			release.countDown();
			submitter.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(submitted.get()).isEqualTo(SessionPipeline.DEPTH + 1);
			pipeline.sync();
		}
	}

	@Test
	void theFirstFailureSkipsTheWorkAfterItAndIsThrownAsItWas() throws Exception {
		List<Integer> ran = new CopyOnWriteArrayList<>();
		try (SessionPipeline pipeline = new SessionPipeline()) {
			pipeline.submit(() -> ran.add(1));
			pipeline.submit(() -> {
				throw new SQLException("duplicate key value", "23505");
			});
			assertThatThrownBy(() -> {
				pipeline.submit(() -> ran.add(3));
				pipeline.sync();
			}).isInstanceOf(SQLException.class).hasMessage("duplicate key value");
			// abandoning forgets the failure: a new session goes on
			pipeline.abandon(() -> ran.add(-1));
			pipeline.submit(() -> ran.add(4));
			pipeline.sync();
		}
		assertThat(ran).containsExactly(1, -1, 4);
	}

	@Test
	void aRuntimeFailureKeepsItsType() throws Exception {
		try (SessionPipeline pipeline = new SessionPipeline()) {
			pipeline.submit(() -> {
				throw new IllegalArgumentException("bad row");
			});
			assertThatThrownBy(pipeline::sync).isInstanceOf(IllegalArgumentException.class).hasMessage("bad row");
		}
	}

}

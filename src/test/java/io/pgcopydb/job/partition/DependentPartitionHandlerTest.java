package io.pgcopydb.job.partition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import io.pgcopydb.signal.StopSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handler drives the gate with live statuses: a partition starts when what it waits
 * on completes (in another step, told by a status change), is recorded FAILED when that
 * fails, and STOPPED after a stop; and a context an interrupted run left empty is
 * rebuilt.
 */
class DependentPartitionHandlerTest {

	private final JobExecution job = new JobExecution(2L, new JobInstance(1L, "clone"), new JobParameters());

	private final StepExecution indexes = new StepExecution(10L, "buildIndexes", this.job);

	private final LiveStatus status = new LiveStatus(
			(instance, execution) -> new StepStatusBoard.Snapshot(Set.of(), Set.of(), Map.of()));

	private final StopSignal stop = new StopSignal();

	private final Map<String, Long> ran = new ConcurrentHashMap<>();

	@Test
	void partitionsRecordedWithoutContextGetItBackFromThePartitioner() throws Exception {
		StepExecution emptied = new StepExecution(11L, "buildIndex:101", this.job);
		StepExecution intact = new StepExecution(12L, "buildIndex:102", this.job);
		intact.setExecutionContext(context(102, 1, List.of()));
		Partitioner partitioner = (grid) -> Map.of("101", context(101, 0, List.of()), "102",
				context(102, 1, List.of()));

		handler(partitioner, List.of()).handle(splitter(emptied, intact), this.indexes);

		assertThat(this.ran).isEqualTo(Map.of("buildIndex:101", 101L, "buildIndex:102", 102L));
		assertThat(emptied.getExecutionContext().getLong(PartitionSpec.ORDER)).isZero();
	}

	@Test
	void aPartitionStartsOnceItsDependencyInAnotherStepCompletes() throws Exception {
		StepExecution index = partition(11L, "buildIndex:101", List.of(PartitionKey.object("copyTable", 1)));
		running("copyData");
		StepExecution copied = running("copyTable:1");

		CompletableFuture<Collection<StepExecution>> handled = handleInBackground(List.of("copyData"), index);
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(this.ran::isEmpty);

		copied.setStatus(BatchStatus.COMPLETED);
		this.status.record(copied);

		assertThat(handled.get(10, TimeUnit.SECONDS)).singleElement()
			.satisfies((partition) -> assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED));
		assertThat(this.ran).containsOnlyKeys("buildIndex:101");
	}

	@Test
	void aPartitionWhoseDependencyFailedIsRecordedFailedAndNotRun() throws Exception {
		StepExecution index = partition(11L, "buildIndex:101", List.of(PartitionKey.object("copyTable", 1)));
		running("copyData");
		StepExecution copied = running("copyTable:1");

		CompletableFuture<Collection<StepExecution>> handled = handleInBackground(List.of("copyData"), index);
		copied.setStatus(BatchStatus.FAILED);
		this.status.record(copied);

		assertThat(handled.get(10, TimeUnit.SECONDS)).singleElement().satisfies((partition) -> {
			assertThat(partition.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(partition.getExitStatus().getExitDescription()).contains("copyTable:1 did not complete");
		});
		assertThat(this.ran).isEmpty();
		assertThat(this.status.hasFailed("buildIndex:101")).as("others waiting on it learn it failed").isTrue();
	}

	@Test
	void whenTheUpstreamStepEndsWithoutTheDependencyTheWaitingPartitionFails() throws Exception {
		StepExecution index = partition(11L, "buildIndex:101", List.of(PartitionKey.object("copyTable", 1)));
		StepExecution copyData = running("copyData");

		CompletableFuture<Collection<StepExecution>> handled = handleInBackground(List.of("copyData"), index);
		copyData.setStatus(BatchStatus.FAILED);
		this.status.record(copyData);

		assertThat(handled.get(10, TimeUnit.SECONDS)).singleElement()
			.satisfies((partition) -> assertThat(partition.getStatus()).isEqualTo(BatchStatus.FAILED));
		assertThat(this.ran).isEmpty();
	}

	@Test
	void afterAStopWaitingPartitionsAreRecordedStoppedAndNothingStarts() throws Exception {
		StepExecution index = partition(11L, "buildIndex:101", List.of(PartitionKey.object("copyTable", 1)));
		running("copyData");

		CompletableFuture<Collection<StepExecution>> handled = handleInBackground(List.of("copyData"), index);
		this.stop.request("SIGTERM");

		assertThat(handled.get(10, TimeUnit.SECONDS)).singleElement().satisfies((partition) -> {
			assertThat(partition.getStatus()).isEqualTo(BatchStatus.STOPPED);
			assertThat(partition.getExitStatus().getExitDescription()).contains("not started: SIGTERM");
		});
		assertThat(this.ran).isEmpty();
	}

	@Test
	void partitionsThatWaitOnEachOtherAreRecordedFailedInsteadOfWaitingForever() throws Exception {
		StepExecution first = partition(11L, "buildIndex:101", List.of(PartitionKey.object("buildIndex", 102)));
		StepExecution second = partition(12L, "buildIndex:102", List.of(PartitionKey.object("buildIndex", 101)));
		StepExecution free = partition(13L, "buildIndex:103", List.of());

		Collection<StepExecution> handled = handleInBackground(List.of(), first, second, free).get(10,
				TimeUnit.SECONDS);

		assertThat(handled).extracting((partition) -> partition.getStepName() + " " + partition.getStatus())
			.containsExactlyInAnyOrder("buildIndex:101 FAILED", "buildIndex:102 FAILED", "buildIndex:103 COMPLETED");
		assertThat(this.ran).containsOnlyKeys("buildIndex:103");
	}

	/**
	 * The handler loops while its partitions wait; a dependency completing while it
	 * checks for a cycle must not make them look like one. Each round races one
	 * completion against a handler that re-checks as fast as it can.
	 */
	@Test
	void aDependencyCompletingWhileTheHandlerChecksForACycleStartsThePartitions() throws Exception {
		for (int round = 0; round < 100; round++) {
			JobExecution execution = new JobExecution(100L + round, new JobInstance(1L, "clone"), new JobParameters());
			StepExecution manager = new StepExecution(10L, "buildIndexes", execution);
			StepExecution copyData = new StepExecution(20L, "copyData", execution);
			copyData.setStatus(BatchStatus.STARTED);
			this.status.record(copyData);
			StepExecution copied = new StepExecution(21L, "copyTable:1", execution);
			copied.setStatus(BatchStatus.STARTED);
			this.status.record(copied);
			StepExecution index = new StepExecution(11L, "buildIndex:101", execution);
			index.setExecutionContext(context(101, 0, List.of(PartitionKey.object("copyTable", 1))));
			DependentPartitionHandler handler = handler((grid) -> Map.of(), List.of("copyData"), Duration.ZERO);
			CompletableFuture<Collection<StepExecution>> handled = CompletableFuture.supplyAsync(() -> {
				try {
					return handler.handle(splitter(index), manager);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
			copied.setStatus(BatchStatus.COMPLETED);
			this.status.record(copied);

			int attempt = round;
			assertThat(handled.get(10, TimeUnit.SECONDS)).singleElement()
				.satisfies((partition) -> assertThat(partition.getStatus())
					.as("round %d: %s", attempt, partition.getExitStatus().getExitDescription())
					.isEqualTo(BatchStatus.COMPLETED));
		}
	}

	/**
	 * With one thread, partitions ready at the same time run in start order, and one
	 * released while the thread is busy goes before those ready earlier that come after
	 * it in that order: the dispatcher's queue is the handler's, not the executor's FIFO.
	 */
	@Test
	void aFreeThreadTakesTheFirstReadyPartitionInStartOrder() throws Exception {
		StepExecution first = partition(11L, "buildIndex:101", 0, List.of());
		StepExecution slowIndexOfALateTable = partition(12L, "buildIndex:102", 1,
				List.of(PartitionKey.object("copyTable", 1)));
		StepExecution quick = partition(13L, "buildIndex:103", 3, List.of());
		StepExecution quicker = partition(14L, "buildIndex:104", 4, List.of());
		running("copyData");
		StepExecution copied = running("copyTable:1");
		CountDownLatch firstStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> order = new CopyOnWriteArrayList<>();
		Step worker = worker((partition) -> {
			order.add(partition.getStepName());
			if (partition == first) {
				firstStarted.countDown();
				release.await();
			}
		});
		DependentPartitionHandler handler = new DependentPartitionHandler((grid) -> Map.of(),
				new LocalDispatcher(worker, new SimpleAsyncTaskExecutor("test-partition-"), 1),
				new ResourcelessJobRepository(), this.status, new PartitionGate(List.of("copyData")),
				Duration.ofMillis(50), this.stop);
		CompletableFuture<Collection<StepExecution>> handled = CompletableFuture.supplyAsync(() -> {
			try {
				return handler.handle(splitter(quicker, quick, slowIndexOfALateTable, first), this.indexes);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		copied.setStatus(BatchStatus.COMPLETED);
		this.status.record(copied);
		Thread.sleep(300); // the handler wakes on the record: 102 is ready too by then
		assertThat(order).as("one thread: nothing else started").containsExactly("buildIndex:101");
		release.countDown();

		assertThat(handled.get(10, TimeUnit.SECONDS)).hasSize(4)
			.allSatisfy((partition) -> assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED));
		assertThat(order).containsExactly("buildIndex:101", "buildIndex:102", "buildIndex:103", "buildIndex:104");
	}

	/**
	 * A partition ready but waiting for a thread when a stop comes is not started: it is
	 * recorded STOPPED, so a restart runs it; the running one ends as it does.
	 */
	@Test
	void aReadyPartitionWaitingForAThreadIsRecordedStoppedAfterAStop() throws Exception {
		StepExecution first = partition(11L, "buildIndex:101", 0, List.of());
		StepExecution second = partition(12L, "buildIndex:102", 1, List.of());
		CountDownLatch firstStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Step worker = worker((partition) -> {
			firstStarted.countDown();
			release.await();
		});
		DependentPartitionHandler handler = new DependentPartitionHandler((grid) -> Map.of(),
				new LocalDispatcher(worker, new SimpleAsyncTaskExecutor("test-partition-"), 1),
				new ResourcelessJobRepository(), this.status, new PartitionGate(List.of()), Duration.ofMillis(50),
				this.stop);
		CompletableFuture<Collection<StepExecution>> handled = CompletableFuture.supplyAsync(() -> {
			try {
				return handler.handle(splitter(second, first), this.indexes);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		this.stop.request("SIGTERM");
		Thread.sleep(200); // the handler notices the stop within its check interval
		release.countDown();

		assertThat(handled.get(10, TimeUnit.SECONDS))
			.extracting((partition) -> partition.getStepName() + " " + partition.getStatus())
			.containsExactlyInAnyOrder("buildIndex:101 COMPLETED", "buildIndex:102 STOPPED");
		assertThat(second.getExitStatus().getExitDescription()).contains("not started: SIGTERM");
		assertThat(this.ran).containsOnlyKeys("buildIndex:101");
	}

	private CompletableFuture<Collection<StepExecution>> handleInBackground(List<String> upstream,
			StepExecution... partitions) {
		DependentPartitionHandler handler = handler((grid) -> Map.of(), upstream);
		return CompletableFuture.supplyAsync(() -> {
			try {
				return handler.handle(splitter(partitions), this.indexes);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private DependentPartitionHandler handler(Partitioner partitioner, List<String> upstream) {
		return handler(partitioner, upstream, Duration.ofMillis(50));
	}

	private DependentPartitionHandler handler(Partitioner partitioner, List<String> upstream,
			Duration stopCheckInterval) {
		Step worker = worker((partition) -> {
		});
		return new DependentPartitionHandler(partitioner,
				new LocalDispatcher(worker, new SimpleAsyncTaskExecutor("test-partition-"), Integer.MAX_VALUE),
				new ResourcelessJobRepository(), this.status, new PartitionGate(upstream), stopCheckInterval,
				this.stop);
	}

	/** A worker step that records what ran, after {@code body}, and completes it. */
	private Step worker(PartitionBody body) {
		return new Step() {
			@Override
			public String getName() {
				return "buildIndex";
			}

			@Override
			public void execute(StepExecution partition) {
				try {
					body.run(partition);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				DependentPartitionHandlerTest.this.ran.put(partition.getStepName(),
						PartitionKey.parse(partition.getStepName()).objectOid());
				partition.setStatus(BatchStatus.COMPLETED);
			}
		};
	}

	@FunctionalInterface
	private interface PartitionBody {

		void run(StepExecution partition) throws InterruptedException;

	}

	/** A step of the same job execution, running: recorded in the live status. */
	private StepExecution running(String name) {
		StepExecution step = new StepExecution(100L + name.length(), name, this.job);
		step.setStatus(BatchStatus.STARTED);
		this.status.record(step);
		return step;
	}

	private StepExecution partition(long id, String name, List<PartitionKey> dependsOn) {
		return partition(id, name, 0, dependsOn);
	}

	private StepExecution partition(long id, String name, long order, List<PartitionKey> dependsOn) {
		StepExecution partition = new StepExecution(id, name, this.job);
		partition.setExecutionContext(context(PartitionKey.parse(name).objectOid(), order, dependsOn));
		return partition;
	}

	private static ExecutionContext context(long oid, long order, List<PartitionKey> dependsOn) {
		return PartitionSpec
			.contexts(List.of(new PartitionSpec(PartitionKey.object("buildIndex", oid), order, dependsOn)))
			.get(Long.toString(oid));
	}

	private static StepExecutionSplitter splitter(StepExecution... partitions) {
		return new StepExecutionSplitter() {
			@Override
			public String getStepName() {
				return "buildIndex";
			}

			@Override
			public Set<StepExecution> split(StepExecution stepExecution, int gridSize) {
				return Set.of(partitions);
			}
		};
	}

}

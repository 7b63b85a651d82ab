package io.pgcopydb.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed while Spring Batch was recording its partitions leaves some with an empty
 * context, and a restart carries that context over: the handler rebuilds it from the
 * partitioner, so each partition still knows its table or index.
 */
class DependentPartitionHandlerTest {

	@Test
	void partitionsRecordedWithoutContextGetItBackFromThePartitioner() throws Exception {
		JobExecution job = new JobExecution(2L, new JobInstance(1L, "clone"), new JobParameters());
		StepExecution manager = new StepExecution(10L, "buildIndexes", job);
		StepExecution emptied = new StepExecution(11L, "buildIndex:101", job);
		StepExecution intact = new StepExecution(12L, "buildIndex:102", job);
		intact.getExecutionContext().putLong("oid", 102);
		intact.getExecutionContext().putLong(DependentPartitionHandler.ORDER, 1);
		Partitioner partitioner = (grid) -> Map.of("101", context(101, 0), "102", context(102, 1));
		Map<String, Long> seen = new ConcurrentHashMap<>();
		Step worker = new Step() {
			@Override
			public String getName() {
				return "buildIndex";
			}

			@Override
			public void execute(StepExecution partition) {
				seen.put(partition.getStepName(), partition.getExecutionContext().getLong("oid"));
				partition.setStatus(BatchStatus.COMPLETED);
			}
		};
		StepExecutionSplitter splitter = new StepExecutionSplitter() {
			@Override
			public String getStepName() {
				return "buildIndex";
			}

			@Override
			public Set<StepExecution> split(StepExecution stepExecution, int gridSize) {
				return Set.of(emptied, intact);
			}
		};
		DependentPartitionHandler handler = new DependentPartitionHandler(worker, partitioner,
				new SimpleAsyncTaskExecutor(), new ResourcelessJobRepository(), null, List.of(), Duration.ofMillis(10),
				new StopSignal());

		handler.handle(splitter, manager);

		assertThat(seen).isEqualTo(new HashMap<>(Map.of("buildIndex:101", 101L, "buildIndex:102", 102L)));
		assertThat(emptied.getExecutionContext().getLong(DependentPartitionHandler.ORDER)).isZero();
	}

	private static ExecutionContext context(long oid, long order) {
		ExecutionContext context = new ExecutionContext();
		context.putLong("oid", oid);
		context.putLong(DependentPartitionHandler.ORDER, order);
		context.putString(DependentPartitionHandler.DEPENDS_ON, "");
		return context;
	}

}

package io.pgcopydb.job.partition;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A partition's spec goes into its execution context and comes back whole, and the
 * contexts that earlier releases recorded still read.
 */
class PartitionSpecTest {

	private final JobExecution job = new JobExecution(2L, new JobInstance(1L, "clone"), new JobParameters());

	@Test
	void aSpecComesBackFromTheStepExecutionSpringBatchNamesAfterIt() {
		PartitionSpec vacuum = new PartitionSpec(PartitionKey.object("vacuumTable", 16384), 3,
				List.of(PartitionKey.object("copyTable", 16384), PartitionKey.object("buildIndex", 16390)));

		Map<String, ExecutionContext> contexts = PartitionSpec.contexts(List.of(vacuum));

		assertThat(contexts).containsOnlyKeys("16384");
		StepExecution partition = new StepExecution(11L, "vacuumTable:" + "16384", this.job);
		partition.setExecutionContext(contexts.get("16384"));
		assertThat(PartitionSpec.of(partition)).isEqualTo(vacuum);
	}

	@Test
	void aContextRecordedByAnEarlierReleaseStillReads() {
		StepExecution partition = new StepExecution(11L, "buildIndex:16390", this.job);
		partition.getExecutionContext().putLong("oid", 16390);
		partition.getExecutionContext().putLong("order", 4);
		partition.getExecutionContext().putString("dependsOn", "copyTable:16384");

		PartitionSpec spec = PartitionSpec.of(partition);

		assertThat(spec.key()).isEqualTo(PartitionKey.object("buildIndex", 16390));
		assertThat(spec.order()).isEqualTo(4);
		assertThat(spec.dependsOn()).containsExactly(PartitionKey.object("copyTable", 16384));
	}

	@Test
	void noDependenciesIsAnEmptyList() {
		StepExecution partition = new StepExecution(11L, "copyTable:16384", this.job);
		partition.setExecutionContext(PartitionSpec
			.contexts(List.of(new PartitionSpec(PartitionKey.object("copyTable", 16384), 0, List.of())))
			.get("16384"));
		assertThat(PartitionSpec.of(partition).dependsOn()).isEmpty();
	}

	@Test
	void twoPartitionsCannotShareAName() {
		PartitionSpec one = new PartitionSpec(PartitionKey.object("copyTable", 1), 0, List.of());
		assertThatThrownBy(() -> PartitionSpec.contexts(List.of(one, one))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("copyTable:1");
	}

}

package io.pgcopydb.job.clone;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table's VACUUM waits for its ALTER TABLE partition, unless the index step completed
 * already: a run an earlier version started, with its index step done, never records that
 * partition, and a VACUUM waiting on it would fail on every resume.
 */
class VacuumPartitionerTest {

	private static final long INSTANCE = 1;

	private SingleConnectionDataSource dataSource;

	private ClonePlan plan;

	private final JobExecution job = new JobExecution(2L, new JobInstance(INSTANCE, "clone"), new JobParameters());

	private final StepExecution vacuum = new StepExecution(10L, CloneSteps.VACUUM, this.job);

	@BeforeEach
	void planOneTableWithAKeyAndAnIndex(@TempDir Path dir) throws Exception {
		this.dataSource = new SingleConnectionDataSource("jdbc:sqlite:" + dir.resolve("pgcopydb.db"), true);
		new ResourceDatabasePopulator(new ClassPathResource("repository/plan-schema.sql")).execute(this.dataSource);
		this.plan = new ClonePlan(new JdbcTemplate(this.dataSource), new DataSourceTransactionManager(this.dataSource));
		SourceTable table = new SourceTable(100, "public", "t", "id, a", "id integer\na integer", true, 1 << 20);
		this.plan.save(INSTANCE, List.of(table), List.of(index(101, "p"), index(102, null)), List.of());
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	@Test
	void aTablesVacuumWaitsForItsAlterTablePartition() throws Exception {
		assertThat(dependsOn(null)).contains("buildIndex:100", "buildIndex:101", "buildIndex:102");
	}

	@Test
	void notOnceTheIndexStepCompleted() throws Exception {
		assertThat(dependsOn(BatchStatus.COMPLETED)).contains("buildIndex:101", "buildIndex:102")
			.doesNotContain("buildIndex:100");
		assertThat(dependsOn(BatchStatus.FAILED)).contains("buildIndex:100");
	}

	/** The vacuum partition's dependencies, with the index step recorded so. */
	private String dependsOn(BatchStatus indexStep) throws Exception {
		ResourcelessJobRepository repository = new ResourcelessJobRepository() {
			@Override
			public StepExecution getLastStepExecution(JobInstance instance, String stepName) {
				if (indexStep == null || !CloneSteps.BUILD_INDEXES.equals(stepName)) {
					return null;
				}
				StepExecution step = new StepExecution(5L, stepName,
						new JobExecution(1L, instance, new JobParameters()));
				step.setStatus(indexStep);
				return step;
			}
		};
		CloneRequest request = new CloneRequest(null, null, null, 2, 2, 2, 2, false, false, false, false, false, false,
				null, null, null, null, null, false, "clone", EnumSet.allOf(Stage.class), null, null, null, false);
		Map<String, ExecutionContext> contexts = new ClonePartitioners()
			.vacuumPartitioner(this.vacuum, this.plan, request, repository)
			.partition(1);
		return contexts.get("100").getString("dependsOn");
	}

	private static SourceIndex index(long oid, String constraintType) {
		return new SourceIndex(oid, 100, "public", "t", "i" + oid, "CREATE INDEX ...",
				(constraintType != null) ? oid + 1000 : 0, (constraintType != null) ? "c" + oid : null, constraintType,
				null, false, false, false, false, null, null, "btree", 8192);
	}

}

package io.pgcopydb.job.clone;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.pgcopydb.config.CopyProperties;
import io.pgcopydb.copy.LargeObjectCopier;
import io.pgcopydb.copy.TableCopier;
import io.pgcopydb.job.DependentPartitionHandler;
import io.pgcopydb.job.StepNames;
import io.pgcopydb.job.StepStatusBoard;
import io.pgcopydb.job.StopAwareTasklet;
import io.pgcopydb.job.StopRequestWatcher;
import io.pgcopydb.job.StopSignal;
import io.pgcopydb.progress.ProgressReporter;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.schema.IndexBuilder;
import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.schema.SchemaArchives;

/**
 * The clone job, steps in pgcopydb's order:
 *
 * <pre>
 * snapshot, catalog, dumpSchema, restorePreData,
 * split: copyData | buildIndexes | vacuum | sequences | largeObjects
 * restorePostData
 * </pre>
 *
 * copyData runs one partition per table (--table-jobs threads, largest first);
 * buildIndexes one per index (--index-jobs threads), each started when its table's copy
 * partition is COMPLETED; vacuum one per table once its indexes are built. Every tasklet
 * runs without a repository transaction: a COPY may last hours, and the embedded
 * repository must stay writable meanwhile.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CopyProperties.class)
class CloneJobConfiguration {

	private final StopSignal stop;

	CloneJobConfiguration(StopSignal stop) {
		this.stop = stop;
	}

	@Bean
	Job cloneJob(JobRepository repository, CloneRequest request, Step snapshotStep, Step catalogStep,
			Step dumpSchemaStep, Step restorePreDataStep, Step copyDataStep, Step buildIndexesStep, Step vacuumStep,
			Step sequencesStep, Step largeObjectsStep, Step restorePostDataStep, RunSnapshot snapshot,
			ProgressTracker tracker, CopyProperties properties, StopRequestWatcher watcher, StepStatusBoard board) {
		Flow data = new FlowBuilder<SimpleFlow>("data").split(new SimpleAsyncTaskExecutor("clone-flow-"))
			.add(gated(copyDataStep, Stage.TABLE_DATA, request), gated(buildIndexesStep, Stage.INDEXES, request),
					gated(vacuumStep, Stage.VACUUM, request), gated(sequencesStep, Stage.SEQUENCES, request),
					gated(largeObjectsStep, Stage.LARGE_OBJECTS, request))
			.build();
		RunEnd end = new RunEnd(board);
		Flow clone = new FlowBuilder<SimpleFlow>("cloneFlow").start(snapshotStep)
			.next(catalogStep)
			.next(gated(dumpSchemaStep, Stage.DUMP_SCHEMA, request))
			.next(gated(restorePreDataStep, Stage.RESTORE_PRE_DATA, request))
			.next(data)
			.next(gated(restorePostDataStep, Stage.RESTORE_POST_DATA, request))
			.next(end)
			.on(RunEnd.PAUSE)
			.stop()
			.from(end)
			.on(RunEnd.COMPLETE)
			.end()
			.build();
		return new JobBuilder(StepNames.CLONE_JOB, repository).start(clone)
			.end()
			.listener(new RunListener(snapshot, tracker, properties.progressInterval(), watcher, end, request))
			.build();
	}

	/**
	 * The stage's step when the command includes it; otherwise the flow goes past it, and
	 * the stage stays to do in the run.
	 */
	private static Flow gated(Step step, Stage stage, CloneRequest request) {
		JobExecutionDecider gate = (jobExecution,
				stepExecution) -> new FlowExecutionStatus(request.includes(stage) ? "RUN" : "SKIP");
		return new FlowBuilder<SimpleFlow>(step.getName() + "Flow").start(gate)
			.on("RUN")
			.to(step)
			.from(gate)
			.on("SKIP")
			.end()
			.build();
	}

	/** Runs on every execution, a restart included: each process needs its snapshot. */
	@Bean
	Step snapshotStep(JobRepository repository, CloneRequest request, RunSnapshot snapshot, RunState state) {
		return new StepBuilder(StepNames.SNAPSHOT, repository)
			.tasklet(new StopAwareTasklet(new SnapshotTasklet(request, snapshot, state), this.stop))
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	Step catalogStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, StepNames.CATALOG, new CatalogTasklet(request, sessions, plan));
	}

	@Bean
	SchemaArchives schemaArchives(CloneRequest request) {
		return new SchemaArchives(request.pgTools(), new PgToolRunner());
	}

	@Bean
	Step dumpSchemaStep(JobRepository repository, CloneRequest request, RunSnapshot snapshot, SchemaArchives archives) {
		return toolTasklet(repository, StepNames.DUMP_SCHEMA, new DumpSchemaTasklet(request, snapshot, archives));
	}

	@Bean
	Step restorePreDataStep(JobRepository repository, CloneRequest request, ClonePlan plan, SchemaArchives archives,
			RunState state) {
		return toolTasklet(repository, StepNames.RESTORE_PRE_DATA,
				new RestorePreDataTasklet(request, plan, archives, state));
	}

	@Bean
	Step copyDataStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			ProgressTracker tracker, CopyProperties properties, Partitioner copyPartitioner, StepStatusBoard board,
			ThreadPoolTaskExecutor copyExecutor) {
		Step worker = tasklet(repository, StepNames.COPY_TABLE, new CopyTableTasklet(request, sessions, plan,
				new TableCopier((int) properties.bufferSize().toBytes()), properties.format(), tracker));
		return new StepBuilder(StepNames.COPY_DATA, repository).partitioner(StepNames.COPY_TABLE, copyPartitioner)
			.step(worker)
			.partitionHandler(new DependentPartitionHandler(worker, copyPartitioner, copyExecutor, repository, board,
					List.of(), properties.dependencyPollInterval(), this.stop))
			.listener(new CopyProgressListener(plan, tracker, board))
			.build();
	}

	@Bean
	Step buildIndexesStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			ProgressTracker tracker, CopyProperties properties, Partitioner indexPartitioner, StepStatusBoard board,
			ThreadPoolTaskExecutor indexExecutor) {
		Step worker = tasklet(repository, StepNames.BUILD_INDEX, new BuildIndexTasklet(request, sessions, plan,
				new IndexBuilder(properties.maintenanceWorkMem()), tracker));
		return partitioned(repository, StepNames.BUILD_INDEXES, StepNames.BUILD_INDEX, worker, indexPartitioner,
				new DependentPartitionHandler(worker, indexPartitioner, indexExecutor, repository, board,
						upstream(request, Stage.TABLE_DATA), properties.dependencyPollInterval(), this.stop));
	}

	@Bean
	Step vacuumStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			CopyProperties properties, Partitioner vacuumPartitioner, StepStatusBoard board,
			ThreadPoolTaskExecutor vacuumExecutor) {
		Step worker = tasklet(repository, StepNames.VACUUM_TABLE, new VacuumTableTasklet(request, sessions, plan));
		return partitioned(repository, StepNames.VACUUM, StepNames.VACUUM_TABLE, worker, vacuumPartitioner,
				new DependentPartitionHandler(worker, vacuumPartitioner, vacuumExecutor, repository, board,
						upstream(request, Stage.TABLE_DATA, Stage.INDEXES), properties.dependencyPollInterval(),
						this.stop));
	}

	@Bean
	Step sequencesStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, StepNames.SEQUENCES, new SequencesTasklet(request, sessions, plan));
	}

	@Bean
	Step largeObjectsStep(JobRepository repository, CloneRequest request, Sessions sessions,
			CopyProperties properties) {
		return tasklet(repository, StepNames.LARGE_OBJECTS,
				new LargeObjectsTasklet(request, sessions, new LargeObjectCopier(properties.largeObjectBatch())));
	}

	@Bean
	Step restorePostDataStep(JobRepository repository, CloneRequest request, ClonePlan plan, SchemaArchives archives) {
		return toolTasklet(repository, StepNames.RESTORE_POST_DATA,
				new RestorePostDataTasklet(request, plan, archives));
	}

	/**
	 * The steps whose partitions a partitioned step waits on: those of {@code stages}
	 * this command runs (the partitioners add no dependency on the others), so that the
	 * wait ends when they end.
	 */
	private static List<String> upstream(CloneRequest request, Stage... stages) {
		return Arrays.stream(stages).filter(request::includes).map(Stage::stepName).toList();
	}

	/** A step waiting on pg_dump or pg_restore: a stop terminates the child process. */
	private Step toolTasklet(JobRepository repository, String name, Tasklet tasklet) {
		return new StepBuilder(name, repository).tasklet(new StopAwareTasklet(tasklet, this.stop, true)).build();
	}

	private Step tasklet(JobRepository repository, String name, Tasklet tasklet) {
		return new StepBuilder(name, repository).tasklet(new StopAwareTasklet(tasklet, this.stop)).build();
	}

	private static Step partitioned(JobRepository repository, String name, String workerName, Step worker,
			Partitioner partitioner, DependentPartitionHandler handler) {
		return new StepBuilder(name, repository).partitioner(workerName, partitioner)
			.step(worker)
			.partitionHandler(handler)
			.build();
	}

	@Bean
	ThreadPoolTaskExecutor copyExecutor(CloneRequest request) {
		return executor("copy-", request.tableJobs());
	}

	@Bean
	ThreadPoolTaskExecutor indexExecutor(CloneRequest request) {
		return executor("index-", request.indexJobs());
	}

	/** VACUUM runs on its own --table-jobs threads, as pgcopydb's vacuum workers do. */
	@Bean
	ThreadPoolTaskExecutor vacuumExecutor(CloneRequest request) {
		return executor("vacuum-", request.tableJobs());
	}

	private static ThreadPoolTaskExecutor executor(String prefix, int threads) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setThreadNamePrefix(prefix);
		executor.setCorePoolSize(threads);
		executor.setMaxPoolSize(threads);
		executor.setWaitForTasksToCompleteOnShutdown(false);
		return executor;
	}

	/**
	 * Decides how the run ends once the command's stages are done: COMPLETE when every
	 * stage of the clone has completed (in this execution or an earlier one), else PAUSE:
	 * the execution stops, restartable, for the next command to continue.
	 */
	static final class RunEnd implements JobExecutionDecider {

		static final String COMPLETE = "COMPLETE";

		static final String PAUSE = "PAUSE";

		private final StepStatusBoard board;

		private volatile Set<Stage> toDo = Set.of();

		RunEnd(StepStatusBoard board) {
			this.board = board;
		}

		@Override
		public FlowExecutionStatus decide(JobExecution jobExecution, StepExecution stepExecution) {
			StepStatusBoard.Snapshot done = this.board.read(jobExecution.getJobInstance().getId(),
					jobExecution.getId());
			Set<Stage> remaining = EnumSet.noneOf(Stage.class);
			for (Stage stage : Stage.values()) {
				if (!done.isCompleted(stage.stepName())) {
					remaining.add(stage);
				}
			}
			this.toDo = remaining;
			return new FlowExecutionStatus(remaining.isEmpty() ? COMPLETE : PAUSE);
		}

		boolean paused() {
			return !this.toDo.isEmpty();
		}

		Set<Stage> toDo() {
			return this.toDo;
		}

	}

	/**
	 * Holds the snapshot for exactly the job's lifetime, and shows progress meanwhile.
	 */
	private static final class RunListener implements JobExecutionListener {

		private final RunSnapshot snapshot;

		private final ProgressTracker tracker;

		private final Duration interval;

		private final StopRequestWatcher watcher;

		private final RunEnd end;

		private final CloneRequest request;

		private ProgressReporter reporter;

		RunListener(RunSnapshot snapshot, ProgressTracker tracker, Duration interval, StopRequestWatcher watcher,
				RunEnd end, CloneRequest request) {
			this.snapshot = snapshot;
			this.tracker = tracker;
			this.interval = interval;
			this.watcher = watcher;
			this.end = end;
			this.request = request;
		}

		@Override
		public void beforeJob(JobExecution jobExecution) {
			this.reporter = ProgressReporter.start(this.tracker, this.interval);
			this.watcher.watch(jobExecution.getId());
		}

		@Override
		public void afterJob(JobExecution jobExecution) {
			if (jobExecution.getStatus() == BatchStatus.STOPPED && this.end.paused()) {
				jobExecution.setExitStatus(new ExitStatus(CloneRuns.PAUSED, "paused after " + this.request.command()
						+ "; still to do: " + Stage.describe(this.end.toDo())));
			}
			this.watcher.unwatch();
			this.reporter.close();
			this.snapshot.close();
		}

	}

}

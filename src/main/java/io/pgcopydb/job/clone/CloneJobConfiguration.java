package io.pgcopydb.job.clone;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.pgcopydb.config.CopyProperties;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.copy.LargeObjectCopier;
import io.pgcopydb.copy.TableCopier;
import io.pgcopydb.job.RunLifecycleListener;
import io.pgcopydb.job.HaltAfterTasklet;
import io.pgcopydb.job.StopAwareTasklet;
import io.pgcopydb.job.StopRequestWatcher;
import io.pgcopydb.job.partition.LiveStatus;
import io.pgcopydb.job.partition.PartitionedSteps;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.job.remote.RemoteRun;
import io.pgcopydb.progress.ProgressReporter;
import io.pgcopydb.progress.StallWatcher;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.schema.IndexBuilder;
import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.schema.SchemaRestore;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * The clone job, steps in pgcopydb's order ({@link #cloneJob} is the whole of it):
 *
 * <pre>
 * snapshot, catalog, dumpSchema, [copyRoles,] restorePreData, distribute, planTargets, prepareSlices,
 * split: copyData | buildIndexes | vacuum | sequences | largeObjects | extensionData
 * restorePostData, databaseProperties
 * </pre>
 *
 * planTargets records, once, where each table's rows land on the target as the run first
 * copies data (after restore pre-data and the user's schema changes); copyData runs one
 * partition per table (--table-jobs threads, longest work first); buildIndexes one per
 * index (--index-jobs threads), each started when its table's copy partition is
 * COMPLETED; vacuum one per table once its indexes are built. A step command runs some
 * stages only: a decider before each stage skips the others. Every tasklet runs without a
 * repository transaction: a COPY may last hours, and the embedded repository must stay
 * writable meanwhile.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CopyProperties.class)
class CloneJobConfiguration {

	/** The wait before retrying work whose session died, doubled for each next retry. */
	private static final Duration TRANSIENT_RETRY_DELAY = Duration.ofSeconds(1);

	private final StopSignal stop;

	CloneJobConfiguration(StopSignal stop) {
		this.stop = stop;
	}

	@Bean
	Job cloneJob(JobRepository repository, CloneRequest request, Step snapshotStep, Step catalogStep,
			Step dumpSchemaStep, Step restorePreDataStep, Step planTargetsStep, Step prepareSlicesStep,
			Step copyDataStep, Step buildIndexesStep, Step vacuumStep, Step sequencesStep, Step largeObjectsStep,
			Step restorePostDataStep, Step databasePropertiesStep, Step copyRolesStep, Step extensionDataStep,
			Step distributeStep, RunSnapshot snapshot, ProgressTracker tracker, CopyProperties properties,
			StopRequestWatcher watcher, StepStatusBoard board, Sessions sessions) {
		Flow data = new FlowBuilder<SimpleFlow>("data").split(new SimpleAsyncTaskExecutor("clone-flow-"))
			.add(gated(copyDataStep, Stage.TABLE_DATA, request), gated(buildIndexesStep, Stage.INDEXES, request),
					gated(vacuumStep, Stage.VACUUM, request), gated(sequencesStep, Stage.SEQUENCES, request),
					gated(largeObjectsStep, Stage.LARGE_OBJECTS, request),
					gated(extensionDataStep, Stage.TABLE_DATA, request))
			.build();
		RunEnd end = new RunEnd(board, request.command());
		Flow clone = new FlowBuilder<SimpleFlow>("cloneFlow").start(snapshotStep)
			.next(catalogStep)
			.next(gated(dumpSchemaStep, Stage.DUMP_SCHEMA, request))
			.next(gated(copyRolesStep, Stage.RESTORE_PRE_DATA, request, request.objects().roles()))
			.next(gated(restorePreDataStep, Stage.RESTORE_PRE_DATA, request))
			.next(gated(distributeStep,
					request.includes(Stage.TABLE_DATA) || request.includes(Stage.RESTORE_POST_DATA)))
			.next(gated(planTargetsStep, Stage.TABLE_DATA, request))
			.next(gated(prepareSlicesStep, Stage.TABLE_DATA, request))
			.next(data)
			.next(gated(restorePostDataStep, Stage.RESTORE_POST_DATA, request))
			.next(gated(databasePropertiesStep, Stage.DATABASE_PROPERTIES, request))
			.next(end)
			.on(RunEnd.PAUSE)
			.stop()
			.from(end)
			.on(RunEnd.COMPLETE)
			.end()
			.build();
		Duration interval = properties.progressInterval();
		return new JobBuilder(CloneSteps.JOB, repository).start(clone)
			.end()
			.listener(new RunLifecycleListener(watcher).showing(() -> ProgressReporter.start(tracker, interval))
				.endingWith(end::exitStatus)
				.releasing(sessions)
				.releasing(snapshot))
			.build();
	}

	/**
	 * The watch of the run's sessions on the servers the command uses, from its first
	 * check (a preflight may wait for a lock too) to its end; see {@link CloneRuns}.
	 */
	@Bean
	StallWatcher stallWatcher(CloneRequest request, ProgressTracker tracker, CopyProperties properties) {
		Map<Side, PgEndpoint> endpoints = new EnumMap<>(Side.class);
		for (Side side : Side.values()) {
			if (request.endpoint(side) != null) {
				endpoints.put(side, request.endpoint(side));
			}
		}
		return new StallWatcher(endpoints, this.stop, tracker, new StallWatcher.Limits(properties.stallCheckInterval(),
				properties.stallWarning(), properties.stallTimeout(), properties.lockWaitReport()));
	}

	/**
	 * The stage's step when the command includes it; otherwise the flow goes past it, and
	 * the stage stays to do in the run.
	 */
	private static Flow gated(Step step, Stage stage, CloneRequest request) {
		return gated(step, stage, request, true);
	}

	/** As above, and only when {@code wanted} (an option asks for the step). */
	private static Flow gated(Step step, Stage stage, CloneRequest request, boolean wanted) {
		return gated(step, wanted && request.includes(stage));
	}

	/** The step when {@code run}; otherwise the flow goes past it. */
	private static Flow gated(Step step, boolean run) {
		JobExecutionDecider gate = (jobExecution, stepExecution) -> new FlowExecutionStatus(run ? "RUN" : "SKIP");
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
	Step snapshotStep(JobRepository repository, CloneRequest request, RunSnapshot snapshot, RunState state,
			ClonePlan plan) {
		return new StepBuilder(CloneSteps.SNAPSHOT, repository)
			.tasklet(new StopAwareTasklet(new SnapshotTasklet(request, snapshot, state, plan), this.stop))
			.allowStartIfComplete(true)
			.build();
	}

	/**
	 * With --distributed, the run opens to workers as this step starts, the snapshot
	 * taken: they set themselves up while the schema is dumped and restored.
	 */
	@Bean
	Step catalogStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			RemoteWork remoteWork) {
		StepBuilder step = new StepBuilder(CloneSteps.CATALOG, repository);
		if (remoteWork.distributed()) {
			step.listener(remoteWork.opener());
		}
		return step
			.tasklet(new StopAwareTasklet(
					HaltAfterTasklet.wrap(CloneSteps.CATALOG, new CatalogTasklet(request, sessions, plan)), this.stop))
			.build();
	}

	@Bean
	Step dumpSchemaStep(JobRepository repository, CloneRequest request, RunSnapshot snapshot, SchemaArchives archives,
			ClonePlan plan) {
		return toolTasklet(repository, CloneSteps.DUMP_SCHEMA,
				new DumpSchemaTasklet(request, snapshot, archives, plan));
	}

	@Bean
	Step restorePreDataStep(JobRepository repository, CloneRequest request, ClonePlan plan, SchemaArchives archives,
			RunState state) {
		return toolTasklet(repository, CloneSteps.RESTORE_PRE_DATA,
				new RestorePreDataTasklet(request, plan, new SchemaRestore(archives), state));
	}

	/**
	 * Runs once per run, with the first command that copies table data or restores
	 * post-data (copy schema, restore schema): the source's Citus distribution on the
	 * target before any row, index or foreign key goes there.
	 */
	@Bean
	Step distributeStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, CloneSteps.DISTRIBUTE, new DistributeTasklet(request, sessions, plan));
	}

	/** Runs once per run, with the first command that copies table data. */
	@Bean
	Step planTargetsStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, CloneSteps.PLAN_TARGETS, new PlanTargetsTasklet(request, sessions, plan));
	}

	/**
	 * Runs on every execution that copies data, a restart included: a resumed run decides
	 * again which split tables start over ({@link PrepareSlicesTasklet}).
	 */
	@Bean
	Step prepareSlicesStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			StepStatusBoard board, RunSnapshot snapshot) {
		return new StepBuilder(CloneSteps.PREPARE_SLICES, repository)
			.tasklet(new StopAwareTasklet(HaltAfterTasklet.wrap(CloneSteps.PREPARE_SLICES,
					new PrepareSlicesTasklet(request, sessions, plan, board, snapshot)), this.stop))
			.allowStartIfComplete(true)
			.build();
	}

	/** A copy partition: the worker step of copyData, here or in a worker process. */
	@Bean
	Step copyTableStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			ProgressTracker tracker, CopyProperties properties, StepStatusBoard board, RunSnapshot snapshot) {
		TransientFaults faults = new TransientFaults(snapshot, this.stop, TRANSIENT_RETRY_DELAY,
				CloneJob.DEFINITION.resumeCommand(request));
		return tasklet(repository, CloneSteps.COPY_TABLE, new CopyTableTasklet(request, sessions, plan,
				new TableCopier((int) properties.bufferSize().toBytes()), properties.format(), tracker, faults, board));
	}

	@Bean
	Step copyDataStep(CloneRequest request, ClonePlan plan, ProgressTracker tracker, Partitioner copyPartitioner,
			StepStatusBoard board, PartitionedSteps partitioned, ThreadPoolTaskExecutor copyExecutor,
			Step copyTableStep, RemoteWork remoteWork) {
		CopyProgressListener progress = new CopyProgressListener(plan, tracker, board);
		if (remoteWork.distributed()) {
			return partitioned.build(CloneSteps.COPY_DATA, copyTableStep, copyPartitioner,
					new RemoteProgress(remoteWork.dispatcher(RemoteRun.TABLE_POOL), plan, tracker), List.of(),
					remoteWork.opener(), progress);
		}
		return partitioned.build(CloneSteps.COPY_DATA, copyTableStep, copyPartitioner, copyExecutor, List.of(),
				progress);
	}

	/** An index partition: the worker step of buildIndexes. */
	@Bean
	Step buildIndexStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan,
			ProgressTracker tracker, CopyProperties properties) {
		return tasklet(repository, CloneSteps.BUILD_INDEX, new BuildIndexTasklet(request, sessions, plan,
				new IndexBuilder(properties.maintenanceWorkMem()), tracker));
	}

	@Bean
	Step buildIndexesStep(CloneRequest request, ClonePlan plan, ProgressTracker tracker, Partitioner indexPartitioner,
			PartitionedSteps partitioned, ThreadPoolTaskExecutor indexExecutor, Step buildIndexStep,
			RemoteWork remoteWork) {
		List<String> upstream = upstream(request, Stage.TABLE_DATA);
		if (remoteWork.distributed()) {
			return partitioned.build(CloneSteps.BUILD_INDEXES, buildIndexStep, indexPartitioner,
					new RemoteProgress(remoteWork.dispatcher(RemoteRun.INDEX_POOL), plan, tracker), upstream,
					remoteWork.opener());
		}
		return partitioned.build(CloneSteps.BUILD_INDEXES, buildIndexStep, indexPartitioner, indexExecutor, upstream);
	}

	/** A VACUUM partition: the worker step of vacuum. */
	@Bean
	Step vacuumTableStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, CloneSteps.VACUUM_TABLE, new VacuumTableTasklet(request, sessions, plan));
	}

	@Bean
	Step vacuumStep(CloneRequest request, Partitioner vacuumPartitioner, PartitionedSteps partitioned,
			ThreadPoolTaskExecutor vacuumExecutor, Step vacuumTableStep, RemoteWork remoteWork) {
		List<String> upstream = upstream(request, Stage.TABLE_DATA, Stage.INDEXES);
		if (remoteWork.distributed()) {
			return partitioned.build(CloneSteps.VACUUM, vacuumTableStep, vacuumPartitioner,
					remoteWork.dispatcher(RemoteRun.TABLE_POOL), upstream, remoteWork.opener());
		}
		return partitioned.build(CloneSteps.VACUUM, vacuumTableStep, vacuumPartitioner, vacuumExecutor, upstream);
	}

	/**
	 * With --distributed, what sends partitions to workers; otherwise nothing (the
	 * partitions run on this process's threads).
	 */
	@Bean(destroyMethod = "close")
	RemoteWork remoteWork(CloneRequest request, DataSource dataSource, JobRepository repository,
			CopyProperties properties) {
		return new RemoteWork(request, dataSource, repository, this.stop, properties.format().name(),
				properties.dependencyPollInterval());
	}

	@Bean
	Step sequencesStep(JobRepository repository, CloneRequest request, Sessions sessions, ClonePlan plan) {
		return tasklet(repository, CloneSteps.SEQUENCES, new SequencesTasklet(request, sessions, plan));
	}

	@Bean
	Step largeObjectsStep(JobRepository repository, CloneRequest request, Sessions sessions,
			CopyProperties properties) {
		return tasklet(repository, CloneSteps.LARGE_OBJECTS,
				new LargeObjectsTasklet(request, sessions, new LargeObjectCopier(properties.largeObjectBatch())));
	}

	@Bean
	Step restorePostDataStep(JobRepository repository, CloneRequest request, ClonePlan plan, SchemaArchives archives) {
		return toolTasklet(repository, CloneSteps.RESTORE_POST_DATA,
				new RestorePostDataTasklet(request, plan, new SchemaRestore(archives)));
	}

	@Bean
	Step copyRolesStep(JobRepository repository, CloneRequest request) {
		return tasklet(repository, CloneSteps.COPY_ROLES, new RolesTasklet(request));
	}

	@Bean
	Step extensionDataStep(JobRepository repository, CloneRequest request, Sessions sessions) {
		return tasklet(repository, CloneSteps.EXTENSION_DATA, new ExtensionDataTasklet(request, sessions));
	}

	@Bean
	Step databasePropertiesStep(JobRepository repository, CloneRequest request) {
		return tasklet(repository, CloneSteps.DATABASE_PROPERTIES, new DatabasePropertiesTasklet(request));
	}

	@Bean
	RunSnapshot runSnapshot(CloneRequest request, CopyProperties properties) {
		return new RunSnapshot(request.source(), properties.lockTimeout());
	}

	@Bean
	SchemaArchives schemaArchives(CloneRequest request) {
		return new SchemaArchives(request.pgTools(), new PgToolRunner(request.workDirectory().processRecords()));
	}

	/**
	 * The partitioned steps, and the live statuses their partitions wait on, fed by all
	 * of them.
	 */
	@Bean
	PartitionedSteps partitionedSteps(JobRepository repository, StepStatusBoard board, CopyProperties properties) {
		return new PartitionedSteps(repository, new LiveStatus(board::read), properties.dependencyPollInterval(),
				this.stop);
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
		return new StepBuilder(name, repository)
			.tasklet(new StopAwareTasklet(HaltAfterTasklet.wrap(name, tasklet), this.stop, true))
			.build();
	}

	private Step tasklet(JobRepository repository, String name, Tasklet tasklet) {
		return new StepBuilder(name, repository)
			.tasklet(new StopAwareTasklet(HaltAfterTasklet.wrap(name, tasklet), this.stop))
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

}

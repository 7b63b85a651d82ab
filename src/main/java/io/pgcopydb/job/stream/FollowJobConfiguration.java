package io.pgcopydb.job.stream;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.job.HaltAfterTasklet;
import io.pgcopydb.job.RunLifecycleListener;
import io.pgcopydb.job.StopAwareTasklet;
import io.pgcopydb.job.StopRequestWatcher;
import io.pgcopydb.signal.StopSignal;

/**
 * The streaming job ({@link #followJob}):
 *
 * <pre>
 * streamSetup, split: streamReceive | streamApply, streamEnd
 * </pre>
 *
 * Receive starts as soon as the slot exists; apply waits for the sentinel's apply flag.
 * Both run for hours, so every tasklet runs without a repository transaction, and a
 * failure of one halts the other ({@link FollowState}). A command runs some steps only
 * ({@link FollowRequest#parts}): a decider before each skips the others.
 */
@Configuration(proxyBeanMethods = false)
class FollowJobConfiguration {

	private final StopSignal stop;

	FollowJobConfiguration(StopSignal stop) {
		this.stop = stop;
	}

	@Bean
	Job followJob(JobRepository repository, FollowRequest request, Step streamSetupStep, Step streamReceiveStep,
			Step streamApplyStep, Step streamEndStep, StopRequestWatcher watcher, FollowProgress progress,
			FollowState state) {
		Flow stream = new FlowBuilder<SimpleFlow>("stream").split(new SimpleAsyncTaskExecutor("follow-"))
			.add(gated(streamReceiveStep, request, FollowRequest.Part.RECEIVE),
					gated(streamApplyStep, request, FollowRequest.Part.APPLY))
			.build();
		Flow follow = new FlowBuilder<SimpleFlow>("followFlow")
			.start(gated(streamSetupStep, request, FollowRequest.Part.SETUP))
			.next(stream)
			.next(gated(streamEndStep, request, FollowRequest.Part.END))
			.build();
		return new JobBuilder(FollowSteps.JOB, repository).start(follow)
			.end()
			.listener(new RunLifecycleListener(watcher).showing(progress::start).releasing(state::releaseSnapshot))
			.build();
	}

	private static Flow gated(Step step, FollowRequest request, FollowRequest.Part part) {
		JobExecutionDecider gate = (jobExecution,
				stepExecution) -> new FlowExecutionStatus(request.includes(part) ? "RUN" : "SKIP");
		return new FlowBuilder<SimpleFlow>(step.getName() + "Flow").start(gate)
			.on("RUN")
			.to(step)
			.from(gate)
			.on("SKIP")
			.end()
			.build();
	}

	/** Runs on every execution: a resume checks what is recorded against the servers. */
	@Bean
	Step streamSetupStep(JobRepository repository, FollowRequest request, StreamSource source, SentinelStore sentinel,
			ChangeStore store, FollowState state) {
		return new StepBuilder(FollowSteps.SETUP, repository)
			.tasklet(new StopAwareTasklet(
					HaltAfterTasklet.wrap(FollowSteps.SETUP, new SetupTasklet(request, source, sentinel, store, state)),
					this.stop))
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	Step streamReceiveStep(JobRepository repository, FollowRequest request, StreamSource source, SentinelStore sentinel,
			ChangeStore store, FollowState state, FollowProgress progress) {
		return tasklet(repository, FollowSteps.RECEIVE,
				new ReceiveTasklet(request, source, sentinel, store, state, progress, this.stop));
	}

	@Bean
	Step streamApplyStep(JobRepository repository, FollowRequest request, StreamSource source, SentinelStore sentinel,
			ChangeStore store, FollowState state, FollowProgress progress) {
		return tasklet(repository, FollowSteps.APPLY,
				new ApplyTasklet(request, source, sentinel, store, state, progress, this.stop));
	}

	@Bean
	Step streamEndStep(JobRepository repository, FollowRequest request, SentinelStore sentinel) {
		return tasklet(repository, FollowSteps.END,
				new StreamEndTasklet(new CutOver(request.source(), request.target()), sentinel));
	}

	private Step tasklet(JobRepository repository, String name, Tasklet tasklet) {
		return new StepBuilder(name, repository)
			.tasklet(new StopAwareTasklet(HaltAfterTasklet.wrap(name, tasklet), this.stop))
			.build();
	}

	@Bean
	SentinelStore sentinelStore(JdbcTemplate repository) {
		return new SentinelStore(repository);
	}

	@Bean
	ChangeStore changeStore(FollowRequest request) {
		return ChangeStore.open(request.workDirectory().cdcDir());
	}

	@Bean
	FollowProgress followProgress(ChangeStore store, FollowRequest request, FollowState state,
			JdbcTemplate repository) {
		return new FollowProgress(store, () -> {
			StreamRecord recorded = state.recorded();
			if (recorded == null) {
				return null;
			}
			FollowStatus.SlotReading reading = FollowStatus.slot(request.source(), recorded.slot());
			return reading.health();
		}, new UnfollowedTablesCheck(request, state, new StreamRecords(repository)));
	}

}

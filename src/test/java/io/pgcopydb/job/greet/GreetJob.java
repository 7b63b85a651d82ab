package io.pgcopydb.job.greet;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.JobDefinition;
import io.pgcopydb.job.JobRequest;
import io.pgcopydb.job.RunLifecycleListener;
import io.pgcopydb.job.StopAwareTasklet;
import io.pgcopydb.job.StopRequestWatcher;
import io.pgcopydb.job.partition.LiveStatus;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;
import io.pgcopydb.job.partition.PartitionedSteps;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.signal.StopSignal;

/**
 * A second job, as small as a job can be, written the way a new job is added: a request,
 * a definition, a configuration, and nothing taken from the clone job or copied from the
 * launcher. It says hello in --dir, then greets three guests in a partitioned step where
 * the third guest waits for the first two.
 */
final class GreetJob implements JobDefinition<GreetJob.Request> {

	/** What a test asks of a run: succeed, fail on guest 2, or stop on guest 2. */
	enum Mode {

		OK, FAIL, STOP

	}

	record Request(WorkDirectory workDirectory, Mode mode) implements JobRequest {

		@Override
		public String command() {
			return "greet";
		}

		@Override
		public String describe() {
			return "three guests";
		}

	}

	/** The names of the jobs the context held, as the last run saw them. */
	final List<String> jobsInContext = new ArrayList<>();

	@Override
	public Class<?> configuration() {
		return Steps.class;
	}

	/** Restarts the last run when it did not complete, else starts a new one. */
	@Override
	public JobExecution run(ApplicationContext context, Request request) throws Exception {
		this.jobsInContext.clear();
		this.jobsInContext.addAll(List.of(context.getBeanNamesForType(Job.class)));
		JobOperator operator = context.getBean(JobOperator.class);
		JobRepository repository = context.getBean(JobRepository.class);
		JobInstance last = repository.getLastJobInstance("greet");
		JobExecution lastExecution = (last != null) ? repository.getLastJobExecution(last) : null;
		if (lastExecution != null && lastExecution.getStatus() != BatchStatus.COMPLETED) {
			return operator.restart(lastExecution);
		}
		return operator.start(context.getBean("greetJob", Job.class),
				new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters());
	}

	@Override
	public String resumeCommand(Request request) {
		return "greet again";
	}

	@Override
	public Map<String, String> partitionManagers() {
		return Map.of("greet", "greetAll");
	}

	@Configuration(proxyBeanMethods = false)
	static class Steps {

		@Bean
		Job greetJob(JobRepository repository, StopRequestWatcher watcher, Step hello, Step greetAll) {
			return new JobBuilder("greet", repository).start(hello)
				.next(greetAll)
				.listener(new RunLifecycleListener(watcher))
				.build();
		}

		@Bean
		Step hello(JobRepository repository, Request request, StopSignal stop) {
			return new StepBuilder("hello", repository).tasklet(new StopAwareTasklet((contribution, chunk) -> {
				Files.writeString(request.workDirectory().root().resolve("hello.txt"), "hello\n");
				return RepeatStatus.FINISHED;
			}, stop)).build();
		}

		@Bean
		Step greetAll(JobRepository repository, Request request, StopSignal stop, StepStatusBoard board) {
			Step greet = new StepBuilder("greet", repository).tasklet(new StopAwareTasklet((contribution, chunk) -> {
				long guest = PartitionKey.parse(chunk.getStepContext().getStepName()).objectOid();
				if (guest == 2 && request.mode() == Mode.FAIL) {
					throw new BadStateException("guest 2 is not welcome: invite them again");
				}
				if (guest == 2 && request.mode() == Mode.STOP) {
					stop.request("test stop");
					throw new IllegalStateException("interrupted while greeting guest 2");
				}
				Files.writeString(request.workDirectory().root().resolve("guest-" + guest + ".txt"), "welcome\n");
				contribution.incrementWriteCount(1);
				return RepeatStatus.FINISHED;
			}, stop)).build();
			Partitioner guests = (grid) -> PartitionSpec
				.contexts(List.of(new PartitionSpec(PartitionKey.object("greet", 1), 0, List.of()),
						new PartitionSpec(PartitionKey.object("greet", 2), 1, List.of()),
						new PartitionSpec(PartitionKey.object("greet", 3), 2,
								List.of(PartitionKey.object("greet", 1), PartitionKey.object("greet", 2)))));
			PartitionedSteps partitioned = new PartitionedSteps(repository, new LiveStatus(board::read),
					Duration.ofMillis(50), stop);
			return partitioned.build("greetAll", greet, guests, new SimpleAsyncTaskExecutor("greet-"), List.of());
		}

	}

}

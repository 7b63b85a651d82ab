package io.pgcopydb.job.clone;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pgcopydb.job.RunLifecycleListener;
import io.pgcopydb.job.StopAwareTasklet;
import io.pgcopydb.job.StopRequestWatcher;
import io.pgcopydb.signal.StopSignal;

/** The one-step jobs of {@link ObjectsJob}: copy roles, copy extensions. */
@Configuration(proxyBeanMethods = false)
class ObjectsJobConfiguration {

	@Bean
	Job copyRolesJob(JobRepository repository, CloneRequest request, StopSignal stop, StopRequestWatcher watcher) {
		return job(repository, CloneSteps.ROLES_JOB, new RolesTasklet(request), stop, watcher);
	}

	@Bean
	Job copyExtensionsJob(JobRepository repository, CloneRequest request, StopSignal stop, StopRequestWatcher watcher) {
		return job(repository, CloneSteps.EXTENSIONS_JOB, new ExtensionsTasklet(request), stop, watcher);
	}

	private static Job job(JobRepository repository, String name, Tasklet tasklet, StopSignal stop,
			StopRequestWatcher watcher) {
		return new JobBuilder(name, repository)
			.start(new StepBuilder(name, repository).tasklet(new StopAwareTasklet(tasklet, stop)).build())
			.listener(new RunLifecycleListener(watcher))
			.build();
	}

}

package io.pgcopydb.job.clone;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.job.JobDefinition;

/**
 * The jobs of {@code pgcopydb copy roles} and {@code pgcopydb copy extensions}: one step
 * each, run before a clone (the tutorial runs them while {@code pgcopydb snapshot} holds
 * the snapshot). They are jobs of their own, not stages of the clone job, so that the
 * clone that follows starts its own run in the same --dir, possibly as another role. Each
 * command starts a new run: what it creates is skipped by a second one.
 */
public final class ObjectsJob implements JobDefinition<CloneRequest> {

	public static final ObjectsJob ROLES = new ObjectsJob(CloneSteps.ROLES_JOB, "copyRolesJob");

	public static final ObjectsJob EXTENSIONS = new ObjectsJob(CloneSteps.EXTENSIONS_JOB, "copyExtensionsJob");

	private final String jobName;

	private final String beanName;

	private ObjectsJob(String jobName, String beanName) {
		this.jobName = jobName;
		this.beanName = beanName;
	}

	@Override
	public Class<?> configuration() {
		return ObjectsJobConfiguration.class;
	}

	@Override
	public JobExecution run(ApplicationContext context, CloneRequest request) throws Exception {
		return context.getBean(JobOperator.class)
			.start(context.getBean(this.beanName, Job.class),
					new JobParametersBuilder().addString("source", CloneRequest.identity(request.source()))
						.addString("target", CloneRequest.identity(request.target()))
						.addLong("run.id", System.currentTimeMillis())
						.toJobParameters());
	}

	@Override
	public String resumeCommand(CloneRequest request) {
		return "pgcopydb " + request.command() + " --dir " + request.workDirectory().root();
	}

	@Override
	public String toString() {
		return "ObjectsJob[" + this.jobName + "]";
	}

}

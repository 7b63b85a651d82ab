package io.pgcopydb.job.stream;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.job.JobDefinition;

/**
 * The streaming job for the {@link io.pgcopydb.job.Launcher}: {@code follow},
 * {@code stream receive} and {@code stream apply} launch it with the steps they run.
 */
public final class FollowJob implements JobDefinition<FollowRequest> {

	public static final FollowJob DEFINITION = new FollowJob();

	private FollowJob() {
	}

	@Override
	public Class<?> configuration() {
		return FollowContext.class;
	}

	@Override
	public JobExecution run(ApplicationContext context, FollowRequest request) throws Exception {
		return context.getBean(FollowRuns.class).run(request);
	}

	@Override
	public String resumeCommand(FollowRequest request) {
		return "pgcopydb " + request.command() + " --resume --dir " + request.workDirectory().root();
	}

}

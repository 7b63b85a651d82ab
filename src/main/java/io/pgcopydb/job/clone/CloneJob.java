package io.pgcopydb.job.clone;

import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.job.JobDefinition;

/**
 * The clone job for the {@link io.pgcopydb.job.Launcher}: every command that copies
 * ({@code clone}, {@code copy ...}, {@code dump schema}, {@code restore ...},
 * {@code job restart}) launches it with the stages it runs.
 */
public final class CloneJob implements JobDefinition<CloneRequest> {

	public static final CloneJob DEFINITION = new CloneJob();

	private CloneJob() {
	}

	@Override
	public Class<?> configuration() {
		return CloneContext.class;
	}

	@Override
	public JobExecution run(ApplicationContext context, CloneRequest request) throws Exception {
		return context.getBean(CloneRuns.class).run(request);
	}

	@Override
	public String resumeCommand(CloneRequest request) {
		return "pgcopydb " + request.command() + " --resume --dir " + request.workDirectory().root();
	}

	@Override
	public Map<String, String> partitionManagers() {
		return CloneSteps.PARTITION_MANAGERS;
	}

}

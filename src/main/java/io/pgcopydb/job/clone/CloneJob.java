package io.pgcopydb.job.clone;

import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.job.JobDefinition;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.snapshot.SnapshotSource;

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
		// the run refuses a resume without its filters: the printed command passes them
		String filters = (request.filters().file() != null) ? " --filters " + shellWord(request.filters().file()) : "";
		return "pgcopydb " + request.command() + " --resume --dir " + request.workDirectory().root() + filters;
	}

	private static String shellWord(Object value) {
		String word = String.valueOf(value);
		return word.matches("[A-Za-z0-9_./:=@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
	}

	/**
	 * After a failure or a stop inside a source-reading stage, the snapshot this process
	 * exported has ended with it: the plain resume would be refused (see
	 * {@link CloneRuns}), so the command printed adds --not-consistent and says what it
	 * means. A snapshot held by {@code pgcopydb snapshot} or given with --snapshot
	 * outlives this process: the plain resume reads it again.
	 */
	@Override
	public String resumeCommand(ApplicationContext context, CloneRequest request, JobExecution execution) {
		String resume = resumeCommand(request);
		if (!(context.getBean(RunState.class).snapshot() instanceof SnapshotSource.Export)) {
			return resume;
		}
		StepStatusBoard.Snapshot done = context.getBean(StepStatusBoard.class)
			.read(execution.getJobInstance().getId(), execution.getId());
		boolean readsLeft = request.stages()
			.stream()
			.anyMatch((stage) -> stage.readsSource() && done.wasAttempted(stage.stepName())
					&& !done.isCompleted(stage.stepName()));
		if (!readsLeft) {
			return resume;
		}
		return resume + " --not-consistent (the run's snapshot ended with this process: tables copied before and"
				+ " after the interruption will reflect different moments of the source; or start over with"
				+ " --restart --drop-if-exists)";
	}

	@Override
	public Map<String, String> partitionManagers() {
		return CloneSteps.PARTITION_MANAGERS;
	}

}

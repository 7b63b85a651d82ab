package io.pgcopydb.job;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * A test hook, not a feature: with the environment variable
 * {@code PGCOPYDB_TEST_HALT_AFTER=<stepName>} (e.g. {@code restorePostData}), the step of
 * that name halts the JVM with status 137 right after its work is done and before Spring
 * Batch records it COMPLETED, as the OOM killer or a kill -9 of the JVM alone would at
 * the worst moment. Integration tests use it to prove that every stage is recognised as
 * done from the target's state on resume. Unset, steps are not wrapped at all.
 */
public final class HaltAfterTasklet implements Tasklet {

	/** The environment variable naming the step to halt after. */
	public static final String VARIABLE = "PGCOPYDB_TEST_HALT_AFTER";

	private final Tasklet delegate;

	private HaltAfterTasklet(Tasklet delegate) {
		this.delegate = delegate;
	}

	/** {@code tasklet}, wrapped when the hook names {@code stepName}. */
	public static Tasklet wrap(String stepName, Tasklet tasklet) {
		return stepName.equals(System.getenv(VARIABLE)) ? new HaltAfterTasklet(tasklet) : tasklet;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		RepeatStatus status = this.delegate.execute(contribution, chunkContext);
		System.err.println(VARIABLE + ": halting after " + chunkContext.getStepContext().getStepName());
		Runtime.getRuntime().halt(137);
		return status;
	}

}

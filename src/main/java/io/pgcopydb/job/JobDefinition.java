package io.pgcopydb.job;

import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ApplicationContext;

/**
 * What the {@link Launcher} needs to know of one kind of job. Each job's package provides
 * one; adding a job is adding a package with its definition, its configuration and its
 * request, and a command that calls {@link Launcher#launch}.
 *
 * @param <R> the job's request type
 */
public interface JobDefinition<R extends JobRequest> {

	/**
	 * The job's Spring configuration: the job, its steps and its beans. The context also
	 * holds the shared batch wiring ({@link BatchContext}), the request and the command's
	 * {@link io.pgcopydb.signal.StopSignal}.
	 */
	Class<?> configuration();

	/**
	 * Starts, continues or resumes the execution that {@code request} asks for, and
	 * returns it once it has ended. The caller holds the lock of the request's --dir.
	 */
	JobExecution run(ApplicationContext context, R request) throws Exception;

	/** The command that finishes an interrupted run, for the message that says so. */
	String resumeCommand(R request);

	/**
	 * The command that finishes {@code execution}, which ended without completing; by
	 * default {@link #resumeCommand(JobRequest)}. A job whose resume depends on what the
	 * execution left (a snapshot gone with this process) says so here, so that the
	 * printed command is one that is accepted.
	 */
	default String resumeCommand(ApplicationContext context, R request, JobExecution execution) {
		return resumeCommand(request);
	}

	/**
	 * What the log says a SIGTERM'd run is finished with, before anything is known of
	 * where it stopped; by default the resume command, with a word on --not-consistent
	 * for a run that exported its own snapshot.
	 */
	default String interruptedResume(R request) {
		return resumeCommand(request) + " (add --not-consistent if the run had not"
				+ " finished reading the source: a snapshot this process exported ends with it)";
	}

	/**
	 * Worker step name to the manager step whose summary line counts its partitions.
	 */
	default Map<String, String> partitionManagers() {
		return Map.of();
	}

}

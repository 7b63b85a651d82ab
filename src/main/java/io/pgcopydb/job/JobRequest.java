package io.pgcopydb.job;

import io.pgcopydb.config.WorkDirectory;

/**
 * A validated request to run a job, built by a command from its options and handed to the
 * {@link Launcher}. It becomes a bean of the job's context (under its class's simple
 * name), so the job's configuration can use it. It may hold connection strings with their
 * secrets: it never goes into job parameters as it is.
 */
public interface JobRequest {

	/** The --dir of the run: its repository, lock and log file. */
	WorkDirectory workDirectory();

	/**
	 * The command as typed ({@code clone}, {@code copy data}), for messages and the lock.
	 */
	String command();

	/** What the first log line says of the run, e.g. "from source ... to target ...". */
	String describe();

}

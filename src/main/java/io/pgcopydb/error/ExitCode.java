package io.pgcopydb.error;

/**
 * The process exit codes, a contract with schedulers (cron, Control-M): a code keeps its
 * meaning across releases. Printed by {@code --help} and documented in jobs/README.md.
 */
public enum ExitCode {

	SUCCESS(0, "done; a step command: its stages are done (the run goes on with the next)"),

	BAD_ARGUMENTS(1, "bad arguments: unknown option, malformed or missing connection string"),

	BAD_CONFIG(2, "bad configuration: pg_dump/pg_restore missing or too old, bad properties"),

	BAD_STATE(3, "bad state: target not empty, run in progress or unfinished in --dir"),

	POSTGRES(4, "other PostgreSQL error"),

	PG_TOOL(5, "pg_dump or pg_restore failed (see the log file the error names)"),

	SOURCE(6, "source error: unreachable, authentication failed, missing database"),

	TARGET(7, "target error: unreachable, authentication failed, missing database"),

	STOPPED(8, "stopped on request (SIGTERM, Ctrl-C); finish with --resume"),

	REPOSITORY(9, "repository error (--repository-url): unreachable, authentication failed"),

	DIFFERENT(10, "compare: source and target differ (the report names what)"),

	INTERNAL(12, "internal error: a bug, please report it with the log file");

	private final int code;

	private final String description;

	ExitCode(int code, String description) {
		this.code = code;
		this.description = description;
	}

	public int code() {
		return this.code;
	}

	public String description() {
		return this.description;
	}

	/** The exit-code table as printed by {@code --help}, one line per code. */
	public static String table() {
		StringBuilder table = new StringBuilder();
		for (ExitCode exitCode : values()) {
			table.append(String.format("  %3d  %s%n", exitCode.code, exitCode.description));
		}
		table.append(String.format("  %3d  %s%n", 143, "killed by a second SIGTERM before a clean stop was recorded"));
		return table.toString();
	}

}

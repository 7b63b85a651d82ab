package io.pgcopydb.config;

/**
 * What every child process we start (pg_dump, pg_restore, pg_config, setpriv) inherits of
 * our environment: everything but our own settings ({@code PGCOPYDB_*}), which are none
 * of its business and some of which hold secrets (a connection string or a repository URL
 * with its password).
 */
public final class ChildProcesses {

	private ChildProcesses() {
	}

	/** Removes our own settings from {@code builder}'s environment; returns it. */
	public static ProcessBuilder withoutOwnSettings(ProcessBuilder builder) {
		builder.environment().keySet().removeIf((name) -> name.startsWith("PGCOPYDB_"));
		return builder;
	}

}

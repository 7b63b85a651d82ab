package io.pgcopydb.config;

import io.pgcopydb.error.ExitCode;

/** Which end of the copy a connection or a failure belongs to. */
public enum Side {

	SOURCE("source", "--source", "PGCOPYDB_SOURCE_PGURI", ExitCode.SOURCE),

	TARGET("target", "--target", "PGCOPYDB_TARGET_PGURI", ExitCode.TARGET);

	private final String label;

	private final String option;

	private final String environmentVariable;

	private final ExitCode exitCode;

	Side(String label, String option, String environmentVariable, ExitCode exitCode) {
		this.label = label;
		this.option = option;
		this.environmentVariable = environmentVariable;
		this.exitCode = exitCode;
	}

	public String label() {
		return this.label;
	}

	public String option() {
		return this.option;
	}

	public String environmentVariable() {
		return this.environmentVariable;
	}

	public ExitCode exitCode() {
		return this.exitCode;
	}

}

package io.pgcopydb;

import io.pgcopydb.cli.PgCopyDbCommand;

/**
 * The pgcopydb program: parses the command line, runs the command, exits with its code.
 */
public final class Application {

	private Application() {
	}

	public static void main(String[] args) {
		System.exit(PgCopyDbCommand.execute(args));
	}

}

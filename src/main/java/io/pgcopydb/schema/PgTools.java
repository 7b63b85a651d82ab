package io.pgcopydb.schema;

import java.nio.file.Path;

/**
 * The pg_dump and pg_restore pair a run uses. Both come from the same directory, so they
 * share one installation and one major version line.
 *
 * @param pgDump the pg_dump program
 * @param pgRestore the pg_restore program
 */
public record PgTools(PgTool pgDump, PgTool pgRestore) {

	/** The directory both programs live in. */
	public Path binDir() {
		return this.pgDump.path().getParent();
	}

}

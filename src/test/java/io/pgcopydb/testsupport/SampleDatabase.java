package io.pgcopydb.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's sample database, {@code jobs/demo/sample-db.sql}: two schemas with the
 * types, constraints and objects a copy tool tends to get wrong (see the script's
 * header). Tests run with the project base directory as working directory, as Maven does.
 */
public final class SampleDatabase {

	/** The script, relative to the project base directory. */
	public static final Path SCRIPT = Path.of("jobs", "demo", "sample-db.sql");

	/**
	 * Rows in {@code public.measurements}, the table big enough to make a copy
	 * non-trivial.
	 */
	public static final long MEASUREMENT_ROWS = 200_000;

	private SampleDatabase() {
	}

	/** Creates database {@code db} (it must not exist) and loads the sample into it. */
	public static void load(PgServer server, String db) {
		Path script = SCRIPT.toAbsolutePath();
		if (!Files.isRegularFile(script)) {
			throw new IllegalStateException("sample database script not found at " + script
					+ ": run the tests from the project base directory");
		}
		server.createDatabase(db);
		server.psql(db, script);
	}

}

package io.pgcopydb.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The pagila sample database from {@code ../shared/data/pagila} (relative to the project
 * base directory), the reference data set for end-to-end clones.
 * <p>
 * A fresh clone of this repository has no {@code ../shared}; tests needing pagila are
 * then skipped with a message saying so, the one place a skip is right: the data is
 * absent, not the infrastructure broken. The dump sets owners to role {@code postgres},
 * the superuser of every test server.
 */
public final class Pagila {

	/** Where the dump files live, relative to the project base directory. */
	public static final Path DIRECTORY = Path.of("..", "shared", "data", "pagila");

	private Pagila() {
	}

	/**
	 * Creates database {@code db} (it must not exist) and loads pagila's schema and data.
	 */
	public static void load(PgServer server, String db) {
		Path directory = DIRECTORY.toAbsolutePath().normalize();
		Assumptions.assumeTrue(Files.isDirectory(directory),
				() -> "pagila not found at " + directory + ": ../shared is absent (fresh clone); skipping");
		server.createDatabase(db);
		server.psql(db, directory.resolve("pagila-schema.sql"));
		server.psql(db, directory.resolve("pagila-data.sql"));
	}

}

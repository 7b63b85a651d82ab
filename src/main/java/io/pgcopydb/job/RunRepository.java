package io.pgcopydb.job;

import java.nio.file.Files;
import java.util.function.Function;

import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;

/**
 * The repository of a --dir, opened to read or steer its runs from outside them
 * ({@code job ...}, {@code list progress}): no lock, no database, and it may run beside a
 * job.
 */
public final class RunRepository {

	private RunRepository() {
	}

	/** Applies {@code action} to the runs recorded in {@code dir}. */
	public static <T> T read(WorkDirectory dir, Function<Runs, T> action) {
		return read(dir, Runs.class, action);
	}

	/**
	 * Applies {@code action} to a job's own queries over the repository of {@code dir}.
	 * @param queries a class whose constructor takes beans of the repository context
	 * (such as a {@code JdbcTemplate}), e.g. the progress queries of one job
	 */
	public static <Q, T> T read(WorkDirectory dir, Class<Q> queries, Function<Q, T> action) {
		if (!Files.exists(dir.repositoryFile())) {
			throw new BadStateException("no pgcopydb run is recorded in --dir " + dir.root() + " (no "
					+ dir.repositoryFile().getFileName() + "): pass the --dir of the run");
		}
		try (ConfigurableApplicationContext context = BatchContext.start(dir, queries)) {
			return action.apply(context.getBean(queries));
		}
	}

}

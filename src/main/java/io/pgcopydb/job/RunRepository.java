package io.pgcopydb.job;

import java.nio.file.Files;
import java.util.function.Function;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

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

	/**
	 * Asks the process running {@code executionId} to stop (see {@link Runs#stop}),
	 * through one plain connection to the repository: no Spring context, so the command
	 * returns in the time the JVM takes to start.
	 */
	public static void stop(WorkDirectory dir, long executionId) {
		requireRepository(dir);
		SingleConnectionDataSource repository = BatchContext.singleConnection(dir);
		try {
			Runs.stop(new JdbcTemplate(repository), executionId, dir);
		}
		finally {
			repository.destroy();
		}
	}

	/**
	 * Applies {@code action} to one plain connection to the repository of {@code dir} (no
	 * Spring context, no lock): for the commands that steer a running job through its
	 * tables, such as {@code stream sentinel set}, and must return at once.
	 */
	public static <T> T withConnection(WorkDirectory dir, Function<JdbcTemplate, T> action) {
		requireRepository(dir);
		SingleConnectionDataSource repository = BatchContext.singleConnection(dir);
		try {
			return action.apply(new JdbcTemplate(repository));
		}
		finally {
			repository.destroy();
		}
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
		requireRepository(dir);
		try (ConfigurableApplicationContext context = BatchContext.start(dir, queries)) {
			return action.apply(context.getBean(queries));
		}
	}

	private static void requireRepository(WorkDirectory dir) {
		if (dir.sharedRepository() != null) {
			if (!dir.hasRecordedRuns()) {
				throw new BadStateException("no pgcopydb run is recorded as " + dir.sharedRepository().schema()
						+ " in the repository " + dir.sharedRepository().connection().endpoint()
						+ ": pass the run's --run-name (or the --dir it was named after)");
			}
		}
		else if (!Files.exists(dir.repositoryFile())) {
			throw new BadStateException("no pgcopydb run is recorded in --dir " + dir.root() + " (no "
					+ dir.repositoryFile().getFileName() + "): pass the --dir of the run");
		}
	}

}

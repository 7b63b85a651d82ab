package io.pgcopydb.compare;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.snapshot.SourceSnapshot;

/**
 * {@code compare data}: every table's rows on the source and the target, each side read
 * in one snapshot of its own (exported once, imported by every worker), tables in
 * parallel, largest first; see {@link TableComparer} for what counts as equal and how the
 * differing rows are found.
 */
public final class DataCompare {

	private static final Logger logger = LoggerFactory.getLogger(DataCompare.class);

	/**
	 * A table to compare.
	 *
	 * @param qualifiedName quoted and qualified
	 * @param displayName schema.name as a person reads it
	 * @param bytes its size on the source, to start with the largest
	 */
	public record Table(String qualifiedName, String displayName, long bytes) {
	}

	/**
	 * @param tableJobs tables compared at once
	 * @param maxRows differing rows listed per table at most
	 */
	public record Options(int tableJobs, int maxRows) {
	}

	/** The tables' diffs, in the order given. */
	public record Report(List<TableDiff> tables) {

		public boolean equal() {
			return this.tables.stream().allMatch(TableDiff::equal);
		}

	}

	private DataCompare() {
	}

	public static Report run(PgEndpoint source, PgEndpoint target, List<Table> tables, Options options) {
		List<Table> largestFirst = new ArrayList<>(tables);
		largestFirst.sort(Comparator.comparingLong(Table::bytes).reversed());
		ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(largestFirst);
		Map<String, TableDiff> diffs = new ConcurrentHashMap<>();
		int workers = Math.max(1, Math.min(options.tableJobs(), tables.size()));
		ExecutorService pool = Executors.newFixedThreadPool(workers, daemon("compare"));
		ExecutorService sides = Executors.newCachedThreadPool(daemon("compare-source"));
		AtomicBoolean failed = new AtomicBoolean();
		try (SourceSnapshot sourceSnapshot = export(source); SourceSnapshot targetSnapshot = export(target)) {
			logger.info("Comparing the rows of {} table(s), {} at a time: source snapshot {}, target snapshot {}",
					tables.size(), workers, sourceSnapshot.id(), targetSnapshot.id());
			TableComparer comparer = new TableComparer(source, target, sides, options.maxRows());
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < workers; i++) {
				running.add(pool.submit(() -> {
					try (Connection sourceConnection = begin(source, sourceSnapshot.id());
							Connection targetConnection = begin(target, targetSnapshot.id())) {
						Table table;
						while (!failed.get() && (table = queue.poll()) != null) {
							long start = System.nanoTime();
							TableDiff diff = comparer.compare(table.qualifiedName(), table.displayName(),
									sourceConnection, targetConnection);
							diffs.put(table.qualifiedName(), diff);
							logger.info("{}: {} ({} ms)", table.displayName(), diff.status().label(),
									(System.nanoTime() - start) / 1_000_000);
						}
					}
					catch (RuntimeException ex) {
						failed.set(true);
						throw ex;
					}
					return null;
				}));
			}
			for (Future<?> future : running) {
				await(future);
			}
		}
		catch (SQLException ex) {
			// ending the snapshots' transactions: the comparison is done
			logger.debug("Closing a compare snapshot: {}", ex.getMessage());
		}
		finally {
			pool.shutdownNow();
			sides.shutdownNow();
		}
		List<TableDiff> ordered = new ArrayList<>();
		for (Table table : tables) {
			ordered.add(diffs.get(table.qualifiedName()));
		}
		return new Report(ordered);
	}

	private static SourceSnapshot export(PgEndpoint endpoint) {
		Connection connection = endpoint.connect("compare data");
		try {
			return SourceSnapshot.export(connection);
		}
		catch (SQLException ex) {
			throw endpoint.failure("exporting a snapshot to compare in", ex);
		}
	}

	private static Connection begin(PgEndpoint endpoint, String snapshot) {
		Connection connection = endpoint.connect("compare data");
		try {
			SourceSnapshot.begin(connection, snapshot);
			return connection;
		}
		catch (SQLException ex) {
			try {
				connection.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw endpoint.failure("importing the compare snapshot", ex);
		}
	}

	private static void await(Future<?> future) {
		try {
			future.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new PgCopyException(ExitCode.INTERNAL, "compare data failed: " + ex.getCause(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PgCopyException(ExitCode.STOPPED, "compare data was interrupted", ex);
		}
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}

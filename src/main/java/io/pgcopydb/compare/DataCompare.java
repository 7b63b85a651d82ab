package io.pgcopydb.compare;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.SlotSnapshot;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;
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
	 * @param follow how to tell replication lag from differences while a follow keeps the
	 * target in sync, or null when nothing writes to the target
	 */
	public record Options(int tableJobs, int maxRows, Follow follow) {
	}

	/**
	 * While a follow runs: each side is read in snapshots taken so that the target's has
	 * applied the source's (the source's from a temporary logical slot, whose consistent
	 * point is its exact position; the target's once the follow applied that position),
	 * and what differs is checked again in new snapshots, at most {@code rechecks} times.
	 *
	 * @param applied where the follow has applied through (its sentinel's replay_lsn)
	 * @param follower the follow, as the errors name it ("the follow of --dir D")
	 * @param rechecks checks after the first, at most
	 * @param timeout how long to wait for the follow to apply a position
	 */
	public record Follow(Supplier<Lsn> applied, String follower, int rechecks, Duration timeout) {
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
		int workers = Math.max(1, Math.min(options.tableJobs(), tables.size()));
		ExecutorService sides = Executors.newCachedThreadPool(daemon("compare-source"));
		Map<String, TableDiff> diffs = new ConcurrentHashMap<>();
		try {
			TableComparer comparer = new TableComparer(source, target, sides, options.maxRows(),
					encoding(source).equals(encoding(target)));
			Follow follow = options.follow();
			if (follow == null) {
				try (SourceSnapshot sourceSnapshot = export(source); SourceSnapshot targetSnapshot = export(target)) {
					logger.info(
							"Comparing the rows of {} table(s), {} at a time: source snapshot {}, target snapshot {}",
							tables.size(), workers, sourceSnapshot.id(), targetSnapshot.id());
					diffs.putAll(round(source, target, sourceSnapshot.id(), targetSnapshot.id(), largestFirst, workers,
							(table, s, t) -> comparer.compare(table.qualifiedName(), table.displayName(), s, t)));
				}
				catch (SQLException ex) {
					// ending the snapshots' transactions: the comparison is done
					logger.debug("Closing a compare snapshot: {}", ex.getMessage());
				}
			}
			else {
				diffs.putAll(inStep(source, target, follow, 0, largestFirst, workers,
						(table, s, t) -> comparer.compare(table.qualifiedName(), table.displayName(), s, t)));
				for (int check = 1; check <= follow.rechecks(); check++) {
					List<Table> differing = largestFirst.stream()
						.filter((table) -> unsettled(diffs.get(table.qualifiedName())))
						.toList();
					if (differing.isEmpty()) {
						break;
					}
					boolean last = check == follow.rechecks();
					logger.info("Checking {} table(s) again once {} has applied a new source position (check {} of {})",
							differing.size(), follow.follower(), check, follow.rechecks());
					diffs.putAll(inStep(source, target, follow, check, differing, workers,
							(table, s, t) -> comparer.recheck(table.qualifiedName(), table.displayName(),
									diffs.get(table.qualifiedName()), s, t, last)));
				}
			}
		}
		finally {
			sides.shutdownNow();
		}
		List<TableDiff> ordered = new ArrayList<>();
		for (Table table : tables) {
			ordered.add(diffs.get(table.qualifiedName()));
		}
		return new Report(ordered);
	}

	/** Whether a check again may change what {@code diff} says. */
	private static boolean unsettled(TableDiff diff) {
		return !diff.equal() && diff.status() != TableDiff.Status.MISSING_ON_TARGET
				&& diff.status() != TableDiff.Status.COLUMNS_DIFFER
				&& (diff.pending() == null || !diff.pending().isEmpty());
	}

	/**
	 * One check of {@code tables} in step with the follow: the source read in a temporary
	 * slot's snapshot, the target in a snapshot taken once the follow applied that slot's
	 * consistent point.
	 */
	private static Map<String, TableDiff> inStep(PgEndpoint source, PgEndpoint target, Follow follow, int check,
			List<Table> tables, int workers, TableWork work) {
		String slot = "pgcopydb_compare_" + ProcessHandle.current().pid() + "_" + check + "_"
				+ Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
		try (SlotSnapshot sourceSnapshot = SlotSnapshot.createTemporary(source, slot, follow.timeout())) {
			Lsn position = sourceSnapshot.consistentPoint();
			Lsn applied = awaitApplied(follow, position);
			Map<String, TableDiff> diffs = Map.of();
			try (SourceSnapshot targetSnapshot = export(target)) {
				logger.info("Comparing {} table(s): source at {} (snapshot {}), target once {} applied {}",
						tables.size(), position, sourceSnapshot.snapshotName(), follow.follower(), applied);
				diffs = round(source, target, sourceSnapshot.snapshotName(), targetSnapshot.id(), tables, workers,
						work);
			}
			catch (SQLException ex) {
				// ending the snapshot's transaction: the check is done
				logger.debug("Closing a compare snapshot: {}", ex.getMessage());
			}
			return diffs;
		}
	}

	/** Waits until the follow has applied {@code position}; what it has applied. */
	private static Lsn awaitApplied(Follow follow, Lsn position) {
		long deadline = System.nanoTime() + follow.timeout().toNanos();
		while (true) {
			Lsn applied = follow.applied().get();
			if (!position.isAfter(applied)) {
				return applied;
			}
			if (System.nanoTime() > deadline) {
				throw new BadStateException(follow.follower() + " has applied the source through " + applied
						+ ", not yet " + position + ", after " + follow.timeout().toSeconds()
						+ " s: is it running (pgcopydb stream sentinel get)? Compare once it has caught up, or without"
						+ " --follow once writes have stopped");
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new PgCopyException(ExitCode.STOPPED, "compare data was interrupted", ex);
			}
		}
	}

	/** What a round does with one table, each side's connection inside its snapshot. */
	@FunctionalInterface
	private interface TableWork {

		TableDiff apply(Table table, Connection source, Connection target);

	}

	/**
	 * Runs {@code work} on each table, {@code workers} at a time, in the two snapshots.
	 */
	private static Map<String, TableDiff> round(PgEndpoint source, PgEndpoint target, String sourceSnapshot,
			String targetSnapshot, List<Table> tables, int workers, TableWork work) {
		ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(tables);
		Map<String, TableDiff> diffs = new ConcurrentHashMap<>();
		int threads = Math.max(1, Math.min(workers, tables.size()));
		ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("compare"));
		AtomicBoolean failed = new AtomicBoolean();
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				running.add(pool.submit(() -> {
					try (Connection sourceConnection = begin(source, sourceSnapshot);
							Connection targetConnection = begin(target, targetSnapshot)) {
						Table table;
						while (!failed.get() && (table = queue.poll()) != null) {
							long start = System.nanoTime();
							TableDiff diff = work.apply(table, sourceConnection, targetConnection);
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
		finally {
			pool.shutdownNow();
		}
		return diffs;
	}

	/** The server's encoding, as {@code SHOW server_encoding} gives it. */
	private static String encoding(PgEndpoint endpoint) {
		try (Connection connection = endpoint.connect("compare data");
				java.sql.Statement statement = connection.createStatement();
				java.sql.ResultSet rs = statement.executeQuery("SHOW server_encoding")) {
			rs.next();
			return rs.getString(1);
		}
		catch (SQLException ex) {
			throw endpoint.failure("reading the server encoding", ex);
		}
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

package io.pgcopydb.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceForeignKey;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.pg.SqlStates;

/**
 * Validates foreign keys created NOT VALID, several at once, the key of the largest table
 * first. {@code VALIDATE CONSTRAINT} locks its table in SHARE UPDATE EXCLUSIVE mode and
 * the referenced table in ROW SHARE mode, so keys that reference one table, which
 * {@code ADD FOREIGN KEY} (SHARE ROW EXCLUSIVE on both) would take one at a time, are
 * checked together. Each validation commits on its own: a run stopped or failed half way
 * keeps those done, and the next one validates what the target still shows NOT VALID.
 */
final class ForeignKeyValidation {

	private static final Logger logger = LoggerFactory.getLogger(ForeignKeyValidation.class);

	private static final String NOT_VALIDATED = "SELECT n.nspname, c.relname, co.conname"
			+ " FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
			+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE co.contype = 'f' AND NOT co.convalidated";

	private ForeignKeyValidation() {
	}

	/**
	 * Validates those of {@code keys} that the target shows NOT VALID, with up to
	 * {@code jobs} sessions.
	 * @param keys in the order to start them (largest table first)
	 * @return how many were validated
	 * @throws DatabaseException naming the first key that failed and the remedy
	 */
	static int validate(PgEndpoint target, List<SourceForeignKey> keys, int jobs) throws InterruptedException {
		List<SourceForeignKey> pending = notValidated(target, keys);
		if (pending.isEmpty()) {
			return 0;
		}
		int sessions = Math.max(1, Math.min(jobs, pending.size()));
		long started = System.nanoTime();
		Queue<SourceForeignKey> queue = new ConcurrentLinkedQueue<>(pending);
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		Set<Statement> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(sessions,
				(runnable) -> new Thread(runnable, "validate-" + threads.incrementAndGet()));
		List<Future<Integer>> workers = new ArrayList<>();
		try {
			for (int i = 0; i < sessions; i++) {
				workers.add(executor.submit(() -> validateFrom(target, queue, failure, running)));
			}
			int validated = 0;
			for (Future<Integer> worker : workers) {
				try {
					validated += worker.get();
				}
				catch (ExecutionException ex) {
					RuntimeException cause = (ex.getCause() instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException(ex.getCause());
					failure.compareAndSet(null, cause);
				}
			}
			if (failure.get() != null) {
				throw failure.get();
			}
			logger.info("Validated {} foreign keys in {} ms, {} at a time", validated,
					(System.nanoTime() - started) / 1_000_000, sessions);
			return validated;
		}
		catch (InterruptedException ex) {
			// a stop request: the validations running now end with their statements
			cancelAll(running);
			throw ex;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** One session: takes keys from the queue until it is empty or a key failed. */
	private static int validateFrom(PgEndpoint target, Queue<SourceForeignKey> queue,
			AtomicReference<RuntimeException> failure, Set<Statement> running) {
		int validated = 0;
		try (Connection session = target.connect("validate foreign keys");
				Statement statement = session.createStatement()) {
			running.add(statement);
			SourceForeignKey key;
			while (failure.get() == null && (key = queue.poll()) != null) {
				long started = System.nanoTime();
				try {
					statement.execute(key.validateSql());
				}
				catch (SQLException ex) {
					if (failure.compareAndSet(null, failure(target, key, ex))) {
						// the others stop: this run fails, and its resume validates them
						cancelAll(running);
					}
					break;
				}
				validated++;
				logger.debug("Validated foreign key {} in {} ms", key.describe(),
						(System.nanoTime() - started) / 1_000_000);
			}
			running.remove(statement);
		}
		catch (SQLException ex) {
			failure.compareAndSet(null, target.failure("connecting to validate foreign keys", ex));
			cancelAll(running);
		}
		return validated;
	}

	private static DatabaseException failure(PgEndpoint target, SourceForeignKey key, SQLException ex) {
		DatabaseException failure = target.failure("validating foreign key " + key.describe(), ex);
		if (!SqlStates.FOREIGN_KEY_VIOLATION.equals(ex.getSQLState())) {
			return failure;
		}
		return new DatabaseException(failure.exitCode(),
				failure.getMessage() + "; the key stays NOT VALID on the"
						+ " target: fix the rows it names, then run the command again with --resume",
				ex.getSQLState(), ex);
	}

	private static void cancelAll(Set<Statement> running) {
		for (Statement statement : running) {
			try {
				statement.cancel();
			}
			catch (SQLException ex) {
				logger.debug("Could not cancel a validation: {}", ex.getMessage());
			}
		}
	}

	/** {@code keys} the target has NOT VALID, in their order. */
	private static List<SourceForeignKey> notValidated(PgEndpoint target, List<SourceForeignKey> keys) {
		Set<List<String>> notValid = new HashSet<>();
		try (Connection session = target.connect("foreign keys to validate");
				Statement statement = session.createStatement();
				ResultSet rows = statement.executeQuery(NOT_VALIDATED)) {
			while (rows.next()) {
				notValid.add(List.of(rows.getString(1), rows.getString(2), rows.getString(3)));
			}
		}
		catch (SQLException ex) {
			throw target.failure("listing the foreign keys to validate", ex);
		}
		return keys.stream()
			.filter((key) -> notValid.contains(List.of(key.schema(), key.table(), key.name())))
			.toList();
	}

}

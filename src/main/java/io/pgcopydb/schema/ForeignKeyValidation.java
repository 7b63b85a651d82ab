package io.pgcopydb.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceForeignKey;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.pg.Identifiers;
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
	 * {@code jobs} sessions, never two keys of one table at once (each would wait for the
	 * other's lock).
	 * @param keys in the order to start them (largest table first)
	 * @return how many were validated
	 * @throws DatabaseException naming the first key that failed and the remedy
	 * @throws InterruptedException on a stop request, once every validation has ended
	 */
	static int validate(PgEndpoint target, List<SourceForeignKey> keys, int jobs) throws InterruptedException {
		List<SourceForeignKey> pending = notValidated(target, keys);
		if (pending.isEmpty()) {
			return 0;
		}
		long tables = pending.stream().map(SourceForeignKey::tableOid).distinct().count();
		int sessions = (int) Math.max(1, Math.min(jobs, tables));
		long started = System.nanoTime();
		Schedule schedule = new Schedule(pending);
		Set<Statement> running = ConcurrentHashMap.newKeySet();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(sessions,
				(runnable) -> new Thread(runnable, "validate-" + threads.incrementAndGet()));
		List<Future<Integer>> workers = new ArrayList<>();
		try {
			for (int i = 0; i < sessions; i++) {
				workers.add(executor.submit(() -> validateFrom(target, schedule, running)));
			}
			int validated = 0;
			for (Future<Integer> worker : workers) {
				try {
					validated += worker.get();
				}
				catch (ExecutionException ex) {
					schedule.fail((ex.getCause() instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException(ex.getCause()));
				}
			}
			if (schedule.failure() != null) {
				throw schedule.failure();
			}
			logger.info("Validated {} foreign keys in {} ms, up to {} at a time", validated,
					(System.nanoTime() - started) / 1_000_000, sessions);
			return validated;
		}
		catch (InterruptedException ex) {
			// a stop request: no key starts any more, and those running are cancelled
			schedule.fail(new IllegalStateException("stopped"));
			cancelAll(running);
			executor.shutdown();
			awaitUninterruptibly(executor);
			throw ex;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** One session: validates keys until none is left or one failed. */
	private static int validateFrom(PgEndpoint target, Schedule schedule, Set<Statement> running)
			throws InterruptedException {
		int validated = 0;
		try (Connection session = target.connect("validate foreign keys");
				Statement statement = session.createStatement()) {
			running.add(statement);
			try {
				SourceForeignKey key;
				while ((key = schedule.next()) != null) {
					long started = System.nanoTime();
					try {
						statement.execute(key.validateSql());
					}
					catch (SQLException ex) {
						if (schedule.fail(failure(target, key, ex))) {
							// the others stop: this run fails, and its resume validates
							// them
							cancelAll(running);
						}
						break;
					}
					finally {
						schedule.done(key);
					}
					validated++;
					logger.debug("Validated foreign key {} in {} ms", key.describe(),
							(System.nanoTime() - started) / 1_000_000);
				}
			}
			finally {
				running.remove(statement);
			}
		}
		catch (SQLException ex) {
			if (schedule.fail(target.failure("connecting to validate foreign keys", ex))) {
				cancelAll(running);
			}
		}
		return validated;
	}

	/**
	 * A failure names the key; for rows without a match, the row the server reports and
	 * the remedy.
	 */
	static DatabaseException failure(PgEndpoint target, SourceForeignKey key, SQLException ex) {
		DatabaseException failure = target.failure("validating foreign key " + key.describe(), ex);
		if (!SqlStates.FOREIGN_KEY_VIOLATION.equals(ex.getSQLState())) {
			return failure;
		}
		String detail = (ex instanceof PSQLException psql && psql.getServerErrorMessage() != null)
				? psql.getServerErrorMessage().getDetail() : null;
		return new DatabaseException(failure.exitCode(),
				"validating foreign key " + key.describe() + " on the target " + target.connectionString().endpoint()
						+ ": a row of " + Identifiers.displayQualified(key.schema(), key.table())
						+ " has no match in the table it references"
						+ ((detail != null) ? " (" + SqlStates.firstLine(detail) + ")" : "")
						+ "; the key stays NOT VALID on the target: fix those rows, then run the command again"
						+ " with --resume",
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

	private static void awaitUninterruptibly(ExecutorService executor) {
		boolean interrupted = false;
		while (true) {
			try {
				if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
					break;
				}
				logger.warn("Foreign key validations still running a minute after the stop request");
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The keys left to validate, handed out in order but never a key of a table whose
	 * validation is running; the first failure, after which none is handed out.
	 */
	private static final class Schedule {

		private final List<SourceForeignKey> left;

		private final Set<Long> busyTables = new HashSet<>();

		private RuntimeException failure;

		Schedule(List<SourceForeignKey> keys) {
			this.left = new ArrayList<>(keys);
		}

		/** The next key to validate, waiting while only busy tables' keys are left. */
		synchronized SourceForeignKey next() throws InterruptedException {
			while (this.failure == null && !this.left.isEmpty()) {
				for (int i = 0; i < this.left.size(); i++) {
					SourceForeignKey key = this.left.get(i);
					if (this.busyTables.add(key.tableOid())) {
						this.left.remove(i);
						return key;
					}
				}
				wait();
			}
			return null;
		}

		synchronized void done(SourceForeignKey key) {
			this.busyTables.remove(key.tableOid());
			notifyAll();
		}

		/** Records the first failure; true when this was it. */
		synchronized boolean fail(RuntimeException failure) {
			boolean first = this.failure == null;
			if (first) {
				this.failure = failure;
			}
			notifyAll();
			return first;
		}

		synchronized RuntimeException failure() {
			return this.failure;
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

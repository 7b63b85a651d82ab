package io.pgcopydb.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/**
 * {@code pgcopydb ping}: can this machine reach both databases, and what are they.
 * Connection failures that may pass (the server starting up or refusing for a moment, too
 * many connections, the network) are tried again until {@code --timeout}; a wrong
 * password or a missing database is final at once. The source is also asked whether a
 * follow can decode its WAL (wal_level, REPLICATION, free slots and WAL senders): said,
 * not a failure, since a clone does not need it.
 */
@Command(name = "ping", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Check that the source and target databases accept connections: their versions, and whether"
				+ " the source allows logical decoding (clone --follow). Exit 0 when both answer; 6 when the source"
				+ " does not, 7 when the target does not.")
final class PingCommand implements Callable<Integer> {

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = "--target", paramLabel = "<uri>",
			description = "Target database connection string (default: $PGCOPYDB_TARGET_PGURI).")
	String target;

	@Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "10",
			description = "How long to keep trying a database that does not answer yet (default 10).")
	int timeout;

	@Option(names = "--json", description = "Print JSON on stdout instead of text.")
	boolean json;

	@Override
	public Integer call() {
		if (this.timeout < 0) {
			throw new io.pgcopydb.error.BadArgumentsException("--timeout " + this.timeout + " must be 0 or more");
		}
		PgEndpoint sourceEndpoint = Endpoints.of(Side.SOURCE, this.source);
		PgEndpoint targetEndpoint = Endpoints.of(Side.TARGET, this.target);
		Duration wait = Duration.ofSeconds(this.timeout);
		Map<String, Object> source = ping(sourceEndpoint, wait, true);
		Map<String, Object> target = ping(targetEndpoint, wait, false);
		if (this.json) {
			Map<String, Object> both = new LinkedHashMap<>();
			both.put("source", source);
			both.put("target", target);
			Json.print(both);
		}
		else {
			print("source", source);
			print("target", target);
		}
		if (source.get("error") != null) {
			return ExitCode.SOURCE.code();
		}
		return (target.get("error") != null) ? ExitCode.TARGET.code() : ExitCode.SUCCESS.code();
	}

	private static void print(String side, Map<String, Object> result) {
		if (result.get("error") != null) {
			System.out.printf("%-7s %s: %s%n", side, result.get("endpoint"), result.get("error"));
			return;
		}
		System.out.printf("%-7s %s: PostgreSQL %s, answered in %s ms%n", side, result.get("endpoint"),
				result.get("server_version"), result.get("connect_ms"));
		if (result.get("logical_decoding") != null) {
			System.out.printf("%-7s logical decoding: %s%n", "", result.get("logical_decoding"));
		}
	}

	/**
	 * One connection and its queries, in a thread of its own given {@code nanos} to
	 * finish; the server version and, for the source, what logical decoding needs.
	 */
	private static Map<String, Object> attempt(PgEndpoint endpoint, boolean source, long nanos)
			throws SQLException, TimeoutException {
		FutureTask<Map<String, Object>> task = new FutureTask<>(() -> {
			Map<String, Object> found = new LinkedHashMap<>();
			try (Connection connection = endpoint.connect("ping")) {
				found.put("server_version", connection.getMetaData().getDatabaseProductVersion());
				if (source) {
					decoding(connection, found);
				}
			}
			return found;
		});
		Thread thread = new Thread(task, "ping-" + endpoint.side().label());
		thread.setDaemon(true);
		thread.start();
		try {
			return task.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PgCopyException(ExitCode.STOPPED, "ping was interrupted", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof SQLException sql) {
				throw sql;
			}
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new PgCopyException(ExitCode.INTERNAL, "ping failed: " + ex.getCause(), ex.getCause());
		}
		catch (TimeoutException ex) {
			task.cancel(true);
			throw ex;
		}
	}

	/** Connects, again while the failure may pass and time is left; what it found. */
	static Map<String, Object> ping(PgEndpoint endpoint, Duration wait, boolean source) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("endpoint", endpoint.connectionString().endpoint());
		long deadline = System.nanoTime() + wait.toNanos();
		long pause = 250;
		int attempts = 0;
		while (true) {
			attempts++;
			long start = System.nanoTime();
			try {
				// an attempt that hangs (a host that drops packets) ends with --timeout
				// too
				long left = Math.max(deadline - start, TimeUnit.SECONDS.toNanos(1));
				Map<String, Object> found = attempt(endpoint, source, left);
				result.put("connect_ms", (System.nanoTime() - start) / 1_000_000);
				result.put("attempts", attempts);
				result.putAll(found);
				result.put("error", null);
				return result;
			}
			catch (TimeoutException ex) {
				result.put("attempts", attempts);
				result.put("error", "no answer within " + wait.toSeconds() + " s (--timeout): check the host, the port"
						+ " and the network (a firewall that drops packets)");
				return result;
			}
			catch (PgCopyException ex) {
				boolean passing = ex instanceof DatabaseException database && mayPass(database.sqlState());
				if (!passing || System.nanoTime() + pause * 1_000_000 > deadline) {
					result.put("attempts", attempts);
					result.put("error", ex.getMessage());
					return result;
				}
			}
			catch (SQLException ex) {
				result.put("attempts", attempts);
				result.put("error", endpoint.failure("checking the " + endpoint.side().label(), ex).getMessage());
				return result;
			}
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				result.put("error", "interrupted");
				return result;
			}
			pause = Math.min(pause * 2, 2000);
		}
	}

	/**
	 * Connection failures that may pass: the network or the server not answering (08),
	 * starting up or shutting down (57P03), too many connections (53300).
	 */
	private static boolean mayPass(String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || "57P03".equals(sqlState) || "53300".equals(sqlState));
	}

	/** What a follow needs of the source, and the remedy for what is missing. */
	private static void decoding(Connection connection, Map<String, Object> result) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("ping_logical_decoding"))) {
			if (!rs.next()) {
				return;
			}
			String walLevel = rs.getString("wal_level");
			boolean canReplicate = rs.getBoolean("can_replicate");
			int freeSlots = rs.getInt("max_slots") - rs.getInt("used_slots");
			int freeSenders = rs.getInt("max_wal_senders") - rs.getInt("used_wal_senders");
			result.put("wal_level", walLevel);
			result.put("replication_privilege", canReplicate);
			result.put("free_replication_slots", freeSlots);
			result.put("free_wal_senders", freeSenders);
			List<String> missing = new ArrayList<>();
			if (!"logical".equals(walLevel)) {
				missing.add("wal_level is " + walLevel + " (set wal_level = logical and restart the server)");
			}
			if (!canReplicate) {
				missing.add("the role lacks REPLICATION (ALTER ROLE ... REPLICATION)");
			}
			if (freeSlots < 1) {
				missing.add("no free replication slot (raise max_replication_slots, or drop an unused slot)");
			}
			if (freeSenders < 1) {
				missing.add("no free WAL sender (raise max_wal_senders)");
			}
			result
				.put("logical_decoding",
						missing.isEmpty()
								? "ready (wal_level logical, REPLICATION, " + freeSlots + " free slot(s), "
										+ freeSenders + " free WAL sender(s))"
								: "not ready: " + String.join("; ", missing));
		}
	}

}

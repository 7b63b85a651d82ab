package io.pgcopydb.database;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.pgcopydb.pg.Identifiers;

/**
 * Copies the rows of one extension's configuration tables (those matching each table's
 * registered condition, as pg_dump does) and the positions of its configuration
 * sequences. On the target, in one transaction, the rows matching the conditions are
 * deleted (children before the tables their foreign keys point to) and the source's are
 * copied in (parents first): the rows the extension's own script inserted, which the
 * conditions leave out, stay, and a retry or a second pass gives the same result.
 */
public final class ExtensionConfigRows {

	private ExtensionConfigRows() {
	}

	/**
	 * @param source a session reading the source (in the run's snapshot, for a clone)
	 * @param target an autocommit target session; left in autocommit
	 * @param tables the configuration tables and sequences of one extension
	 * @return the number of rows copied (1 per sequence)
	 */
	public static long copy(Connection source, Connection target, List<Extensions.ConfigTable> tables)
			throws SQLException {
		List<Extensions.ConfigTable> ordered = parentsFirst(tables);
		boolean committed = false;
		target.setAutoCommit(false);
		try {
			try (Statement statement = target.createStatement()) {
				for (int i = ordered.size() - 1; i >= 0; i--) {
					Extensions.ConfigTable table = ordered.get(i);
					if (table.relkind() != 'S') {
						statement.execute("DELETE FROM " + table.qualifiedName() + where(table));
					}
				}
			}
			long rows = 0;
			for (Extensions.ConfigTable table : ordered) {
				rows += (table.relkind() == 'S') ? copySequence(source, target, table)
						: stream(source, target,
								"COPY (SELECT " + table.columnList() + " FROM " + table.qualifiedName() + where(table)
										+ ") TO STDOUT",
								"COPY " + table.qualifiedName() + " (" + table.columnList() + ") FROM STDIN");
			}
			target.commit();
			committed = true;
			return rows;
		}
		finally {
			if (!committed) {
				rollbackQuietly(target);
			}
			target.setAutoCommit(true);
		}
	}

	/** The tables, each after those its foreign keys point to; ties keep their order. */
	static List<Extensions.ConfigTable> parentsFirst(List<Extensions.ConfigTable> tables) {
		Map<String, Extensions.ConfigTable> byName = new LinkedHashMap<>();
		tables.forEach((table) -> byName.put(table.displayName(), table));
		List<Extensions.ConfigTable> ordered = new ArrayList<>();
		Set<String> visited = new HashSet<>();
		for (Extensions.ConfigTable table : tables) {
			visit(table, byName, visited, ordered);
		}
		return ordered;
	}

	private static void visit(Extensions.ConfigTable table, Map<String, Extensions.ConfigTable> byName,
			Set<String> visited, List<Extensions.ConfigTable> ordered) {
		if (!visited.add(table.displayName())) {
			return;
		}
		for (String parent : table.referenced()) {
			Extensions.ConfigTable referenced = byName.get(parent);
			if (referenced != null) {
				visit(referenced, byName, visited, ordered);
			}
		}
		ordered.add(table);
	}

	private static String where(Extensions.ConfigTable table) {
		return table.condition().isBlank() ? "" : " " + table.condition();
	}

	private static void rollbackQuietly(Connection target) {
		try {
			target.rollback();
		}
		catch (SQLException ignored) {
			// the failure being reported matters more; a broken session rolls back anyway
		}
	}

	private static long stream(Connection source, Connection target, String copyOut, String copyIn)
			throws SQLException {
		CopyManager from = source.unwrap(PGConnection.class).getCopyAPI();
		CopyManager into = target.unwrap(PGConnection.class).getCopyAPI();
		try (PipedInputStream in = new PipedInputStream(64 * 1024); PipedOutputStream out = new PipedOutputStream(in)) {
			CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
				try (out) {
					return from.copyOut(copyOut, out);
				}
				catch (SQLException | IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			long rows = into.copyIn(copyIn, in);
			reader.get();
			return rows;
		}
		catch (IOException ex) {
			throw new SQLException("copying extension configuration rows: " + ex.getMessage(), "08006", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("interrupted while copying extension configuration rows", "57014", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause().getCause();
			throw (cause instanceof SQLException sql) ? sql
					: new SQLException("reading extension configuration rows: " + cause, "08006", cause);
		}
	}

	private static long copySequence(Connection source, Connection target, Extensions.ConfigTable table)
			throws SQLException {
		long lastValue;
		boolean called;
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT last_value, is_called FROM " + table.qualifiedName())) {
			rs.next();
			lastValue = rs.getLong(1);
			called = rs.getBoolean(2);
		}
		try (Statement statement = target.createStatement()) {
			statement.execute("SELECT pg_catalog.setval(" + Identifiers.literal(table.qualifiedName()) + ", "
					+ lastValue + ", " + called + ")");
		}
		return 1;
	}

}

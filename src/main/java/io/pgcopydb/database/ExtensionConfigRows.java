package io.pgcopydb.database;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.pgcopydb.pg.Identifiers;

/**
 * Copies the rows of one extension configuration table (those matching its registered
 * condition, as pg_dump does) or the position of one configuration sequence. On the
 * target, in one transaction, the rows matching the condition are deleted and the
 * source's are copied in: the rows the extension's own script inserted (which the
 * condition leaves out) stay, and a retry gives the same result.
 */
public final class ExtensionConfigRows {

	private ExtensionConfigRows() {
	}

	/**
	 * @param source a session reading the source (in the run's snapshot, for a clone)
	 * @param target an autocommit target session; left in autocommit
	 * @return the number of rows copied (1 for a sequence)
	 */
	public static long copy(Connection source, Connection target, Extensions.ConfigTable table) throws SQLException {
		if (table.relkind() == 'S') {
			return copySequence(source, target, table);
		}
		String where = table.condition().isBlank() ? "" : " " + table.condition();
		String columns = " (" + table.columnList() + ")";
		target.setAutoCommit(false);
		try {
			try (Statement statement = target.createStatement()) {
				statement.execute("DELETE FROM " + table.qualifiedName() + where);
			}
			long rows = stream(source, target,
					"COPY (SELECT " + table.columnList() + " FROM " + table.qualifiedName() + where + ") TO STDOUT",
					"COPY " + table.qualifiedName() + columns + " FROM STDIN");
			target.commit();
			return rows;
		}
		catch (SQLException ex) {
			target.rollback();
			throw ex;
		}
		finally {
			target.setAutoCommit(true);
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

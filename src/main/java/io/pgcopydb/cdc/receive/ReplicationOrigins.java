package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.pg.SqlStates;

/**
 * The replication origin on the target, where apply records the source position it has
 * committed
 * (<a href="https://www.postgresql.org/docs/15/replication-origins.html">replication
 * progress tracking</a>). Origins are cluster-wide: they survive DROP DATABASE, hence the
 * per-run default names of {@link StreamNames}. The functions are superuser-only unless
 * granted ({@code GRANT EXECUTE ON FUNCTION pg_replication_origin_create(text)} and the
 * others).
 */
public final class ReplicationOrigins {

	private ReplicationOrigins() {
	}

	public static boolean exists(Connection target, String name) throws SQLException {
		try (PreparedStatement query = target
			.prepareStatement("SELECT 1 FROM pg_catalog.pg_replication_origin WHERE roname = ?")) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

	/** Creates {@code name} unless it exists; returns whether this call created it. */
	public static boolean createIfMissing(Connection target, String name) throws SQLException {
		if (exists(target, name)) {
			return false;
		}
		try (PreparedStatement call = target.prepareStatement("SELECT pg_catalog.pg_replication_origin_create(?)")) {
			call.setString(1, name);
			call.execute();
		}
		return true;
	}

	/** Sets the origin's position, where apply starts (the slot's consistent point). */
	public static void advance(Connection target, String name, Lsn position) throws SQLException {
		try (PreparedStatement call = target
			.prepareStatement("SELECT pg_catalog.pg_replication_origin_advance(?, ?::pg_lsn)")) {
			call.setString(1, name);
			call.setString(2, position.asString());
			call.execute();
		}
	}

	/**
	 * The origin's flushed position ({@code pg_replication_origin_progress(name, true)}),
	 * {@link Lsn#INVALID} when it has none, null when the origin does not exist.
	 */
	public static Lsn progress(Connection target, String name) throws SQLException {
		if (!exists(target, name)) {
			return null;
		}
		try (PreparedStatement query = target
			.prepareStatement("SELECT pg_catalog.pg_replication_origin_progress(?, true)::text")) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				String lsn = rs.getString(1);
				return (lsn != null) ? Lsn.parse(lsn, "origin " + name) : Lsn.INVALID;
			}
		}
	}

	/** How long dropping waits for the session that has the origin set up to end. */
	static final Duration IN_USE_WAIT = Duration.ofSeconds(10);

	/**
	 * Drops the origin; false when there is none. An origin in use (a session still has
	 * it set up) is tried again for {@link #IN_USE_WAIT}, then the failure is passed on.
	 */
	public static boolean drop(Connection target, String name) throws SQLException {
		for (String session : sessionOrigins(target, name)) {
			dropOne(target, session);
		}
		return dropOne(target, name);
	}

	/**
	 * The origin of apply session {@code index} of a follow whose origin is
	 * {@code origin}: the follow's own for the first session, one derived from it for
	 * each other ({@code --apply-jobs}).
	 */
	public static String sessionOrigin(String origin, int index) {
		return (index == 0) ? origin : origin + SESSION_SUFFIX + (index + 1);
	}

	private static final String SESSION_SUFFIX = ".apply";

	/** The origins of the other apply sessions of {@code origin} that exist. */
	public static List<String> sessionOrigins(Connection target, String origin) throws SQLException {
		List<String> names = new ArrayList<>();
		String prefix = origin + SESSION_SUFFIX;
		try (PreparedStatement query = target.prepareStatement(
				"SELECT roname FROM pg_catalog.pg_replication_origin WHERE pg_catalog.left(roname, ?) = ? ORDER BY 1")) {
			query.setInt(1, prefix.length());
			query.setString(2, prefix);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					String name = rs.getString(1);
					if (name.substring(prefix.length()).matches("[0-9]+")) {
						names.add(name);
					}
				}
			}
		}
		return names;
	}

	private static boolean dropOne(Connection target, String name) throws SQLException {
		if (!exists(target, name)) {
			return false;
		}
		long deadline = System.nanoTime() + IN_USE_WAIT.toNanos();
		while (true) {
			try (PreparedStatement call = target.prepareStatement("SELECT pg_catalog.pg_replication_origin_drop(?)")) {
				call.setString(1, name);
				call.execute();
				return true;
			}
			catch (SQLException ex) {
				// the session of a follow that just ended may not have exited yet
				if (!SqlStates.OBJECT_IN_USE.equals(ex.getSQLState()) || System.nanoTime() > deadline) {
					throw ex;
				}
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("interrupted while replication origin " + name + " was in use", ex);
			}
		}
	}

}

package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.SessionTag;
import io.pgcopydb.pg.SqlStates;

/**
 * The backends of a server that carry given {@link SessionTag session tags} in their
 * application_name, and ending them with {@code pg_terminate_backend}: what processes of
 * a --dir that no longer run left working there. Ending one needs the same role or
 * membership in {@code pg_signal_backend}; a superuser's backend only a superuser ends.
 */
public final class TaggedBackends {

	private TaggedBackends() {
	}

	/** The backends other than {@code session}'s that carry one of {@code tags}. */
	public static List<Backend> list(Connection session, Collection<SessionTag> tags) throws SQLException {
		List<Backend> backends = new ArrayList<>();
		try (PreparedStatement statement = session.prepareStatement(SqlFiles.load("list_tagged_backends"))) {
			statement.setArray(1,
					session.createArrayOf("text", tags.stream().map(SessionTag::value).toArray(String[]::new)));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					backends.add(new Backend(rs.getInt("pid"), rs.getString("datname"), rs.getString("usename"),
							rs.getString("application_name"), rs.getString("state"), rs.getString("wait_event_type"),
							rs.getString("wait_event"), rs.getString("command"), rs.getLong("seconds")));
				}
			}
		}
		return backends;
	}

	/**
	 * Ends {@code backend}.
	 * @return false when this role may not signal it
	 */
	public static boolean terminate(Connection session, Backend backend) throws SQLException {
		try (PreparedStatement statement = session.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
			statement.setInt(1, backend.pid());
			statement.execute();
			return true;
		}
		catch (SQLException ex) {
			if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * One backend, as pg_stat_activity shows it.
	 *
	 * @param command the first keyword of its statement (CREATE, COPY...), null when
	 * hidden
	 * @param seconds how long its statement (or, with none, its session) has run
	 */
	public record Backend(int pid, String database, String user, String applicationName, String state,
			String waitEventType, String waitEvent, String command, long seconds) {

		/**
		 * pid, database, role, application_name, and what it does: state, statement kind,
		 * duration and wait; never the query text, which may hold data.
		 */
		public String describe() {
			StringBuilder text = new StringBuilder("pid " + this.pid + " (database " + this.database + ", role "
					+ this.user + ", application_name '" + this.applicationName + "'");
			if (this.state != null) {
				text.append(", ").append(this.state);
				if (this.command != null && !this.command.isEmpty()) {
					text.append(' ').append(this.command);
				}
				text.append(" for ").append(this.seconds).append(" s");
			}
			if (this.waitEventType != null) {
				text.append(", waiting on ").append(this.waitEventType).append(':').append(this.waitEvent);
			}
			return text.append(')').toString();
		}

	}

}

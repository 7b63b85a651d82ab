package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.config.SessionTag;
import io.pgcopydb.error.BadStateException;

/**
 * Logical replication slots on the source, as {@code pg_replication_slots} shows them,
 * and how a follow drops its own: a slot still streaming to a walsender that a killed
 * process of ours left behind is freed by ending that walsender, never one of another
 * program.
 */
public final class ReplicationSlots {

	private static final Duration RELEASE_WAIT = Duration.ofSeconds(10);

	private ReplicationSlots() {
	}

	/**
	 * @param activePid the walsender streaming from it, 0 when none
	 * @param applicationName that walsender's application_name, null when none
	 * @param confirmedFlush the position the slot restarts from
	 */
	public record Slot(String name, String plugin, String database, int activePid, String applicationName,
			Lsn confirmedFlush) {
	}

	public static Optional<Slot> find(Connection source, String name) throws SQLException {
		try (PreparedStatement query = source.prepareStatement("SELECT s.slot_name, s.plugin, s.database,"
				+ " COALESCE(s.active_pid, 0), a.application_name, s.confirmed_flush_lsn::text"
				+ " FROM pg_catalog.pg_replication_slots s"
				+ " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = ?")) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				return Optional.of(new Slot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
						rs.getString(5), Lsn.ofNullable(rs.getString(6))));
			}
		}
	}

	/**
	 * Drops {@code name}; returns whether it existed. An active slot is freed first when
	 * its walsender is one of ours (application_name {@code pgcopydb[...]}).
	 * @throws BadStateException when another program streams from it
	 */
	public static boolean drop(Connection source, String name, String where) throws SQLException {
		Optional<Slot> found = find(source, name);
		if (found.isEmpty()) {
			return false;
		}
		Slot slot = found.get();
		if (slot.activePid() != 0) {
			String app = slot.applicationName();
			if (app == null || !app.startsWith(SessionTag.PREFIX)) {
				throw new BadStateException("replication slot " + name + " on the " + where + " is in use by pid "
						+ slot.activePid() + " (application_name '" + app
						+ "'), which is not pgcopydb: stop that client first, then run stream cleanup again");
			}
			try (PreparedStatement end = source.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
				end.setInt(1, slot.activePid());
				end.execute();
			}
			waitReleased(source, name, where);
		}
		try (PreparedStatement drop = source.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
			drop.setString(1, name);
			drop.execute();
		}
		return true;
	}

	private static void waitReleased(Connection source, String name, String where) throws SQLException {
		long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<Slot> slot = find(source, name);
			if (slot.isEmpty() || slot.get().activePid() == 0) {
				return;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new BadStateException("replication slot " + name + " on the " + where + " is still in use "
				+ RELEASE_WAIT.toSeconds() + " s after its pgcopydb walsender was ended: run stream cleanup again");
	}

	/**
	 * The source cluster's identity, recorded with the slot: IDENTIFY_SYSTEM on a
	 * replication session, which any role with REPLICATION may run (pg_control_system()
	 * may not be granted).
	 */
	public static String systemIdentifier(Connection replicationSession) throws SQLException {
		try (java.sql.Statement statement = replicationSession.createStatement();
				ResultSet rs = statement.executeQuery("IDENTIFY_SYSTEM")) {
			rs.next();
			return rs.getString("systemid");
		}
	}

}

package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.pg.ByteSize;

/**
 * How much WAL a follow's slot holds back on the source, and whether the source may take
 * it away: what a DBA checks before a long follow eats the source's disk or the slot is
 * invalidated ({@code max_slot_wal_keep_size}). Read from {@code pg_replication_slots};
 * nothing is kept.
 *
 * @param slot the slot's name
 * @param active whether a walsender streams from it now
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
 * @param safeWalSize bytes of WAL the source may still write before the slot is in danger
 * of being lost; null when {@code max_slot_wal_keep_size} is -1 (no limit)
 * @param retainedBytes {@code pg_current_wal_lsn() - restart_lsn}: the WAL the slot keeps
 * on the source's disk
 * @param restartLsn the oldest WAL the slot needs
 * @param confirmedFlush where streaming restarts
 */
public record SlotHealth(String slot, boolean active, String walStatus, Long safeWalSize, long retainedBytes,
		Lsn restartLsn, Lsn confirmedFlush) {

	/**
	 * Below this much WAL left before the slot may be lost, the follow's progress line
	 * warns: at a few hundred MB of writes a minute it is minutes of headroom.
	 */
	public static final long LOW_SAFE_WAL_BYTES = 1024L * 1024 * 1024;

	/** The health of {@code slot}, or empty when the source has no such slot. */
	public static Optional<SlotHealth> read(Connection source, String slot) throws SQLException {
		try (PreparedStatement query = source.prepareStatement("SELECT s.active, s.wal_status, s.safe_wal_size,"
				+ " COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), s.restart_lsn), 0)::bigint,"
				+ " s.restart_lsn::text, s.confirmed_flush_lsn::text"
				+ " FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?")) {
			query.setString(1, slot);
			try (ResultSet rs = query.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				long safe = rs.getLong(3);
				Long safeWalSize = rs.wasNull() ? null : safe;
				return Optional.of(new SlotHealth(slot, rs.getBoolean(1), rs.getString(2), safeWalSize, rs.getLong(4),
						Lsn.ofNullable(rs.getString(5)), Lsn.ofNullable(rs.getString(6))));
			}
		}
	}

	/**
	 * What an operator must hear about now, or null: the source no longer guarantees the
	 * slot's WAL ({@code unreserved}), has removed it ({@code lost}: the follow cannot
	 * continue), or is close to that.
	 */
	public String warning() {
		if ("lost".equals(this.walStatus)) {
			return "replication slot " + this.slot + " is lost (wal_status lost): the source removed WAL the follow"
					+ " needs; the follow cannot continue, start over with --restart";
		}
		if ("unreserved".equals(this.walStatus)) {
			return "replication slot " + this.slot + " holds " + ByteSize.pretty(this.retainedBytes)
					+ " of WAL beyond max_slot_wal_keep_size (wal_status unreserved): the source will remove it at"
					+ " its next checkpoint unless the follow catches up; raise max_slot_wal_keep_size on the source";
		}
		if (this.safeWalSize != null && this.safeWalSize < LOW_SAFE_WAL_BYTES) {
			return "replication slot " + this.slot + " is " + ByteSize.pretty(Math.max(0, this.safeWalSize))
					+ " of WAL away from being lost (safe_wal_size): raise max_slot_wal_keep_size on the source, or"
					+ " let the follow catch up";
		}
		return null;
	}

}

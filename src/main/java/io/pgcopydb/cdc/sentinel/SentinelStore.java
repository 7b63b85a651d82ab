package io.pgcopydb.cdc.sentinel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;

/**
 * Reads and writes the {@link Sentinel} in the repository (table
 * {@code PGCOPYDB_SENTINEL}, one row per --dir): the streaming job and the
 * {@code stream sentinel} commands, in different processes, through the same rows. Each
 * method is one short autocommit statement (the SQLite repository queues writers, a long
 * transaction would hold up the job); LSNs are stored as {@code X/Y} text, times as
 * ISO-8601 UTC text.
 */
public final class SentinelStore {

	private static final String COLUMNS = "STARTPOS, ENDPOS, APPLY, WRITE_LSN, FLUSH_LSN, REPLAY_LSN, REPLAY_TIME, UPDATED";

	private static final String NO_SENTINEL = "no follow is set up in this --dir (no sentinel in its repository):"
			+ " run pgcopydb stream setup or clone --follow with this --dir";

	private final JdbcTemplate repository;

	public SentinelStore(JdbcTemplate repository) {
		this.repository = repository;
	}

	/**
	 * Starts a new sentinel: startpos set, endpos none unless given, apply off, the
	 * positions reached reset to {@code 0/0}.
	 */
	public void init(Lsn startpos, Lsn endpos) {
		String now = Instant.now().toString();
		String none = Lsn.INVALID.asString();
		update("INSERT INTO PGCOPYDB_SENTINEL (ID, " + COLUMNS + ") VALUES (1, ?, ?, 0, ?, ?, ?, NULL, ?) "
				+ "ON CONFLICT (ID) DO UPDATE SET STARTPOS = excluded.STARTPOS, ENDPOS = excluded.ENDPOS, APPLY = 0, "
				+ "WRITE_LSN = excluded.WRITE_LSN, FLUSH_LSN = excluded.FLUSH_LSN, REPLAY_LSN = excluded.REPLAY_LSN, "
				+ "REPLAY_TIME = NULL, UPDATED = excluded.UPDATED", startpos.asString(),
				((endpos != null) ? endpos : Lsn.INVALID).asString(), none, none, none, now);
	}

	/**
	 * Whether a sentinel was started in this --dir ({@code stream setup} records the slot
	 * only: the first follow on it starts the sentinel).
	 */
	public boolean exists() {
		try {
			return !this.repository.queryForList("SELECT 1 FROM PGCOPYDB_SENTINEL WHERE ID = 1").isEmpty();
		}
		catch (DataAccessException ex) {
			throw missingTable(ex);
		}
	}

	/** The sentinel; fails with a remedy when none was set up in this --dir. */
	public Sentinel get() {
		List<Sentinel> rows;
		try {
			rows = this.repository.query("SELECT " + COLUMNS + " FROM PGCOPYDB_SENTINEL WHERE ID = 1",
					(rs, row) -> sentinel(rs));
		}
		catch (DataAccessException ex) {
			throw missingTable(ex);
		}
		if (rows.isEmpty()) {
			throw new BadStateException(NO_SENTINEL);
		}
		return rows.get(0);
	}

	public void setStartpos(Lsn startpos) {
		set("STARTPOS = ?", startpos.asString());
	}

	/**
	 * Sets where the follow ends ({@link Lsn#INVALID}: no end).
	 * @throws BadArgumentsException when {@code endpos} is before what the target has
	 * applied already: the follow could not stop there
	 */
	public void setEndpos(Lsn endpos) {
		Sentinel sentinel = get();
		if (endpos.isValid() && endpos.isBefore(sentinel.replayLsn())) {
			throw new BadArgumentsException("endpos " + endpos + " is before replay_lsn " + sentinel.replayLsn()
					+ ", what the target has applied already: pass an LSN at or after it, or use --current");
		}
		set("ENDPOS = ?", endpos.asString());
	}

	public void setApply(boolean apply) {
		set("APPLY = ?", apply ? 1 : 0);
	}

	/** Receive's progress: written and durable (confirmed to the slot). */
	public void reportReceived(Lsn write, Lsn flush) {
		set("WRITE_LSN = ?, FLUSH_LSN = ?", write.asString(), flush.asString());
	}

	/** Apply's progress: committed on the target, with the source commit time. */
	public void reportApplied(Lsn replay, Instant commitTime) {
		set("REPLAY_LSN = ?, REPLAY_TIME = ?", replay.asString(), (commitTime != null) ? commitTime.toString() : null);
	}

	/**
	 * Apply has applied everything received up to {@code through}, past its last commit
	 * (keepalives of an idle source): replay_lsn moves there, never back, and the lag is
	 * zero. The commit time stays that of the last transaction applied.
	 */
	public void reportCaughtUp(Lsn through) {
		Sentinel sentinel = get();
		if (through.isAfter(sentinel.replayLsn())) {
			set("REPLAY_LSN = ?", through.asString());
		}
	}

	private void set(String assignments, Object... values) {
		Object[] arguments = new Object[values.length + 1];
		System.arraycopy(values, 0, arguments, 0, values.length);
		arguments[values.length] = Instant.now().toString();
		if (update("UPDATE PGCOPYDB_SENTINEL SET " + assignments + ", UPDATED = ? WHERE ID = 1", arguments) == 0) {
			throw new BadStateException(NO_SENTINEL);
		}
	}

	private int update(String sql, Object... arguments) {
		try {
			return this.repository.update(sql, arguments);
		}
		catch (DataAccessException ex) {
			throw missingTable(ex);
		}
	}

	/**
	 * A repository made by a pgcopydb without the streaming tables has no sentinel; any
	 * other failure is passed on.
	 */
	private static RuntimeException missingTable(DataAccessException ex) {
		String message = String.valueOf(ex.getMostSpecificCause().getMessage());
		if (message.contains("no such table") || message.contains("does not exist")) {
			return new BadStateException(NO_SENTINEL, ex);
		}
		return ex;
	}

	private static Sentinel sentinel(ResultSet rs) throws SQLException {
		return new Sentinel(Lsn.ofNullable(rs.getString(1)), Lsn.ofNullable(rs.getString(2)), rs.getInt(3) != 0,
				Lsn.ofNullable(rs.getString(4)), Lsn.ofNullable(rs.getString(5)), Lsn.ofNullable(rs.getString(6)),
				instant(rs.getString(7)), instant(rs.getString(8)));
	}

	private static Instant instant(String text) {
		return (text != null) ? Instant.parse(text) : null;
	}

}

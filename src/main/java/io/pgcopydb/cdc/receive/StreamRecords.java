package io.pgcopydb.cdc.receive;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.Plugin;

/**
 * Reads and writes the {@link StreamRecord} of a --dir (one row, ID = 1) in its
 * repository. Written once setup has created everything, cleared once cleanup dropped it
 * all.
 */
public final class StreamRecords {

	private final JdbcTemplate repository;

	public StreamRecords(JdbcTemplate repository) {
		this.repository = repository;
	}

	public Optional<StreamRecord> find() {
		List<StreamRecord> rows = this.repository.query(
				"SELECT PLUGIN, SLOT_NAME, PUBLICATION_NAME,"
						+ " INSERT_ONLY_PUBLICATION, ORIGIN_NAME, SYSTEM_IDENTIFIER, SOURCE_IDENTITY, TARGET_IDENTITY,"
						+ " CONSISTENT_POINT, SNAPSHOT_NAME, CREATED FROM PGCOPYDB_STREAM WHERE ID = 1",
				(rs, n) -> new StreamRecord(Plugin.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
						rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
						Lsn.parse(rs.getString(9), "PGCOPYDB_STREAM.CONSISTENT_POINT"), rs.getString(10),
						Instant.parse(rs.getString(11))));
		return rows.stream().findFirst();
	}

	public void save(StreamRecord record) {
		clear();
		this.repository.update(
				"INSERT INTO PGCOPYDB_STREAM (ID, PLUGIN, SLOT_NAME, PUBLICATION_NAME,"
						+ " INSERT_ONLY_PUBLICATION, ORIGIN_NAME, SYSTEM_IDENTIFIER, SOURCE_IDENTITY, TARGET_IDENTITY,"
						+ " CONSISTENT_POINT, SNAPSHOT_NAME, CREATED) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				record.plugin().name(), record.slot(), record.publication(), record.insertOnlyPublication(),
				record.origin(), record.systemIdentifier(), record.sourceIdentity(), record.targetIdentity(),
				record.consistentPoint().asString(), record.snapshotName(), record.created().toString());
	}

	public void clear() {
		this.repository.update("DELETE FROM PGCOPYDB_STREAM WHERE ID = 1");
		this.repository.update("DELETE FROM PGCOPYDB_UNFOLLOWED");
	}

	/**
	 * Records the tables the follow's last check found outside its publications
	 * ({@link UnfollowedTables}), replacing what an earlier check found.
	 */
	public void saveUnfollowed(List<String> tables, Instant seen) {
		this.repository.update("DELETE FROM PGCOPYDB_UNFOLLOWED");
		for (String table : tables) {
			this.repository.update("INSERT INTO PGCOPYDB_UNFOLLOWED (TABLE_NAME, SEEN) VALUES (?, ?)", table,
					seen.toString());
		}
	}

	/** The tables the follow's last check found outside its publications. */
	public List<String> unfollowed() {
		return this.repository.queryForList("SELECT TABLE_NAME FROM PGCOPYDB_UNFOLLOWED ORDER BY TABLE_NAME",
				String.class);
	}

}

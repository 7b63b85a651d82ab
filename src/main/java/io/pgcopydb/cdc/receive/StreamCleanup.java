package io.pgcopydb.cdc.receive;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;

/**
 * Drops what a follow created, so the source stops retaining WAL for it: the slot (its
 * walsender ended first when a killed process of ours left one), the publication(s), the
 * origin on the target, the published snapshot file, and the record. Idempotent: a
 * missing object is reported and is no failure, so a second cleanup succeeds. Without a
 * record, the names are those the --dir and options derive ({@link StreamNames}).
 */
public final class StreamCleanup {

	private final StreamRecords records;

	public StreamCleanup(StreamRecords records) {
		this.records = records;
	}

	/**
	 * @param target null to leave the target alone (no origin dropped)
	 * @param names used when no record exists
	 * @return one line per object: dropped or not found
	 */
	public List<String> cleanup(PgEndpoint source, PgEndpoint target, StreamNames names, WorkDirectory dir) {
		Optional<StreamRecord> record = this.records.find();
		String slot = record.map(StreamRecord::slot).orElse(names.slot());
		String origin = record.map(StreamRecord::origin).orElse(names.origin());
		List<String> publications = new ArrayList<>();
		if (record.isPresent()) {
			if (record.get().publication() != null) {
				publications.add(record.get().publication());
			}
			if (record.get().insertOnlyPublication() != null) {
				publications.add(record.get().insertOnlyPublication());
			}
		}
		else {
			publications.add(names.publication());
			publications.add(names.insertOnlyPublication());
		}
		List<String> report = new ArrayList<>();
		String where = StreamSetup.where(source);
		try (Connection connection = source.connect("stream cleanup")) {
			report.add(outcome("replication slot " + slot, ReplicationSlots.drop(connection, slot, where)));
			for (String publication : publications) {
				boolean dropped = Publications.drop(connection, publication);
				if (dropped || record.isPresent()) {
					report.add(outcome("publication " + publication, dropped));
				}
			}
		}
		catch (SQLException ex) {
			throw source.failure("dropping replication slot " + slot, ex);
		}
		if (target != null) {
			try (Connection connection = target.connect("stream cleanup")) {
				report.add(outcome("replication origin " + origin, ReplicationOrigins.drop(connection, origin)));
			}
			catch (SQLException ex) {
				throw target.failure("dropping replication origin " + origin, ex);
			}
		}
		if (!dir.isSnapshotLocked()) {
			try {
				if (Files.deleteIfExists(dir.snapshotFile())) {
					report.add("removed the snapshot file " + dir.snapshotFile());
				}
			}
			catch (IOException ex) {
				report.add("cannot remove " + dir.snapshotFile() + ": " + ex.getMessage());
			}
		}
		if (target != null) {
			this.records.clear();
			dir.removeSessionLog();
		}
		return report;
	}

	private static String outcome(String object, boolean dropped) {
		return dropped ? "dropped " + object : object + " not found";
	}

}

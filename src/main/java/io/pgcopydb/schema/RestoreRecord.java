package io.pgcopydb.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import io.pgcopydb.config.WorkDirectory;

/**
 * The run's own record of the archive entries it created on the target: the dumpIds of
 * the entries a pg_restore was about to restore, absent from the target before, one per
 * line in {@code schema/pre-data.attempted} or {@code schema/post-data.attempted} (0600).
 * Written before pg_restore starts, and only ever added to, so that whatever an
 * interrupted restore created is known as the run's own on a retry, even if a DBA edited
 * it since; an entry in the record that the target lacks is simply restored again. A new
 * schema dump (new dumpIds) starts a new record ({@link #clear}).
 */
public final class RestoreRecord {

	private static final String HEADER = "# dumpIds of archive entries this run restored on the target";

	private RestoreRecord() {
	}

	/** The dumpIds recorded, empty when there is no record. */
	public static Set<Integer> read(Path file) {
		Set<Integer> ids = new TreeSet<>();
		if (!Files.isRegularFile(file)) {
			return ids;
		}
		try {
			for (String line : Files.readAllLines(file)) {
				String id = line.strip();
				if (!id.isEmpty() && !id.startsWith("#")) {
					ids.add(Integer.parseInt(id));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading " + file, ex);
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("unreadable restore record " + file + ": " + ex.getMessage(), ex);
		}
		return ids;
	}

	/** Adds {@code dumpIds} to the record, which keeps what it had. */
	public static void add(WorkDirectory dir, Path file, Collection<Integer> dumpIds) {
		Set<Integer> all = read(file);
		if (all.addAll(dumpIds) || !Files.exists(file)) {
			replace(dir, file, all);
		}
	}

	/** Makes the record hold exactly {@code dumpIds}, atomically. */
	public static void replace(WorkDirectory dir, Path file, Collection<Integer> dumpIds) {
		StringBuilder body = new StringBuilder(HEADER).append('\n');
		new TreeSet<>(dumpIds).forEach((id) -> body.append(id).append('\n'));
		Path partial = file.resolveSibling(file.getFileName() + ".new");
		dir.write(partial, body.toString());
		try {
			Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
					java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("writing " + file, ex);
		}
	}

	/** Forgets both records: the archives they refer to are being replaced. */
	public static void clear(WorkDirectory dir) {
		try {
			Files.deleteIfExists(dir.preDataRecord());
			Files.deleteIfExists(dir.postDataRecord());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("removing the restore records of " + dir.root(), ex);
		}
	}

}

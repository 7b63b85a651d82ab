package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.schema.TocEntry;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;
import io.pgcopydb.snapshot.RunSnapshot;
import io.pgcopydb.snapshot.SourceSnapshot;

/**
 * Refuses, before the pre-data section is first restored, a clone into a target that
 * already holds some of the source's tables, unless --drop-if-exists asks to replace
 * them. It runs before the run is recorded, so that a refusal leaves nothing to resume
 * and the user's retry with --drop-if-exists simply starts; there is no plan yet, so it
 * lists the source's tables itself, in the run's snapshot when that is given or held (an
 * exported one is taken by the run's first step).
 */
final class TargetPreflight {

	private TargetPreflight() {
	}

	/**
	 * @param snapshot the snapshot the run will read, when known and checked importable;
	 * null to list the source's tables as they are now
	 * @param stop registers the session reading the source, which may wait for a lock
	 */
	static void check(CloneRequest request, String snapshot, RunSnapshot runSnapshot, StopSignal stop) {
		if (request.dropIfExists()) {
			return;
		}
		Set<QualifiedName> sourceTables = request.includes(Stage.DUMP_SCHEMA)
				? sourceTables(request, snapshot, runSnapshot, stop) : archivedTables(request);
		List<QualifiedName> existing;
		try (Connection target = request.target().connect("pre-data check")) {
			existing = new TargetCatalog(target).tables()
				.stream()
				.filter(sourceTables::contains)
				.sorted((a, b) -> a.toString().compareTo(b.toString()))
				.toList();
		}
		catch (SQLException ex) {
			throw request.target().failure("checking the target for existing tables", ex);
		}
		if (!existing.isEmpty()) {
			throw new BadStateException("the " + request.target() + " already has " + existing.size()
					+ " of the source's tables (" + existing.get(0) + ((existing.size() > 1) ? ", ..." : "")
					+ "): use --drop-if-exists to drop and recreate them, or clone into an empty database");
		}
	}

	/**
	 * The tables of the run's pre-data archive, for a restore command: it then needs no
	 * source connection.
	 */
	private static Set<QualifiedName> archivedTables(CloneRequest request) {
		WorkDirectory dir = request.workDirectory();
		Set<QualifiedName> tables = new HashSet<>();
		if (!Files.isRegularFile(dir.preDataArchive())) {
			return tables;
		}
		for (TocEntry entry : new SchemaArchives(request.pgTools(), new PgToolRunner())
			.list(dir.preDataArchive(), dir.pgRestoreLog())
			.entries()) {
			if ("TABLE".equals(entry.desc()) && entry.schema() != null) {
				tables.add(new QualifiedName(entry.schema(), entry.name()));
			}
		}
		return tables;
	}

	private static Set<QualifiedName> sourceTables(CloneRequest request, String snapshot, RunSnapshot runSnapshot,
			StopSignal stop) {
		Set<QualifiedName> tables = new HashSet<>();
		try (Connection source = request.source().connect("pre-data check");
				WorkSession registered = stop.register(source, Side.SOURCE, "listing the source tables")) {
			if (snapshot != null) {
				SourceSnapshot.begin(source, snapshot, runSnapshot.lockTimeout());
			}
			else {
				SourceSnapshot.limitLockWait(source, runSnapshot.lockTimeout());
			}
			for (SourceTable table : new CatalogReader(source).tables()) {
				tables.add(new QualifiedName(table.schema(), table.name()));
			}
		}
		catch (SQLException ex) {
			throw runSnapshot.readFailure("listing the source tables", ex);
		}
		return tables;
	}

}

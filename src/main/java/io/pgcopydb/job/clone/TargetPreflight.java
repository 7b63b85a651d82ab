package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SchemaObjects;
import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.catalog.SchemaObjects.CatalogObject;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.schema.PgToolRunner;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.schema.SchemaRestore;
import io.pgcopydb.schema.SkippedNames;
import io.pgcopydb.schema.TargetPresence;
import io.pgcopydb.schema.TocEntry;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;
import io.pgcopydb.snapshot.RunSnapshot;
import io.pgcopydb.snapshot.SourceSnapshot;

/**
 * Refuses, before the pre-data section is first restored, a clone into a target that
 * holds an object clashing with one of the source's (same identity, another kind or
 * definition: a user's view with a source table's name), or that already holds some of
 * the source's tables (their rows would be replaced), unless --drop-if-exists asks to
 * replace them. It runs before the run is recorded, so that a refusal leaves nothing to
 * resume and the user's retry with --drop-if-exists simply starts; there is no plan yet,
 * so it lists the source's tables and objects itself, in the run's snapshot when that is
 * given or held (an exported one is taken by the run's first step); a restore command
 * compares the run's archives instead.
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
		check(request, snapshot, runSnapshot, stop, FilterPlan.NONE);
	}

	/**
	 * As above; what the run's filters leave out is no clash, and a target table of its
	 * name is not one of the source's.
	 * @param recorded the filter plan of the run continued (a restore command after dump
	 * schema); a run that dumps the schema plans its filters here itself
	 */
	static void check(CloneRequest request, String snapshot, RunSnapshot runSnapshot, StopSignal stop,
			FilterPlan recorded) {
		if (request.dropIfExists()) {
			return;
		}
		Set<QualifiedName> sourceTables;
		if (request.includes(Stage.DUMP_SCHEMA)) {
			SourceObjects source = sourceObjects(request, snapshot, runSnapshot, stop);
			SkippedNames skipped = new SkippedNames(source.plan());
			sourceTables = new HashSet<>(skipped.kept(source.tables()));
			SchemaRestore
				.refuseClashes(sourceClashes(request, source.objects().stream().filter(skipped::keeps).toList()));
		}
		else {
			FilterPlan plan = (recorded != null) ? recorded : FilterPlan.NONE;
			sourceTables = archivedTables(request, plan);
			SchemaRestore.refuseClashes(new SchemaRestore(
					new SchemaArchives(request.pgTools(), new PgToolRunner(request.workDirectory().processRecords())))
				.clashes(request.target(), request.workDirectory(), List.of(), RestorePreDataTasklet.filter(request),
						request.noOwner(), plan));
		}
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
	private static Set<QualifiedName> archivedTables(CloneRequest request, FilterPlan plan) {
		WorkDirectory dir = request.workDirectory();
		Set<QualifiedName> tables = new HashSet<>();
		if (!Files.isRegularFile(dir.preDataArchive())) {
			return tables;
		}
		for (TocEntry entry : new SchemaArchives(request.pgTools(),
				new PgToolRunner(request.workDirectory().processRecords()))
			.list(dir.preDataArchive(), dir.pgRestoreLog())
			.entries()) {
			if ("TABLE".equals(entry.desc()) && entry.schema() != null
					&& (entry.objectId() == null || !plan.skips(entry.objectId()))) {
				tables.add(new QualifiedName(entry.schema(), entry.name()));
			}
		}
		return tables;
	}

	/**
	 * The clashes between the target and the source's objects that pre-data and post-data
	 * would create: a schema holding one of the target's extensions was made by
	 * {@code copy extensions}, and collations are left out with --skip-collations.
	 */
	private static List<String> sourceClashes(CloneRequest request, List<CatalogObject> source) {
		try (Connection target = request.target().connect("pre-data check")) {
			Set<String> extensionSchemas = Extensions.extensionSchemas(target);
			TargetPresence presence = new TargetPresence(SchemaObjects.read(target, true), request.noOwner());
			return presence.clashes(source,
					(object) -> !("SCHEMA".equals(object.kind()) && extensionSchemas.contains(object.tag()))
							&& (request.objects().collations() || !"COLLATION".equals(object.kind())));
		}
		catch (SQLException ex) {
			throw request.target().failure("checking the target for clashing objects", ex);
		}
	}

	/** The source's tables, and its objects as {@link SchemaObjects} lists them. */
	private record SourceObjects(Set<QualifiedName> tables, List<CatalogObject> objects, FilterPlan plan) {
	}

	/**
	 * What the run's filters leave out, planned as the catalog step will plan it (read in
	 * the same snapshot).
	 */
	private static FilterPlan filterPlan(CloneRequest request, Connection source) throws SQLException {
		if (request.filters().isEmpty()) {
			return FilterPlan.NONE;
		}
		SourceGraph graph = SourceGraph.read(source);
		boolean notValidOnPartitioned = request.targetVersion() != null && request.targetVersion().major() >= 18;
		return FilterPlanner.plan(request.filters(), graph.objects(), graph.dependencies(), notValidOnPartitioned);
	}

	private static SourceObjects sourceObjects(CloneRequest request, String snapshot, RunSnapshot runSnapshot,
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
			return new SourceObjects(tables, SchemaObjects.read(source, false), filterPlan(request, source));
		}
		catch (SQLException ex) {
			throw runSnapshot.readFailure("listing the source tables", ex);
		}
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.config.Side;
import io.pgcopydb.database.DatabaseFacts;
import io.pgcopydb.database.PrivilegeCheck;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.pg.SqlStates;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.signal.WorkSession;

/**
 * Checks, before a new run is recorded, what would make it fail late or lose data: a
 * target database whose encoding cannot hold the source's characters (refused), locales
 * and lc_monetary that differ (warnings), and the privileges the two roles need (refused
 * with a remedy for each); see {@link DatabaseFacts} and {@link PrivilegeCheck}.
 */
final class DatabasePreflight {

	private static final Logger logger = LoggerFactory.getLogger(DatabasePreflight.class);

	private DatabasePreflight() {
	}

	/**
	 * Whether the run reads a relation's rows, as far as names tell before the run's plan
	 * exists: not in a schema the filters leave out, nor a table they leave out or whose
	 * rows they leave behind by name. A table left out through a dependency only is
	 * checked against the filter plan when the names leave a problem.
	 */
	private static boolean reads(CloneRequest request, String schema, String name, boolean table) {
		Filters filters = request.filters();
		if (filters.isEmpty()) {
			return true;
		}
		if (filters.schemaLeftOut(schema).isPresent()) {
			return false;
		}
		return !table || (filters.tableLeftOut(schema, name, true, List.of()).isEmpty()
				&& filters.tableDataLeftOut(schema, name, List.of()).isEmpty());
	}

	static void check(CloneRequest request, StopSignal stop) {
		boolean restores = request.includes(Stage.RESTORE_PRE_DATA);
		boolean copies = request.includes(Stage.TABLE_DATA);
		boolean readsSource = request.stages().stream().anyMatch(Stage::readsSource);
		if ((!restores && !copies) || !readsSource || request.source() == null || request.target() == null) {
			// a command that uses one side only (restore pre-data) leaves the other alone
			return;
		}
		try (Connection source = request.source().connect("preflight");
				Connection target = request.target().connect("preflight");
				WorkSession sourceCheck = stop.register(source, Side.SOURCE, "checking the source database");
				WorkSession targetCheck = stop.register(target, Side.TARGET, "checking the target database")) {
			DatabaseFacts sourceFacts = DatabaseFacts.read(source, request.source().serverVersion());
			DatabaseFacts targetFacts = DatabaseFacts.read(target, request.target().serverVersion());
			String refusal = DatabaseFacts.refusal(sourceFacts, targetFacts);
			if (refusal != null) {
				throw new BadStateException(refusal);
			}
			DatabaseFacts.warnings(sourceFacts, targetFacts).forEach(logger::warn);
			CitusPreflight.check(request, source, target,
					(schema, name) -> request.filters().isEmpty() || (request.filters().schemaLeftOut(schema).isEmpty()
							&& request.filters().tableLeftOut(schema, name, true, List.of()).isEmpty()));
			if (copies) {
				List<String> problems = PrivilegeCheck.sourceProblems(source,
						(schema, name, table) -> reads(request, schema, name, table));
				if (!problems.isEmpty() && !request.filters().isEmpty()) {
					// names alone miss what the filters leave out through a dependency
					// (a partition of a left-out table, an owned sequence): ask the plan
					Set<QualifiedName> leftOut = leftOut(request, source);
					problems = PrivilegeCheck.sourceProblems(source,
							(schema, name, table) -> reads(request, schema, name, table)
									&& !leftOut.contains(new QualifiedName(schema, name)));
				}
				refuse(ExitCode.SOURCE, "the source role \"" + request.source().connectionString().user() + "\"",
						problems);
			}
			if (restores) {
				refuse(ExitCode.TARGET, "the target role \"" + request.target().connectionString().user() + "\"",
						PrivilegeCheck.targetProblems(source, target, !request.noOwner(), request.objects().roles(),
								request::extensionKept));
			}
		}
		catch (SQLException ex) {
			throw new DatabaseException(ExitCode.POSTGRES,
					"checking the source and target databases before the run" + " failed: "
							+ SqlStates.firstLine(ex.getMessage()) + "; rerun with --debug for details",
					ex.getSQLState(), ex);
		}
	}

	/**
	 * The relations and sequences whose rows the run does not read, as the filter plan
	 * says (read now, outside the run's snapshot: a check, not the plan).
	 */
	private static Set<QualifiedName> leftOut(CloneRequest request, Connection source) throws SQLException {
		SourceGraph graph = SourceGraph.read(source);
		FilterPlan plan = FilterPlanner.plan(request.filters(), graph.objects(), graph.dependencies(), false);
		Set<QualifiedName> leftOut = new HashSet<>();
		Map<ObjectId, GraphObject> byId = new HashMap<>();
		graph.objects().forEach((object) -> byId.put(object.id(), object));
		plan.skipped().values().forEach((skip) -> {
			GraphObject object = skip.object();
			if (object.isRelation() || GraphObject.SEQUENCE.equals(object.kind())) {
				leftOut.add(new QualifiedName(object.schema(), object.name()));
			}
		});
		plan.dataSkipped().keySet().forEach((id) -> {
			GraphObject table = byId.get(id);
			if (table != null) {
				leftOut.add(new QualifiedName(table.schema(), table.name()));
			}
		});
		return leftOut;
	}

	private static void refuse(ExitCode code, String who, List<String> problems) {
		if (!problems.isEmpty()) {
			throw new DatabaseException(code, who + " cannot clone this database: " + String.join("; ", problems), null,
					null);
		}
	}

}

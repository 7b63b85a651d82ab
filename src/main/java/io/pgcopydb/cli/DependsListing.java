package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.pg.Identifiers;

/**
 * {@code list depends}: what depends on a table, found the way a run finds it, by
 * planning a filter that excludes that table alone (so the answer is exactly what
 * {@code [exclude-table]} would take with it); without a table, the dependents the run's
 * filters leave out. Each comes with its chain back to the table.
 */
final class DependsListing {

	private DependsListing() {
	}

	static List<Map<String, Object>> dependents(SourceListOptions.Source source, String schema, String table)
			throws SQLException {
		Map<ObjectId, GraphObject> byId = SourceListing.byId(source.inventory().graph());
		FilterPlan plan = source.plan();
		if (table != null) {
			boolean exists = byId.values()
				.stream()
				.anyMatch((object) -> object.isRelation() && schema.equals(object.schema())
						&& table.equals(object.name()));
			if (!exists) {
				throw new BadArgumentsException("list depends: no table " + Identifiers.displayQualified(schema, table)
						+ " in the source database: check --schema-name and --table-name (list tables shows them)");
			}
			Filters alone = Filters.parse("[exclude-table]\n" + Identifiers.qualified(schema, table) + "\n",
					Path.of("list depends --table-name"));
			plan = source.inventory().plan(alone, source.notValidOnPartitioned());
		}
		FilterPlan dependents = plan;
		return dependents.skipped()
			.values()
			.stream()
			.filter((skip) -> skip.cause() != null && SourceListing.listed(skip, dependents))
			.sorted(Comparator.comparing((FilterPlan.Skip skip) -> SourceListing.displayName(skip.object(), byId)))
			.map((skip) -> {
				Map<String, Object> json = SourceListing.skip(skip, byId);
				json.put("chain", SourceListing.chain(skip, dependents, byId));
				json.put("leftOutByFilters", source.plan().skips(skip.object().id()));
				return json;
			})
			.toList();
	}

}

package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.ObjectId;

/**
 * The tables a follow publishes: those whose rows the clone copies with the same
 * --filters, by the clone's own filter plan (neither the table nor its rows left out).
 * Setup reads them twice, before the slot and in its snapshot ({@link StreamSetup}).
 */
public final class FollowedTables {

	private FollowedTables() {
	}

	/**
	 * Whether the run would follow a table of that name with these filters: neither its
	 * schema, nor the table, nor its rows left out by name. A cheap check by name for
	 * tables created during a follow ({@link UnfollowedTables}), not the plan.
	 */
	public static boolean keeps(Filters filters, String schema, String name) {
		return filters.isEmpty() || filters.schemaLeftOut(schema).isEmpty()
				&& filters.tableLeftOut(schema, name, true, List.of()).isEmpty()
				&& filters.tableDataLeftOut(schema, name, List.of()).isEmpty();
	}

	public static List<SourceTable> read(Connection source, Filters filters) throws SQLException {
		List<SourceTable> tables = new CatalogReader(source).tables();
		if (filters.isEmpty()) {
			return tables;
		}
		SourceGraph graph = SourceGraph.read(source);
		FilterPlan plan = FilterPlanner.plan(filters, graph.objects(), graph.dependencies(), false);
		return tables.stream().filter((table) -> {
			ObjectId id = new ObjectId(ObjectId.PG_CLASS, table.oid());
			return !plan.skips(id) && !plan.skipsData(id);
		}).toList();
	}

}

package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.pgcopydb.filter.Dependency;
import io.pgcopydb.filter.GraphObject;

/**
 * The source database's objects that a filter may leave out, and their dependencies
 * (pg_depend with sub-objects folded, pg_inherits), read for
 * {@link io.pgcopydb.filter.FilterPlanner}. The caller owns the connection and its
 * transaction: read it inside the run's snapshot, so the outcome matches the dump.
 *
 * @param objects schemas, extensions, relations, indexes, constraints, triggers, rules,
 * policies, functions, types, statistics, publication memberships, defaults
 * @param dependencies between them
 */
public record SourceGraph(List<GraphObject> objects, List<Dependency> dependencies) {

	public static SourceGraph read(Connection connection) throws SQLException {
		throw new UnsupportedOperationException("filter: in progress");
	}

}

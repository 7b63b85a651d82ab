package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pgcopydb.filter.Dependency;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;

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

	/**
	 * Two catalog queries ({@code list_filter_dependencies},
	 * {@code list_filter_objects}), whatever the number of objects: a 10k-table database
	 * is read in one round trip each. A dependency on an object outside the graph (a
	 * system object) is kept here and ignored by the planner.
	 */
	public static SourceGraph read(Connection connection) throws SQLException {
		List<Dependency> dependencies = new ArrayList<>();
		Set<ObjectId> members = new HashSet<>();
		try (PreparedStatement statement = connection.prepareStatement(SqlFiles.load("list_filter_dependencies"));
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				Dependency dependency = new Dependency(new ObjectId(rs.getLong(1), rs.getLong(2)),
						new ObjectId(rs.getLong(3), rs.getLong(4)), rs.getString(5).charAt(0));
				dependencies.add(dependency);
				if (dependency.type() == 'e') {
					members.add(dependency.dependent());
				}
			}
		}
		List<GraphObject> objects = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(SqlFiles.load("list_filter_objects"));
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				ObjectId id = new ObjectId(rs.getLong("class_oid"), rs.getLong("object_oid"));
				objects.add(new GraphObject(id, rs.getString("kind"), rs.getString("schema_name"),
						rs.getString("object_name"), relation(rs, "table_oid"),
						id(rs.getObject("part_of_class", Long.class), rs.getObject("part_of_oid", Long.class)),
						relation(rs, "references_oid"), rs.getString("definition"), members.contains(id),
						rs.getString("description")));
			}
		}
		return new SourceGraph(List.copyOf(objects), List.copyOf(dependencies));
	}

	private static ObjectId relation(ResultSet rs, String column) throws SQLException {
		return id(ObjectId.PG_CLASS, rs.getObject(column, Long.class));
	}

	private static ObjectId id(Long classOid, Long objectOid) {
		return (classOid != null && objectOid != null) ? new ObjectId(classOid, objectOid) : null;
	}

}

package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.pgcopydb.pg.Identifiers;

/**
 * The publications a pgoutput follow reads through, on the source. They must exist before
 * the slot is created: pgoutput looks a publication up in the catalog snapshot of the WAL
 * it decodes, and one created later is "does not exist" for every change before it.
 * {@code publish_via_partition_root} names a partitioned root's changes after the root,
 * so a partition created during a long follow is covered.
 */
final class Publications {

	private Publications() {
	}

	/**
	 * Creates publication {@code name} for {@code relations} (quoted, qualified), all of
	 * them or none.
	 * @param publish the operations published, e.g. {@code insert, truncate}; null for
	 * PostgreSQL's default (all four)
	 */
	static void create(Connection source, String name, List<String> relations, String publish) throws SQLException {
		StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(Identifiers.quote(name));
		if (!relations.isEmpty()) {
			sql.append(" FOR TABLE ").append(String.join(", ", relations));
		}
		sql.append(" WITH (publish_via_partition_root = true");
		if (publish != null) {
			sql.append(", publish = ").append(Identifiers.literal(publish));
		}
		sql.append(")");
		try (Statement statement = source.createStatement()) {
			statement.execute(sql.toString());
		}
	}

	static boolean exists(Connection source, String name) throws SQLException {
		try (PreparedStatement query = source
			.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

	/** Drops {@code name}; returns whether it existed. */
	static boolean drop(Connection source, String name) throws SQLException {
		if (!exists(source, name)) {
			return false;
		}
		try (Statement statement = source.createStatement()) {
			statement.execute("DROP PUBLICATION IF EXISTS " + Identifiers.quote(name));
		}
		return true;
	}

}

package io.pgcopydb.cdc.receive;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.pg.Identifiers;

/**
 * Tables a pgoutput follow does not stream: kept by the run's filters, yet in none of its
 * publications, because they were created on the source after setup (a publication
 * {@code FOR TABLE} lists the tables it had then). Their changes never reach the target;
 * the DBA must hear of them. One catalog query on a normal connection, cheap enough to
 * run every minute; never per transaction. The text plugins decode every table: a new
 * table's changes do reach apply, which stops at the first one if the target lacks the
 * table.
 */
public final class UnfollowedTables {

	private UnfollowedTables() {
	}

	/**
	 * The tables {@code recorded}'s follow does not stream, as schema.name a person
	 * reads; empty for the text plugins.
	 */
	public static List<String> find(Connection source, StreamRecord recorded, Filters filters) throws SQLException {
		if (recorded.publication() == null) {
			return List.of();
		}
		List<String> publications = new ArrayList<>();
		publications.add(recorded.publication());
		if (recorded.insertOnlyPublication() != null) {
			publications.add(recorded.insertOnlyPublication());
		}
		List<String> tables = new ArrayList<>();
		try (PreparedStatement query = source.prepareStatement(SqlFiles.load("list_unpublished_tables"))) {
			Array names = source.createArrayOf("text", publications.toArray());
			query.setArray(1, names);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					String schema = rs.getString("schema_name");
					String name = rs.getString("table_name");
					if (FollowedTables.keeps(filters, schema, name)) {
						tables.add(Identifiers.displayQualified(schema, name));
					}
				}
			}
		}
		return List.copyOf(tables);
	}

	/** The WARN line for {@code tables}, naming them and what the DBA may do. */
	public static String warning(List<String> tables, String publication) {
		return tables.size() + " table(s) of the source are not in publication " + publication
				+ " (created after setup): their changes are not followed and do not reach the target: "
				+ String.join(", ", tables) + "; copy them at cut-over (pgcopydb copy table-data with --filters), or"
				+ " start a new clone --follow that includes them";
	}

}

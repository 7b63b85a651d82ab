package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;

/**
 * The source sessions and prepared transactions a slot creation waits for, described as a
 * DBA identifies them (pid, database, user, application, state, transaction and query
 * start), never with their query text.
 */
final class SlotBlockers {

	private SlotBlockers() {
	}

	static List<String> list(Connection monitor, int creatorPid) throws SQLException {
		List<String> found = new ArrayList<>();
		try (PreparedStatement query = monitor.prepareStatement(SqlFiles.load("list_slot_blockers"))) {
			query.setInt(1, creatorPid);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					found.add("pid " + rs.getInt("pid") + " (database " + rs.getString("datname") + ", user "
							+ rs.getString("usename") + ", application_name '" + rs.getString("application_name")
							+ "', " + rs.getString("state") + ", transaction started " + rs.getString("xact_start")
							+ ", query started " + rs.getString("query_start") + ")");
				}
			}
		}
		try (Statement statement = monitor.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_prepared_xacts"))) {
			while (rs.next()) {
				found.add("prepared transaction '" + rs.getString("gid") + "' (database " + rs.getString("database")
						+ ", owner " + rs.getString("owner") + ", prepared " + rs.getString("prepared") + ")");
			}
		}
		return found;
	}

}

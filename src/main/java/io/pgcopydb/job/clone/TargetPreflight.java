package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.error.BadStateException;

/**
 * Refuses, before the pre-data section is first restored, a clone into a target that
 * already holds some of the source's tables, unless --drop-if-exists asks to replace
 * them. Checked up front so that the user's retry with --drop-if-exists simply starts.
 */
final class TargetPreflight {

	private TargetPreflight() {
	}

	static void check(CloneRequest request) {
		if (request.dropIfExists()) {
			return;
		}
		List<String> existing = new ArrayList<>();
		Set<List<String>> sourceTables = sourceTables(request);
		try (Connection target = request.target().connect("pre-data check");
				Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_target_tables"))) {
			while (rs.next()) {
				if (sourceTables.contains(List.of(rs.getString(1), rs.getString(2)))) {
					existing.add(rs.getString(1) + "." + rs.getString(2));
				}
			}
		}
		catch (SQLException ex) {
			throw request.target().failure("checking the target for existing tables", ex);
		}
		if (!existing.isEmpty()) {
			existing.sort(null);
			throw new BadStateException("the " + request.target() + " already has " + existing.size()
					+ " of the source's tables (" + existing.get(0) + ((existing.size() > 1) ? ", ..." : "")
					+ "): use --drop-if-exists to drop and recreate them, or clone into an empty database");
		}
	}

	private static Set<List<String>> sourceTables(CloneRequest request) {
		Set<List<String>> tables = new HashSet<>();
		try (Connection source = request.source().connect("pre-data check")) {
			for (SourceTable table : new CatalogReader(source).tables()) {
				tables.add(List.of(table.schema(), table.name()));
			}
		}
		catch (SQLException ex) {
			throw request.source().failure("listing the source tables", ex);
		}
		return tables;
	}

}

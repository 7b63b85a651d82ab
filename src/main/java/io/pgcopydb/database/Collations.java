package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;

/**
 * The collations a database's users created ({@code list collations}); pre-data creates
 * them on the target unless --skip-collations.
 */
public final class Collations {

	private Collations() {
	}

	/**
	 * One collation.
	 *
	 * @param provider libc, icu or default
	 * @param version the version recorded when it was created, or null
	 * @param actualVersion the version the server's library gives now, or null
	 */
	public record Collation(String schema, String name, String provider, String collate, String ctype, String version,
			String actualVersion) {
	}

	public static List<Collation> read(Connection source) throws SQLException {
		List<Collation> collations = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_collations"))) {
			while (rs.next()) {
				collations.add(new Collation(rs.getString("schema_name"), rs.getString("collname"),
						provider(rs.getString("collprovider")), rs.getString("collcollate"), rs.getString("collctype"),
						rs.getString("collversion"), rs.getString("actual_version")));
			}
		}
		return collations;
	}

	private static String provider(String code) {
		return switch (code) {
			case "c" -> "libc";
			case "i" -> "icu";
			default -> "default";
		};
	}

}

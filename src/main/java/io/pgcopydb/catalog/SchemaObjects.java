package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the named objects of a database as pg_dump's archive names them (entry type,
 * schema, tag), so that what an archive is about to create can be looked up on the
 * target, and a source's objects compared with a target's before anything is dumped. The
 * query runs with an empty search_path, as pg_dump does, set for the transaction only
 * (its own one in autocommit mode, else the caller's, such as a snapshot's, where the
 * former search_path is put back). Read-only; the caller owns the connection.
 */
public final class SchemaObjects {

	private SchemaObjects() {
	}

	/**
	 * @param extensionMembers keep the objects that belong to an extension (on the
	 * target: the archive cannot create its objects over them either); pg_dump leaves
	 * them out of a source's archive
	 * @return every object, in no particular order
	 */
	public static List<CatalogObject> read(Connection connection, boolean extensionMembers) throws SQLException {
		List<CatalogObject> objects = new ArrayList<>();
		boolean autoCommit = connection.getAutoCommit();
		String searchPath = null;
		if (autoCommit) {
			connection.setAutoCommit(false);
		}
		else {
			searchPath = setting(connection, "SELECT pg_catalog.current_setting('search_path')");
		}
		try {
			setting(connection, "SELECT pg_catalog.set_config('search_path', '', true)");
			try (PreparedStatement query = connection.prepareStatement(SqlFiles.load("list_schema_objects"))) {
				query.setBoolean(1, extensionMembers);
				addAll(query, objects);
			}
			if (connection.getMetaData().getDatabaseMajorVersion() >= 15) {
				try (PreparedStatement query = connection.prepareStatement(SqlFiles.load("list_publication_schemas"))) {
					addAll(query, objects);
				}
			}
		}
		finally {
			if (autoCommit) {
				connection.rollback();
				connection.setAutoCommit(true);
			}
			else {
				try (PreparedStatement reset = connection
					.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, true)")) {
					reset.setString(1, searchPath);
					reset.execute();
				}
			}
		}
		return objects;
	}

	private static void addAll(PreparedStatement query, List<CatalogObject> objects) throws SQLException {
		try (ResultSet rs = query.executeQuery()) {
			while (rs.next()) {
				objects.add(new CatalogObject(rs.getString("kind"), rs.getString("schema_name"), rs.getString("tag"),
						rs.getString("detail")));
			}
		}
	}

	private static String setting(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

	/**
	 * One named object.
	 *
	 * @param kind pg_dump's entry type: {@code TABLE}, {@code FK CONSTRAINT}...
	 * @param schema its schema, null for an object outside schemas
	 * @param tag pg_dump's tag: {@code table name} for a constraint, trigger, rule or
	 * policy, {@code f(integer, text)} for a function
	 * @param detail what is cheaply compared beyond the kind: a table's columns ("name
	 * type" lines), a schema's owner; null otherwise
	 */
	public record CatalogObject(String kind, String schema, String tag, String detail) {

		/** "view public.film_list" for messages. */
		public String describe() {
			return this.kind.toLowerCase(java.util.Locale.ROOT) + " " + ((this.schema != null) ? this.schema + "." : "")
					+ this.tag;
		}

	}

}

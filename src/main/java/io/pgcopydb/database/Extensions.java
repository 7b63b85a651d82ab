package io.pgcopydb.database;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.Identifiers;

/**
 * The source database's extensions, to create on the target in the same schema and at the
 * same version, in dependency order, with the rows of their configuration tables. An
 * extension the target already has is left as it is (a different version gives a
 * warning). CREATE EXTENSION needs the extension's files installed on the target server:
 * when they are missing, the error names the extension and the remedies.
 *
 * @param extensions in an order where each comes after those it requires
 * @param configTables the extensions' configuration tables and sequences
 */
public record Extensions(List<Extension> extensions, List<ConfigTable> configTables) {

	/** One extension; {@code requires} names the extensions it depends on. */
	public record Extension(String name, String schema, String schemaOwner, String version, String comment,
			List<String> requires) {
	}

	/**
	 * A table (relkind r) or sequence (S) registered with pg_extension_config_dump.
	 *
	 * @param condition its WHERE clause, empty for every row
	 */
	public record ConfigTable(String extension, String schema, String name, char relkind, String condition,
			String columnList, List<String> referenced) {

		public String qualifiedName() {
			return Identifiers.qualified(this.schema, this.name);
		}

		/** schema.name, as {@link #referenced} names tables. */
		public String displayName() {
			return this.schema + "." + this.name;
		}

	}

	/** What {@link #createMissing} did. */
	public record Result(List<String> created, List<String> existing, List<String> warnings) {
	}

	public static Extensions read(Connection source) throws SQLException {
		Map<String, Extension> byName = new LinkedHashMap<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_extensions"))) {
			while (rs.next()) {
				Array requires = rs.getArray("requires");
				byName.put(rs.getString("extname"),
						new Extension(rs.getString("extname"), rs.getString("schema_name"),
								rs.getString("schema_owner"), rs.getString("extversion"), rs.getString("comment"),
								List.of((String[]) requires.getArray())));
			}
		}
		List<ConfigTable> configTables = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_extension_config_tables"))) {
			while (rs.next()) {
				String condition = rs.getString("condition");
				configTables
					.add(new ConfigTable(rs.getString("extname"), rs.getString("schema_name"), rs.getString("relname"),
							rs.getString("relkind").charAt(0), (condition != null) ? condition : "",
							rs.getString("column_list"), List.of((String[]) rs.getArray("referenced").getArray())));
			}
		}
		return new Extensions(inDependencyOrder(byName), List.copyOf(configTables));
	}

	/** Each extension after those it requires; ties by name. */
	static List<Extension> inDependencyOrder(Map<String, Extension> byName) {
		List<Extension> ordered = new ArrayList<>();
		Map<String, Boolean> placed = new HashMap<>();
		for (Extension extension : byName.values()) {
			place(extension, byName, placed, ordered);
		}
		return List.copyOf(ordered);
	}

	private static void place(Extension extension, Map<String, Extension> byName, Map<String, Boolean> placed,
			List<Extension> ordered) {
		if (placed.containsKey(extension.name())) {
			return;
		}
		placed.put(extension.name(), false);
		for (String required : extension.requires()) {
			Extension dependency = byName.get(required);
			if (dependency != null) {
				place(dependency, byName, placed, ordered);
			}
		}
		placed.put(extension.name(), true);
		ordered.add(extension);
	}

	/**
	 * These extensions at the versions {@code requirements} pins (name to version); the
	 * others at the source's version.
	 */
	public Extensions pinned(Map<String, String> requirements) {
		return new Extensions(this.extensions.stream()
			.map((e) -> new Extension(e.name(), e.schema(), e.schemaOwner(),
					requirements.getOrDefault(e.name(), e.version()), e.comment(), e.requires()))
			.toList(), this.configTables);
	}

	/**
	 * Only the extensions {@code kept} names, and their configuration tables: the others
	 * are left to the target (--skip-extensions, the filters' extension sections).
	 */
	public Extensions only(java.util.function.Predicate<String> kept) {
		return new Extensions(this.extensions.stream().filter((e) -> kept.test(e.name())).toList(),
				this.configTables.stream().filter((t) -> kept.test(t.extension())).toList());
	}

	/** The extensions' names, for filters and logs. */
	public List<String> names() {
		return this.extensions.stream().map(Extension::name).toList();
	}

	/**
	 * Creates on {@code target} (an autocommit session) the extensions it lacks, each in
	 * its schema (created first, with the source's owner, when missing) and at its
	 * version, with its comment unless {@code comments} is false.
	 * @throws ExtensionUnavailableException when the target lacks an extension's files or
	 * version
	 * @throws SQLException on any other failure
	 */
	public Result createMissing(Connection target, boolean comments) throws SQLException {
		Map<String, String> installed = installedVersions(target);
		List<String> created = new ArrayList<>();
		List<String> existing = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		try (Statement statement = target.createStatement()) {
			for (Extension extension : this.extensions) {
				String version = installed.get(extension.name());
				if (version != null) {
					existing.add(extension.name());
					if (!version.equals(extension.version())) {
						warnings.add("extension " + extension.name() + " is at version " + version
								+ " on the target and " + extension.version() + " on the source: left as it is");
					}
					continue;
				}
				// only when missing: AUTHORIZATION is checked (the role must exist and be
				// ours
				// to give) even when IF NOT EXISTS would skip the creation
				if (!schemaExists(target, extension.schema())) {
					statement.execute("CREATE SCHEMA " + Identifiers.quote(extension.schema()) + " AUTHORIZATION "
							+ Identifiers.quote(extension.schemaOwner()));
				}
				try {
					statement.execute("CREATE EXTENSION " + Identifiers.quote(extension.name()) + " WITH SCHEMA "
							+ Identifiers.quote(extension.schema()) + " VERSION "
							+ Identifiers.literal(extension.version()));
				}
				catch (SQLException ex) {
					throw ExtensionUnavailableException.when(extension, ex);
				}
				if (comments && extension.comment() != null) {
					statement.execute("COMMENT ON EXTENSION " + Identifiers.quote(extension.name()) + " IS "
							+ Identifiers.literal(extension.comment()));
				}
				created.add(extension.name());
			}
		}
		return new Result(List.copyOf(created), List.copyOf(existing), List.copyOf(warnings));
	}

	/** Extension name to installed version, on the session's database. */
	public static Map<String, String> installedVersions(Connection connection) throws SQLException {
		Map<String, String> versions = new HashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT extname, extversion FROM pg_catalog.pg_extension")) {
			while (rs.next()) {
				versions.put(rs.getString(1), rs.getString(2));
			}
		}
		return versions;
	}

	/**
	 * Whether the server has the files of extension {@code name}
	 * (pg_available_extensions).
	 */
	public static boolean available(Connection connection, String name) throws SQLException {
		try (var query = connection
			.prepareStatement("SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = ?")) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

	private static boolean schemaExists(Connection connection, String schema) throws SQLException {
		try (var query = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
			query.setString(1, schema);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

	/** The schemas of the session's database, but the system ones, to their owners. */
	public static Map<String, String> schemaOwners(Connection connection) throws SQLException {
		Map<String, String> owners = new HashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT nspname, pg_catalog.pg_get_userbyid(nspowner)"
						+ " FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'")) {
			while (rs.next()) {
				owners.put(rs.getString(1), rs.getString(2));
			}
		}
		return owners;
	}

	/** The schemas of the session's database that hold one of its extensions. */
	public static Set<String> extensionSchemas(Connection connection) throws SQLException {
		Set<String> schemas = new HashSet<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT DISTINCT n.nspname FROM pg_catalog.pg_extension e"
						+ " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace")) {
			while (rs.next()) {
				schemas.add(rs.getString(1));
			}
		}
		return schemas;
	}

	@Override
	public String toString() {
		return "Extensions" + Arrays.toString(names().toArray());
	}

}

package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SqlFiles;

/**
 * The privileges a clone needs, checked before it starts, so that a role that lacks one
 * learns it at once with a remedy for each, not after an hour of copying:
 * <ul>
 * <li>on the source, reading every table in full: SELECT, and no row-level security
 * filtering rows (owner, BYPASSRLS or superuser);
 * <li>on the target, for a role that is not a superuser: giving each object its source
 * owner (membership in that role, or --no-owner), creating the source's event triggers
 * (superuser only), and creating the extensions the target lacks (trusted ones only,
 * unless they are created first by {@code copy extensions} or left out).
 * </ul>
 */
public final class PrivilegeCheck {

	private static final int LISTED = 5;

	private PrivilegeCheck() {
	}

	/** What the source role cannot read, with the remedy: empty when it can read all. */
	public static List<String> sourceProblems(Connection source) throws SQLException {
		return sourceProblems(source, (schema, name, table) -> true);
	}

	/**
	 * What the source role cannot read of what the run reads, with the remedy.
	 * @param read whether the run reads a table or sequence, by name
	 */
	public static List<String> sourceProblems(Connection source, ReadByRun read) throws SQLException {
		List<String> selects = new ArrayList<>();
		List<String> filtered = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_unreadable_tables"))) {
			while (rs.next()) {
				if (read.reads(rs.getString("schema_name"), rs.getString("table_name"), rs.getBoolean("is_table"))) {
					("select".equals(rs.getString("reason")) ? selects : filtered).add(rs.getString("name"));
				}
			}
		}
		List<String> problems = new ArrayList<>();
		if (!selects.isEmpty()) {
			problems.add("no SELECT privilege on " + listed(selects) + " (GRANT SELECT to this role, or connect as"
					+ " their owner)");
		}
		if (!filtered.isEmpty()) {
			problems.add("row-level security would filter the rows of " + listed(filtered)
					+ " (connect as a role with BYPASSRLS, or as their owner, so that every row is copied)");
		}
		return problems;
	}

	/** Whether the run reads a source relation's rows (--filters may leave it out). */
	@FunctionalInterface
	public interface ReadByRun {

		/**
		 * @param table a table, else a sequence
		 */
		boolean reads(String schema, String name, boolean table);

	}

	/**
	 * What a non-superuser target role cannot restore, with the remedy for each; empty
	 * for a superuser.
	 * @param source a session on the source database
	 * @param owners check object owners (not --no-owner)
	 * @param rolesCopied the run creates the missing roles first (--roles): a missing
	 * owner is then no problem
	 * @param extensions the extensions the run creates (not --skip-extensions, not left
	 * out by the filters): those the target lacks are checked
	 */
	public static List<String> targetProblems(Connection source, Connection target, boolean owners, boolean rolesCopied,
			java.util.function.Predicate<String> extensions) throws SQLException {
		if (isSuperuser(target)) {
			return List.of();
		}
		List<String> problems = new ArrayList<>();
		if (owners) {
			ownerProblems(source, target, rolesCopied, problems);
		}
		if (count(source, "SELECT count(*) FROM pg_catalog.pg_event_trigger") > 0) {
			problems.add("the source has event triggers, which only a superuser can create (create them on the"
					+ " target yourself after the clone, or clone as a superuser)");
		}
		extensionProblems(source, target, extensions, problems);
		return problems;
	}

	private static void ownerProblems(Connection source, Connection target, boolean rolesCopied, List<String> problems)
			throws SQLException {
		List<String> owners = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_object_owners"))) {
			while (rs.next()) {
				owners.add(rs.getString(1));
			}
		}
		List<String> missing = new ArrayList<>();
		List<String> notMember = new ArrayList<>();
		try (PreparedStatement query = target.prepareStatement("SELECT o.name, r.oid IS NOT NULL,"
				+ " r.oid IS NOT NULL AND pg_catalog.pg_has_role(r.oid, 'MEMBER')"
				+ " FROM pg_catalog.unnest(?::text[]) AS o(name) LEFT JOIN pg_catalog.pg_roles r ON r.rolname = o.name"
				+ " ORDER BY 1")) {
			query.setArray(1, target.createArrayOf("text", owners.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					if (!rs.getBoolean(2)) {
						missing.add(rs.getString(1));
					}
					else if (!rs.getBoolean(3)) {
						notMember.add(rs.getString(1));
					}
				}
			}
		}
		if (!missing.isEmpty() && !rolesCopied) {
			problems.add("objects are owned by roles the target lacks: " + listed(missing)
					+ " (run pgcopydb copy roles first, or pass --no-owner)");
		}
		if (!notMember.isEmpty()) {
			problems.add("this role cannot give objects to their owners " + listed(notMember)
					+ " (GRANT those roles to it, or pass --no-owner)");
		}
	}

	private static void extensionProblems(Connection source, Connection target,
			java.util.function.Predicate<String> kept, List<String> problems) throws SQLException {
		Map<String, String> onTarget = Extensions.installedVersions(target);
		List<String> untrusted = new ArrayList<>();
		// trusted extensions (PostgreSQL 13) may be created by a role with CREATE on the
		// database; before, every extension marked superuser needs one
		String needsSuperuser = (target.getMetaData().getDatabaseMajorVersion() >= 13) ? "superuser AND NOT trusted"
				: "superuser";
		try (PreparedStatement query = target.prepareStatement("SELECT DISTINCT name FROM"
				+ " pg_catalog.pg_available_extension_versions WHERE name = ANY (?::text[]) AND " + needsSuperuser)) {
			List<String> lacking = Extensions.installedVersions(source)
				.keySet()
				.stream()
				.filter((name) -> !onTarget.containsKey(name) && kept.test(name))
				.sorted()
				.toList();
			query.setArray(1, target.createArrayOf("text", lacking.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					untrusted.add(rs.getString(1));
				}
			}
		}
		if (!untrusted.isEmpty()) {
			problems.add("only a superuser can create the extensions " + listed(untrusted)
					+ " (run pgcopydb copy extensions as a superuser first, or pass --skip-extensions)");
		}
	}

	private static boolean isSuperuser(Connection connection) throws SQLException {
		return count(connection,
				"SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = pg_catalog.current_user() AND rolsuper") > 0;
	}

	private static long count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static String listed(List<String> names) {
		return String.join(", ", names.subList(0, Math.min(LISTED, names.size())))
				+ ((names.size() > LISTED) ? " and " + (names.size() - LISTED) + " more" : "");
	}

}

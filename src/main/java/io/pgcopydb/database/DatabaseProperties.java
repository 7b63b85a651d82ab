package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * What a database carries beyond its schema and that pg_dump leaves out without
 * {@code --create}: its {@code ALTER DATABASE ... SET} settings, the settings of roles in
 * it ({@code ALTER ROLE ... IN DATABASE ... SET}), its comment, and its privileges
 * (CONNECT, CREATE, TEMPORARY).
 * <p>
 * Applied on the target database at the end of a run, so that none of them (a
 * {@code default_transaction_read_only}, a {@code statement_timeout}) can touch the
 * copy's sessions, which pin their own settings anyway; privileges come last. A setting
 * the target does not know (an extension's parameter), a role it lacks, or a property
 * this role may not set gives a warning naming it, never a failure: the data is there.
 *
 * @param settings the database's and its roles' settings, in the source's order
 * @param comment the database's comment, or null
 * @param hasOwnPrivileges the database's privileges differ from the defaults
 * @param grants the privileges granted to others than the owner
 */
public record DatabaseProperties(List<Setting> settings, String comment, boolean hasOwnPrivileges, List<Grant> grants) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** SQLSTATEs of a property the target cannot take: a warning, not a failure. */
	private static final Set<String> NOT_APPLICABLE = Set.of(SqlStates.UNDEFINED_OBJECT,
			SqlStates.INVALID_PARAMETER_VALUE, SqlStates.INSUFFICIENT_PRIVILEGE, SqlStates.CANT_CHANGE_RUNTIME_PARAM);

	/**
	 * {@code ALTER DATABASE ... SET name = value}, or with a role, {@code ALTER ROLE ...
	 * IN DATABASE ... SET}.
	 *
	 * @param role the role, or null for the database's own setting
	 */
	public record Setting(String role, String name, String value) {

		/** A setting as pg_db_role_setting stores it ("name=value"). */
		static Setting parse(String role, String stored) {
			int equals = stored.indexOf('=');
			return new Setting(role, stored.substring(0, equals), stored.substring(equals + 1));
		}

		/** {@code SET "name" TO value}, the end of the ALTER that gives it. */
		String setClause() {
			return "SET " + Identifiers.quote(this.name) + " TO " + SettingValues.render(this.name, this.value);
		}

	}

	/**
	 * A privilege on the database.
	 *
	 * @param grantee a role name, or null for PUBLIC
	 * @param privilege CONNECT, CREATE or TEMPORARY
	 */
	public record Grant(String grantee, String privilege, boolean grantable) {
	}

	/** Reads the properties of the database {@code source} is connected to. */
	public static DatabaseProperties read(Connection source) throws SQLException {
		List<Setting> settings = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_database_settings"))) {
			while (rs.next()) {
				settings.add(Setting.parse(rs.getString("role_name"), rs.getString("setting")));
			}
		}
		String comment;
		boolean hasAcl;
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("find_database_comment_and_acl"))) {
			rs.next();
			comment = rs.getString("comment");
			hasAcl = rs.getBoolean("has_acl");
		}
		List<Grant> grants = new ArrayList<>();
		try (PreparedStatement statement = source.prepareStatement(SqlFiles.load("list_database_grants"));
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				grants.add(new Grant(rs.getString("grantee_name"), rs.getString("privilege_type"),
						rs.getBoolean("is_grantable")));
			}
		}
		return new DatabaseProperties(List.copyOf(settings), comment, hasAcl, List.copyOf(grants));
	}

	/**
	 * The statements that give database {@code database} these properties: settings,
	 * comment, then privileges (reset to none for PUBLIC first when the source has its
	 * own).
	 */
	public List<String> statements(String database) {
		String db = Identifiers.quote(database);
		List<String> statements = new ArrayList<>();
		for (Setting setting : this.settings) {
			String target = (setting.role() == null) ? "DATABASE " + db
					: "ROLE " + Identifiers.quote(setting.role()) + " IN DATABASE " + db;
			statements.add("ALTER " + target + " " + setting.setClause());
		}
		if (this.comment != null) {
			statements.add("COMMENT ON DATABASE " + db + " IS " + Identifiers.literal(this.comment));
		}
		if (this.hasOwnPrivileges) {
			statements.add("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
			for (Grant grant : this.grants) {
				statements.add("GRANT " + grant.privilege() + " ON DATABASE " + db + " TO "
						+ ((grant.grantee() == null) ? "PUBLIC" : Identifiers.quote(grant.grantee()))
						+ (grant.grantable() ? " WITH GRANT OPTION" : ""));
			}
		}
		return statements;
	}

	/**
	 * Applies {@link #statements} on {@code target}, an autocommit session on the target
	 * database; returns one warning per statement the target refused as not applicable.
	 * @throws SQLException on any other failure
	 */
	public List<String> apply(Connection target, String database) throws SQLException {
		List<String> warnings = new ArrayList<>();
		try (Statement statement = target.createStatement()) {
			for (String sql : statements(database)) {
				try {
					statement.execute(sql);
				}
				catch (SQLException ex) {
					if (!NOT_APPLICABLE.contains(ex.getSQLState())) {
						throw ex;
					}
					warnings.add(sql + ": " + SqlStates.firstLine(ex.getMessage()));
				}
			}
		}
		return warnings;
	}

	/**
	 * These properties without the comment ({@code --no-comments}) or without the
	 * privileges ({@code --no-acl}).
	 */
	public DatabaseProperties without(boolean comment, boolean privileges) {
		return new DatabaseProperties(this.settings, comment ? null : this.comment,
				!privileges && this.hasOwnPrivileges, privileges ? List.of() : this.grants);
	}

	/** Whether the session's role may still connect to its database. */
	public static boolean canConnect(Connection target) throws SQLException {
		try (Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT pg_catalog.has_database_privilege(" + "pg_catalog.current_database(), 'CONNECT')")) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

	/** These properties as JSON, to keep in --dir between dump and restore. */
	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	/** Properties written by {@link #toJson}. */
	public static DatabaseProperties fromJson(String json) {
		return JSON.readValue(json, DatabaseProperties.class);
	}

	/** How many properties there are, for the log. */
	public int count() {
		return this.settings.size() + ((this.comment != null) ? 1 : 0) + this.grants.size();
	}

}

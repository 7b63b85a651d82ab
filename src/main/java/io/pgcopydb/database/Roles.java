package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * The roles of the source cluster, to create on the target those it lacks: attributes,
 * password hashes (unless left out), comments, settings ({@code ALTER ROLE ... SET}) and
 * memberships. A role the target already has is left exactly as it is, and listed; a
 * membership or setting is added only for a role this run created. Predefined
 * {@code pg_*} roles are never created; a membership in one the target's version lacks
 * gives a warning.
 * <p>
 * Passwords travel only inside the CREATE ROLE statement sent to the target: never in a
 * log line or an error message, which name the role only.
 *
 * @param roles the roles, by name
 * @param memberships who is a member of whom
 * @param settings per-role settings valid in every database
 */
public record Roles(List<Role> roles, List<Membership> memberships, List<DatabaseProperties.Setting> settings) {

	/** One role's attributes; {@code password} is a hash, or null. */
	public record Role(String name, boolean superuser, boolean inherit, boolean createRole, boolean createDb,
			boolean login, boolean replication, boolean bypassRls, int connectionLimit, String validUntil,
			String password, String comment) {

		@Override
		public String toString() {
			return "Role[" + this.name + "]";
		}

	}

	public record Membership(String role, String member, boolean admin) {
	}

	/** What {@link #createMissing} did. */
	public record Result(List<String> created, List<String> existing, List<String> warnings) {
	}

	/**
	 * Reads the source cluster's roles.
	 * @param passwords read the password hashes (needs a superuser on the source)
	 */
	public static Roles read(Connection source, boolean passwords) throws SQLException {
		List<Role> roles = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement
					.executeQuery(SqlFiles.load(passwords ? "list_roles_with_passwords" : "list_roles"))) {
			while (rs.next()) {
				roles.add(new Role(rs.getString("rolname"), rs.getBoolean("rolsuper"), rs.getBoolean("rolinherit"),
						rs.getBoolean("rolcreaterole"), rs.getBoolean("rolcreatedb"), rs.getBoolean("rolcanlogin"),
						rs.getBoolean("rolreplication"), rs.getBoolean("rolbypassrls"), rs.getInt("rolconnlimit"),
						rs.getString("rolvaliduntil"), rs.getString("rolpassword"), rs.getString("comment")));
			}
		}
		List<Membership> memberships = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_role_memberships"))) {
			while (rs.next()) {
				memberships.add(new Membership(rs.getString("granted_role"), rs.getString("member"),
						rs.getBoolean("admin_option")));
			}
		}
		List<DatabaseProperties.Setting> settings = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_role_settings"))) {
			while (rs.next()) {
				settings.add(DatabaseProperties.Setting.parse(rs.getString("role_name"), rs.getString("setting")));
			}
		}
		return new Roles(List.copyOf(roles), List.copyOf(memberships), List.copyOf(settings));
	}

	/**
	 * Creates on {@code target} (an autocommit session) the roles it lacks, then their
	 * settings and memberships. Repeatable: a second call finds them all existing.
	 * @throws SQLException when a role cannot be created
	 */
	public Result createMissing(Connection target) throws SQLException {
		Set<String> existing = existingRoles(target);
		List<String> created = new ArrayList<>();
		List<String> kept = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		try (Statement statement = target.createStatement()) {
			for (Role role : this.roles) {
				if (existing.contains(role.name())) {
					kept.add(role.name());
					continue;
				}
				try {
					statement.execute(createStatement(role));
				}
				catch (SQLException ex) {
					// the message names the role only: the statement may hold a password
					// hash
					throw new SQLException(
							"creating role \"" + role.name() + "\": " + SqlStates.firstLine(ex.getMessage()),
							ex.getSQLState());
				}
				if (role.comment() != null) {
					statement.execute("COMMENT ON ROLE " + Identifiers.quote(role.name()) + " IS "
							+ Identifiers.literal(role.comment()));
				}
				created.add(role.name());
			}
			Set<String> createdNames = new HashSet<>(created);
			for (DatabaseProperties.Setting setting : this.settings) {
				if (createdNames.contains(setting.role())) {
					tryStatement(statement,
							"ALTER ROLE " + Identifiers.quote(setting.role()) + " " + setting.setClause(), warnings);
				}
			}
			for (Membership membership : this.memberships) {
				if (createdNames.contains(membership.member())) {
					tryStatement(statement, "GRANT " + Identifiers.quote(membership.role()) + " TO "
							+ Identifiers.quote(membership.member()) + (membership.admin() ? " WITH ADMIN OPTION" : ""),
							warnings);
				}
			}
		}
		return new Result(List.copyOf(created), List.copyOf(kept), List.copyOf(warnings));
	}

	/** The CREATE ROLE statement of {@code role}, its password hash included. */
	static String createStatement(Role role) {
		StringBuilder sql = new StringBuilder("CREATE ROLE ").append(Identifiers.quote(role.name()));
		sql.append(role.superuser() ? " SUPERUSER" : " NOSUPERUSER");
		sql.append(role.inherit() ? " INHERIT" : " NOINHERIT");
		sql.append(role.createRole() ? " CREATEROLE" : " NOCREATEROLE");
		sql.append(role.createDb() ? " CREATEDB" : " NOCREATEDB");
		sql.append(role.login() ? " LOGIN" : " NOLOGIN");
		sql.append(role.replication() ? " REPLICATION" : " NOREPLICATION");
		sql.append(role.bypassRls() ? " BYPASSRLS" : " NOBYPASSRLS");
		if (role.connectionLimit() != -1) {
			sql.append(" CONNECTION LIMIT ").append(role.connectionLimit());
		}
		if (role.validUntil() != null) {
			sql.append(" VALID UNTIL ").append(Identifiers.literal(role.validUntil()));
		}
		if (role.password() != null) {
			sql.append(" PASSWORD ").append(Identifiers.literal(role.password()));
		}
		return sql.toString();
	}

	/**
	 * Whether the session's role may create roles (superuser, or CREATEROLE), so that a
	 * refusal comes before any role is created.
	 */
	public static boolean canCreateRoles(Connection target) throws SQLException {
		try (Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery("SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles"
						+ " WHERE rolname = pg_catalog.current_user()")) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	private static Set<String> existingRoles(Connection target) throws SQLException {
		Set<String> names = new HashSet<>();
		try (Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery("SELECT rolname FROM pg_catalog.pg_roles")) {
			while (rs.next()) {
				names.add(rs.getString(1));
			}
		}
		return names;
	}

	/**
	 * Runs a statement that the target may refuse for a reason of its own (a predefined
	 * role its version lacks, a parameter it does not know): a warning, not a failure.
	 */
	private static void tryStatement(Statement statement, String sql, List<String> warnings) throws SQLException {
		try {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			if (!SqlStates.UNDEFINED_OBJECT.equals(ex.getSQLState())
					&& !SqlStates.INVALID_PARAMETER_VALUE.equals(ex.getSQLState())
					&& !SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
				throw ex;
			}
			warnings.add(sql + ": " + SqlStates.firstLine(ex.getMessage()));
		}
	}

}

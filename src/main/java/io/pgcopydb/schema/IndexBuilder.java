package io.pgcopydb.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.Identifiers;

/**
 * Builds one index on the target, and the PRIMARY KEY or UNIQUE constraint it backs:
 * CREATE UNIQUE INDEX first (this can run beside other index builds on the same table),
 * then ALTER TABLE ... ADD CONSTRAINT ... USING INDEX, which only takes its exclusive
 * lock for a catalog update
 * (https://www.postgresql.org/docs/current/sql-altertable.html). Also applies what
 * pg_dump attaches to an index: its tablespace, CLUSTER ON, REPLICA IDENTITY and
 * per-column statistics targets.
 *
 * <p>
 * Contract: the index commits first, then the constraint and index properties in a second
 * transaction; each statement is idempotent (IF NOT EXISTS, constraint existence
 * checked), so a retry after a failure between or within them is safe.
 */
public final class IndexBuilder {

	private final String maintenanceWorkMem;

	public IndexBuilder(String maintenanceWorkMem) {
		this.maintenanceWorkMem = maintenanceWorkMem;
	}

	public void build(Connection target, SourceIndex index) throws SQLException {
		target.setAutoCommit(false);
		try (Statement statement = target.createStatement()) {
			// on a retry, a constraint from the earlier attempt owns (and renamed) the
			// index
			boolean attached = index.backsConstraint() && constraintExists(target, index);
			if (!attached) {
				createIndex(statement, index);
				// CREATE INDEX holds a SHARE lock until commit: two builds on one table
				// both waiting for ALTER TABLE's ACCESS EXCLUSIVE lock would deadlock
				target.commit();
				if (index.backsConstraint()) {
					statement.execute(addConstraint(index));
				}
			}
			for (String property : indexProperties(index)) {
				statement.execute(property);
			}
			target.commit();
		}
		catch (SQLException | RuntimeException ex) {
			target.rollback();
			throw ex;
		}
	}

	private void createIndex(Statement statement, SourceIndex index) throws SQLException {
		statement.execute("SET LOCAL maintenance_work_mem TO " + Identifiers.literal(this.maintenanceWorkMem));
		// the definition was read with an empty search_path: every name in it is
		// qualified
		statement.execute("SET LOCAL search_path TO ''");
		// pg_get_indexdef prints no TABLESPACE clause; pg_dump sets default_tablespace
		// too
		statement.execute("SET LOCAL default_tablespace TO "
				+ ((index.tablespace() != null) ? Identifiers.quote(index.tablespace()) : "''"));
		statement.execute(createIfNotExists(index.definition()));
	}

	/**
	 * What pg_dump attaches to an index entry: CLUSTER ON, REPLICA IDENTITY, statistics.
	 */
	static List<String> indexProperties(SourceIndex index) {
		String name = Identifiers.quote(constraintOrIndexName(index));
		List<String> statements = new ArrayList<>();
		if (index.clustered()) {
			statements.add("ALTER TABLE ONLY " + index.qualifiedTableName() + " CLUSTER ON " + name);
		}
		if (index.replicaIdentity()) {
			statements.add("ALTER TABLE ONLY " + index.qualifiedTableName() + " REPLICA IDENTITY USING INDEX " + name);
		}
		statements.addAll(columnStatistics(index));
		return statements;
	}

	/** pg_get_indexdef gives "CREATE [UNIQUE] INDEX name ON ...". */
	static String createIfNotExists(String definition) {
		int at = definition.indexOf("INDEX ");
		if (at < 0) {
			throw new IllegalArgumentException("not an index definition: " + definition);
		}
		return definition.substring(0, at) + "INDEX IF NOT EXISTS " + definition.substring(at + "INDEX ".length());
	}

	static String addConstraint(SourceIndex index) {
		StringBuilder sql = new StringBuilder("ALTER TABLE ONLY ").append(index.qualifiedTableName())
			.append(" ADD CONSTRAINT ")
			.append(Identifiers.quote(index.constraintName()))
			.append("p".equals(index.constraintType()) ? " PRIMARY KEY" : " UNIQUE")
			.append(" USING INDEX ")
			.append(Identifiers.quote(index.name()));
		if (index.deferrable()) {
			sql.append(" DEFERRABLE");
			if (index.deferred()) {
				sql.append(" INITIALLY DEFERRED");
			}
		}
		return sql.toString();
	}

	/** ALTER INDEX ... SET STATISTICS for each column target set on the source index. */
	static List<String> columnStatistics(SourceIndex index) {
		if (index.columnStatistics() == null || index.columnStatistics().isEmpty()) {
			return List.of();
		}
		String name = Identifiers.qualified(index.schema(), constraintOrIndexName(index));
		List<String> statements = new ArrayList<>();
		for (String setting : index.columnStatistics().split(",")) {
			String[] columnAndTarget = setting.split("=");
			statements.add("ALTER INDEX " + name + " ALTER COLUMN " + Integer.parseInt(columnAndTarget[0])
					+ " SET STATISTICS " + Integer.parseInt(columnAndTarget[1]));
		}
		return statements;
	}

	/** ADD CONSTRAINT ... USING INDEX renames the index after the constraint. */
	private static String constraintOrIndexName(SourceIndex index) {
		return index.backsConstraint() ? index.constraintName() : index.name();
	}

	private static boolean constraintExists(Connection target, SourceIndex index) throws SQLException {
		try (PreparedStatement query = target.prepareStatement(SqlFiles.load("find_constraint"))) {
			query.setString(1, index.schema());
			query.setString(2, index.tableName());
			query.setString(3, index.constraintName());
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

}

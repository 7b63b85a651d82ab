package io.pgcopydb.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.catalog.TargetRelation;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

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
 * The target's shape decides, as it is at build time: on a table the target partitioned
 * after restore pre-data, where {@code USING INDEX} is refused, a PRIMARY KEY or UNIQUE
 * constraint is built directly from its definition (building its partitioned index), and
 * CLUSTER ON, which PostgreSQL refuses there, is left out with a warning; a key that
 * lacks a partition-key column fails in one line naming it; an index whose table the
 * target no longer has (a partition merged into its parent) is not built and is reported.
 *
 * <p>
 * Contract: the index commits first, then the constraint and index properties in a second
 * transaction; each statement is idempotent (IF NOT EXISTS, constraint existence
 * checked), so a retry after a failure between or within them is safe. A constraint built
 * directly commits in one transaction with its index.
 */
public final class IndexBuilder {

	/**
	 * SQLSTATE 0A000, what a key lacking a partition column on a partitioned table gets.
	 */
	private static final String FEATURE_NOT_SUPPORTED = "0A000";

	private static final Logger logger = LoggerFactory.getLogger(IndexBuilder.class);

	private final String maintenanceWorkMem;

	public IndexBuilder(String maintenanceWorkMem) {
		this.maintenanceWorkMem = maintenanceWorkMem;
	}

	/**
	 * Builds the index and its constraint, unless its table is missing on the target.
	 * @throws BadStateException when a key lacks a column the target partitions by
	 */
	public Outcome build(Connection target, SourceIndex index) throws SQLException {
		return build(target, index, true, false);
	}

	/**
	 * Builds the index only, leaving the ALTER TABLE statements that would end its build
	 * (its constraint, CLUSTER ON, REPLICA IDENTITY, and its statistics targets, which
	 * name the index as the constraint renames it) to {@link #alterTable}, once the
	 * table's other builds are done. On a table the target partitions, the constraint
	 * builds its index: built whole here.
	 */
	public Outcome buildWithoutAlter(Connection target, SourceIndex index) throws SQLException {
		return build(target, index, true, true);
	}

	/**
	 * The ALTER TABLE statements {@link #buildWithoutAlter} left for {@code indexes}, the
	 * indexes of one table, in one transaction: each constraint not attached yet, then
	 * each index's properties. Nothing on a table the target partitions, whose builds did
	 * it all.
	 * @return {@link Outcome#BUILT}, or what was not done: {@link Outcome#NO_TABLE},
	 * {@link Outcome#BUILT_PARTITIONED}
	 */
	public Outcome alterTable(Connection target, List<SourceIndex> indexes) throws SQLException {
		if (indexes.isEmpty()) {
			return Outcome.BUILT;
		}
		target.setAutoCommit(false);
		try (Statement statement = target.createStatement()) {
			Optional<TargetRelation> table = new TargetCatalog(target).relation(indexes.get(0).qualifiedTableName());
			if (table.isEmpty() || table.get().partitioned()) {
				target.commit();
				return table.isEmpty() ? Outcome.NO_TABLE : Outcome.BUILT_PARTITIONED;
			}
			Set<List<String>> attached = existingConstraints(target, indexes);
			for (SourceIndex index : indexes) {
				if (index.backsConstraint()
						&& !attached.contains(List.of(index.schema(), index.tableName(), index.constraintName()))) {
					statement.execute(addConstraint(index));
				}
				for (String property : indexProperties(index, false)) {
					applyProperty(target, statement, index, property);
				}
			}
			target.commit();
			return Outcome.BUILT;
		}
		catch (SQLException | RuntimeException ex) {
			target.rollback();
			throw ex;
		}
	}

	/**
	 * Builds the indexes of several tables, and their constraints, in one transaction of
	 * {@code target}: the indexes of a bundle of small tables, where a commit per index
	 * cost more than the build (a WAL flush each). No other session builds on those
	 * tables meanwhile, so the commit between an index and its constraint, which keeps
	 * two builds on one table from deadlocking, is not needed. A failure rolls them all
	 * back; a retry builds them all again.
	 * @param built receives each index and what was done, in order
	 */
	public void buildAll(Connection target, List<SourceIndex> indexes, BiConsumer<SourceIndex, Outcome> built)
			throws SQLException {
		List<Map.Entry<SourceIndex, Outcome>> outcomes = new ArrayList<>();
		target.setAutoCommit(false);
		try {
			// what each build checks first, read for all of them in two queries
			TargetCatalog catalog = new TargetCatalog(target);
			Map<String, TargetRelation> tables = catalog
				.relations(indexes.stream().map(SourceIndex::qualifiedTableName).distinct().toList());
			Set<List<String>> constraints = existingConstraints(target, indexes);
			for (SourceIndex index : indexes) {
				TargetRelation table = tables.get(index.qualifiedTableName());
				Optional<TargetRelation> found = (table != null) ? Optional.of(table)
						: catalog.relation(index.qualifiedTableName());
				boolean attached = index.backsConstraint()
						&& constraints.contains(List.of(index.schema(), index.tableName(), index.constraintName()));
				outcomes.add(Map.entry(index, build(target, index, false, found, attached, false)));
			}
			target.commit();
		}
		catch (SQLException | RuntimeException ex) {
			try {
				target.rollback();
			}
			catch (SQLException rollback) {
				ex.addSuppressed(rollback);
			}
			throw ex;
		}
		outcomes.forEach((outcome) -> built.accept(outcome.getKey(), outcome.getValue()));
	}

	private Outcome build(Connection target, SourceIndex index, boolean commit, boolean alterLater)
			throws SQLException {
		Optional<TargetRelation> table = new TargetCatalog(target).relation(index.qualifiedTableName());
		// on a retry, a constraint from the earlier attempt owns (and renamed) the index
		return build(target, index, commit, table,
				table.isPresent() && index.backsConstraint() && constraintExists(target, index), alterLater);
	}

	/**
	 * @param table the index's table on the target, empty when it has none
	 * @param attached the table already has the constraint the index backs
	 * @param alterLater build the index only (see {@link #buildWithoutAlter})
	 */
	private Outcome build(Connection target, SourceIndex index, boolean commit, Optional<TargetRelation> table,
			boolean attached, boolean alterLater) throws SQLException {
		if (table.isEmpty()) {
			return Outcome.NO_TABLE;
		}
		boolean partitioned = table.get().partitioned();
		target.setAutoCommit(false);
		try (Statement statement = target.createStatement()) {
			if (!attached && partitioned && index.backsConstraint()) {
				statement.execute(buildSettings(index) + addConstraintDirectly(index));
			}
			else if (alterLater && !partitioned) {
				if (!attached) {
					statement.execute(buildSettings(index) + createIfNotExists(index.definition()));
				}
				target.commit();
				return Outcome.BUILT;
			}
			else if (!attached) {
				statement.execute(buildSettings(index) + createIfNotExists(index.definition()));
				// CREATE INDEX holds a SHARE lock until commit: two builds on one table
				// both waiting for ALTER TABLE's ACCESS EXCLUSIVE lock would deadlock
				if (commit) {
					target.commit();
				}
				if (index.backsConstraint()) {
					statement.execute(addConstraint(index));
				}
			}
			for (String property : indexProperties(index, partitioned)) {
				applyProperty(target, statement, index, property);
			}
			if (commit) {
				target.commit();
			}
			return partitioned ? Outcome.BUILT_PARTITIONED : Outcome.BUILT;
		}
		catch (SQLException | RuntimeException ex) {
			if (!commit) {
				// the caller rolls the whole transaction back
				if (partitioned && ex instanceof SQLException sql && lacksPartitionKey(sql)) {
					throw partitionKeyMissing(index, sql);
				}
				throw ex;
			}
			target.rollback();
			if (partitioned && ex instanceof SQLException sql && lacksPartitionKey(sql)) {
				throw partitionKeyMissing(index, sql);
			}
			throw ex;
		}
	}

	/** What {@link #build} did. */
	public enum Outcome {

		/** Built on a plain table. */
		BUILT,

		/** Built on a partitioned table, for each of its partitions. */
		BUILT_PARTITIONED,

		/** Not built: the target has no table of that name. */
		NO_TABLE

	}

	/**
	 * PostgreSQL's refusal of a unique key without every partition key column (its
	 * SQLSTATE is shared by other refusals, hence the message; with lc_messages other
	 * than English the server's own error is reported instead).
	 */
	static boolean lacksPartitionKey(SQLException ex) {
		return FEATURE_NOT_SUPPORTED.equals(ex.getSQLState()) && ex.getMessage() != null
				&& ex.getMessage().contains("partitioning columns");
	}

	/**
	 * The one-line error of a unique key on a partitioned target that lacks a partition
	 * key column; PostgreSQL names the column in the error's detail.
	 */
	static BadStateException partitionKeyMissing(SourceIndex index, SQLException ex) {
		String detail = (ex instanceof PSQLException psql && psql.getServerErrorMessage() != null
				&& psql.getServerErrorMessage().getDetail() != null) ? psql.getServerErrorMessage().getDetail()
						: SqlStates.firstLine(ex.getMessage());
		String what = index.backsConstraint() ? "constraint " + index.constraintName() : "unique index " + index.name();
		return new BadStateException("cannot build " + what + " on " + index.qualifiedTableName()
				+ ", which the target partitions: " + detail + " Create it on the target with the partition key"
				+ " columns added (the copy keeps a constraint or index of that name), then run copy data --resume",
				ex);
	}

	/**
	 * The settings of a build, to run first in its transaction (one round trip with the
	 * statement that follows them).
	 */
	private String buildSettings(SourceIndex index) {
		return "SET LOCAL maintenance_work_mem TO " + Identifiers.literal(this.maintenanceWorkMem) + "; "
		// the definition was read with an empty search_path: every name in it is
		// qualified
				+ "SET LOCAL search_path TO ''; "
				// pg_get_indexdef prints no TABLESPACE clause; pg_dump sets
				// default_tablespace too
				+ "SET LOCAL default_tablespace TO "
				+ ((index.tablespace() != null) ? Identifiers.quote(index.tablespace()) : "''") + "; ";
	}

	/**
	 * Runs one of {@link #indexProperties}, in the caller's transaction. Citus refuses
	 * CLUSTER ON a Citus table (distributed, reference or local: "alter table command is
	 * currently unsupported"), which a source table clustered before it was distributed
	 * still carries: that one is left out with a warning, as on a partitioned table.
	 */
	private static void applyProperty(Connection target, Statement statement, SourceIndex index, String property)
			throws SQLException {
		if (!property.contains(" CLUSTER ON ")) {
			statement.execute(property);
			return;
		}
		java.sql.Savepoint before = target.setSavepoint();
		try {
			statement.execute(property);
			target.releaseSavepoint(before);
		}
		catch (SQLException ex) {
			if (!FEATURE_NOT_SUPPORTED.equals(ex.getSQLState()) || ex.getMessage() == null
					|| !ex.getMessage().contains("alter table command is currently unsupported")) {
				throw ex;
			}
			target.rollback(before);
			logger.warn("Not marking {} clustered: {} is a Citus table on the target, and Citus refuses CLUSTER ON",
					Identifiers.display(constraintOrIndexName(index)),
					Identifiers.displayQualified(index.schema(), index.tableName()));
		}
	}

	/**
	 * What pg_dump attaches to an index entry: CLUSTER ON (not on a partitioned table,
	 * where PostgreSQL refuses it), REPLICA IDENTITY, statistics.
	 */
	static List<String> indexProperties(SourceIndex index, boolean partitioned) {
		String name = Identifiers.quote(constraintOrIndexName(index));
		List<String> statements = new ArrayList<>();
		if (index.clustered() && partitioned) {
			logger.warn(
					"Not marking {} clustered: {} is partitioned on the target, and PostgreSQL refuses"
							+ " CLUSTER ON a partitioned table",
					Identifiers.display(constraintOrIndexName(index)),
					Identifiers.displayQualified(index.schema(), index.tableName()));
		}
		else if (index.clustered()) {
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

	/**
	 * ADD CONSTRAINT from the constraint's own definition, which builds its index: the
	 * form a partitioned table takes, recursing into its partitions.
	 */
	static String addConstraintDirectly(SourceIndex index) {
		if (index.constraintDefinition() == null) {
			throw new BadStateException("the plan holds no definition of constraint " + index.constraintName() + " of "
					+ index.qualifiedTableName() + " to build it on the partitioned target table: start the run over"
					+ " with --restart");
		}
		return "ALTER TABLE " + index.qualifiedTableName() + " ADD CONSTRAINT "
				+ Identifiers.quote(index.constraintName()) + " " + index.constraintDefinition();
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

	/**
	 * The constraints among those {@code indexes} back that their tables already have, as
	 * (schema, table, constraint) names, in one query.
	 */
	private static Set<List<String>> existingConstraints(Connection target, List<SourceIndex> indexes)
			throws SQLException {
		List<SourceIndex> backing = indexes.stream().filter(SourceIndex::backsConstraint).toList();
		Set<List<String>> found = new HashSet<>();
		if (backing.isEmpty()) {
			return found;
		}
		try (PreparedStatement query = target.prepareStatement(SqlFiles.load("find_constraints"))) {
			query.setArray(1, target.createArrayOf("text", backing.stream().map(SourceIndex::schema).toArray()));
			query.setArray(2, target.createArrayOf("text", backing.stream().map(SourceIndex::tableName).toArray()));
			query.setArray(3,
					target.createArrayOf("text", backing.stream().map(SourceIndex::constraintName).toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					found.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
				}
			}
		}
		return found;
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

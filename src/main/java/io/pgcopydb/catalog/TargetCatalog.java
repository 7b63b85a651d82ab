package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the job needs to know of the target's catalog: which of the source's tables
 * it already has, a table's column types, the indexes and constraints already built, the
 * foreign keys in place. Read-only; the caller owns the connection.
 */
public final class TargetCatalog {

	private final Connection connection;

	public TargetCatalog(Connection connection) {
		this.connection = connection;
	}

	/** Tables and partitioned tables of the target, outside the system schemas. */
	public List<QualifiedName> tables() throws SQLException {
		List<QualifiedName> tables = new ArrayList<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("list_target_tables"));
				ResultSet rs = query.executeQuery()) {
			while (rs.next()) {
				tables.add(new QualifiedName(rs.getString(1), rs.getString(2)));
			}
		}
		return tables;
	}

	/**
	 * The relation of that name, with its place in a partition tree, or empty when the
	 * target has no table of that name.
	 * @param qualifiedName quoted and qualified, as {@link SourceTable#qualifiedName()}
	 */
	public Optional<TargetRelation> relation(String qualifiedName) throws SQLException {
		return describe(List.of(qualifiedName)).values().stream().findFirst();
	}

	/**
	 * Every table and partitioned table of the target, by quoted, qualified name, as
	 * {@link #relation(String)} describes one, in one query.
	 */
	public Map<String, TargetRelation> relations() throws SQLException {
		return describe(null);
	}

	/**
	 * The tables and partitioned tables of those names that the target has, by quoted,
	 * qualified name, as {@link #relation(String)} describes one, in one query.
	 * @param qualifiedNames quoted and qualified
	 */
	public Map<String, TargetRelation> relations(List<String> qualifiedNames) throws SQLException {
		return describe(qualifiedNames);
	}

	/** describe_target_relations.sql: those names, or every table when null. */
	private Map<String, TargetRelation> describe(List<String> qualifiedNames) throws SQLException {
		Map<String, TargetRelation> relations = new HashMap<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("describe_target_relations"))) {
			java.sql.Array names = (qualifiedNames != null)
					? this.connection.createArrayOf("text", qualifiedNames.toArray()) : null;
			query.setArray(1, names);
			query.setArray(2, names);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					TargetRelation relation = new TargetRelation(rs.getString("relation"),
							rs.getBoolean("is_partitioned"), rs.getString("partition_bound"),
							CatalogReader.lines(rs.getString("ancestors")));
					relations.put(relation.qualifiedName(), relation);
				}
			}
		}
		return relations;
	}

	/**
	 * The sequence that feeds {@code column} of {@code table} on the target (serial or
	 * identity), else a sequence named {@code sequence}, else empty.
	 * @param table quoted and qualified
	 * @param sequence quoted and qualified
	 * @return the sequence's name, quoted and qualified
	 */
	public Optional<String> sequenceFor(String table, String column, String sequence) throws SQLException {
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("find_target_sequence"))) {
			query.setString(1, table);
			query.setString(2, column);
			query.setString(3, table);
			query.setString(4, column);
			query.setString(5, sequence);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				String owned = rs.getString("sequence_name");
				if (owned != null) {
					return Optional.of(owned);
				}
				return rs.getBoolean("same_name_exists") ? Optional.of(sequence) : Optional.empty();
			}
		}
	}

	/**
	 * The target relation's columns as "quoted_name type" lines, the form of
	 * {@link SourceTable#columnTypes()}.
	 * @param relation quoted and qualified
	 */
	public Set<String> columnTypes(String relation) throws SQLException {
		Set<String> types = new HashSet<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("list_target_column_types"))) {
			query.setString(1, relation);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					types.add(rs.getString(1));
				}
			}
		}
		return types;
	}

	/**
	 * The column types of several target relations in one query, as
	 * {@link #columnTypes(String)} reads one.
	 * @param relations quoted and qualified
	 * @return each relation's column types, by its index in {@code relations}
	 */
	public Map<Integer, Set<String>> columnTypes(List<String> relations) throws SQLException {
		Map<Integer, Set<String>> types = new HashMap<>();
		try (PreparedStatement query = this.connection
			.prepareStatement(SqlFiles.load("list_target_column_types_of_many"))) {
			query.setArray(1, this.connection.createArrayOf("text", relations.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					types.computeIfAbsent(rs.getInt(1) - 1, (index) -> new HashSet<>()).add(rs.getString(2));
				}
			}
		}
		return types;
	}

	/** The indexes and table constraints already on the target. */
	public Set<TableObject> indexesAndConstraints() throws SQLException {
		Set<TableObject> found = new HashSet<>();
		try (PreparedStatement query = this.connection
			.prepareStatement(SqlFiles.load("list_target_indexes_and_constraints"));
				ResultSet rs = query.executeQuery()) {
			while (rs.next()) {
				found.add(new TableObject(TableObject.Kind.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT)),
						new QualifiedName(rs.getString(2), rs.getString(3)), rs.getString(4)));
			}
		}
		return found;
	}

	/** The foreign keys of the target (partition clones of a parent's excluded). */
	public List<ForeignKey> foreignKeys() throws SQLException {
		List<ForeignKey> keys = new ArrayList<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("list_target_foreign_keys"));
				ResultSet rs = query.executeQuery()) {
			while (rs.next()) {
				keys.add(new ForeignKey(new QualifiedName(rs.getString("schema_name"), rs.getString("table_name")),
						rs.getString("constraint_name"),
						new QualifiedName(rs.getString("referenced_schema"), rs.getString("referenced_table"))));
			}
		}
		return keys;
	}

	/** A schema-qualified name, unquoted. */
	public record QualifiedName(String schema, String name) {

		@Override
		public String toString() {
			return this.schema + "." + this.name;
		}

	}

	/** An index or a table constraint, named within its table. */
	public record TableObject(Kind kind, QualifiedName table, String name) {

		public enum Kind {

			INDEX, CONSTRAINT

		}

	}

	/** A foreign key of {@code table} referencing {@code referenced}. */
	public record ForeignKey(QualifiedName table, String name, QualifiedName referenced) {

	}

}

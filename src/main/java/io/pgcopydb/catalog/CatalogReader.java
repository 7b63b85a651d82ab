package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the copy needs from a source catalog. The caller owns the connection and its
 * transaction: run it inside the run's snapshot so the plan matches the data.
 */
public final class CatalogReader {

	private final Connection connection;

	public CatalogReader(Connection connection) {
		this.connection = connection;
	}

	public List<SourceTable> tables() throws SQLException {
		return query("list_tables",
				(rs) -> new SourceTable(rs.getLong("table_oid"), rs.getString("schema_name"),
						rs.getString("table_name"), nullToEmpty(rs.getString("column_list")),
						nullToEmpty(rs.getString("column_types")), rs.getBoolean("builtin_types"),
						rs.getLong("table_bytes"), lines(rs.getString("partition_ancestors")),
						rs.getString("partition_bound"), lines(rs.getString("index_names"))));
	}

	public List<SourceIndex> indexes() throws SQLException {
		return query("list_indexes",
				(rs) -> new SourceIndex(rs.getLong("index_oid"), rs.getLong("table_oid"), rs.getString("schema_name"),
						rs.getString("table_name"), rs.getString("index_name"), rs.getString("index_definition"),
						rs.getLong("constraint_oid"), rs.getString("constraint_name"), rs.getString("constraint_type"),
						rs.getString("constraint_definition"), rs.getBoolean("is_deferrable"),
						rs.getBoolean("is_deferred"), rs.getBoolean("is_clustered"),
						rs.getBoolean("is_replica_identity"), rs.getString("tablespace_name"),
						rs.getString("column_statistics"), rs.getString("access_method"), rs.getLong("index_bytes")));
	}

	/** Foreign keys, largest table first (see list_foreign_keys.sql). */
	public List<SourceForeignKey> foreignKeys() throws SQLException {
		return query("list_foreign_keys",
				(rs) -> new SourceForeignKey(rs.getLong("constraint_oid"), rs.getLong("table_oid"),
						rs.getString("schema_name"), rs.getString("table_name"), rs.getString("constraint_name"),
						rs.getString("definition"), rs.getBoolean("is_validated"), rs.getBoolean("on_partitioned"),
						rs.getBoolean("is_inherited"), rs.getLong("table_bytes")));
	}

	public List<SourceSequence> sequences() throws SQLException {
		return query("list_sequences",
				(rs) -> new SourceSequence(rs.getLong("sequence_oid"), rs.getString("schema_name"),
						rs.getString("sequence_name"), rs.getString("owner_table"), rs.getString("owner_column")));
	}

	/**
	 * Of {@code tables} (OIDs), those the connected role cannot lock as pg_dump does
	 * (SELECT on the table, USAGE on its schema).
	 */
	public java.util.Set<Long> unlockableTables(java.util.Collection<Long> tables) throws SQLException {
		java.util.Set<Long> unlockable = new java.util.HashSet<>();
		try (PreparedStatement statement = this.connection.prepareStatement(SqlFiles.load("list_unlockable_tables"))) {
			statement.setArray(1, this.connection.createArrayOf("int8", tables.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					unlockable.add(rs.getLong(1));
				}
			}
		}
		return unlockable;
	}

	public long largeObjectCount() throws SQLException {
		return query("count_large_objects", (rs) -> rs.getLong(1)).get(0);
	}

	private <T> List<T> query(String sqlFile, RowReader<T> reader) throws SQLException {
		return query(this.connection, sqlFile, reader);
	}

	/** Runs one catalog query file without parameters and reads every row. */
	static <T> List<T> query(Connection connection, String sqlFile, RowReader<T> reader) throws SQLException {
		List<T> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(SqlFiles.load(sqlFile));
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				rows.add(reader.read(rs));
			}
		}
		return rows;
	}

	/** A newline-separated aggregate as a list; null (no row aggregated) is empty. */
	static List<String> lines(String value) {
		return (value == null || value.isEmpty()) ? List.of() : List.of(value.split("\n"));
	}

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

	@FunctionalInterface
	interface RowReader<T> {

		T read(ResultSet rs) throws SQLException;

	}

}

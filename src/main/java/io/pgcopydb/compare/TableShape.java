package io.pgcopydb.compare;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;

/**
 * A table as {@code compare data} reads it on one side: its columns, and the key its rows
 * are told apart by.
 *
 * @param columns quoted column names, in attribute order
 * @param columnTypes each column's type: its OID for a built-in type, else its name
 * @param hashForms how a row hash takes each column by default: a built-in type's send
 * function (qualified), or null for its text
 * @param keyColumns quoted names of the primary key (else the smallest unique key of NOT
 * NULL columns); empty when there is none
 * @param integerKey the key is one smallint, integer or bigint column
 * @param keyType the built-in type of the key's first column, qualified
 * ({@code pg_catalog.bpchar}), or null for another type
 * @param estimatedRows the planner's estimate (pg_class.reltuples)
 * @param keyCollatable a key column's order depends on a collation
 * @param partitioned a partitioned table: its rows are its partitions' (read whole, where
 * the other side may have them in one table)
 */
record TableShape(List<String> columns, List<String> columnTypes, List<String> hashForms, List<String> keyColumns,
		boolean integerKey, String keyType, long estimatedRows, boolean keyCollatable, boolean partitioned) {

	/** The table named {@code qualifiedName} (quoted), or null when there is none. */
	static TableShape read(Connection connection, String qualifiedName) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(SqlFiles.load("compare_table_shape"))) {
			query.setString(1, qualifiedName);
			try (ResultSet rs = query.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				Array keys = rs.getArray("key_columns");
				Array columns = rs.getArray("columns");
				return new TableShape(strings(columns), strings(rs.getArray("column_types")),
						strings(rs.getArray("column_hash_forms")),
						(keys != null) ? List.of((String[]) keys.getArray()) : List.of(),
						rs.getBoolean("key_is_integer"), rs.getString("first_key_type"), rs.getLong("estimated_rows"),
						rs.getBoolean("key_is_collatable"), "p".equals(rs.getString("kind")));
			}
		}
	}

	/** An array's elements (nulls kept), or none for a NULL array. */
	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? java.util.Arrays.asList((String[]) array.getArray()) : List.of();
	}

	boolean hasKey() {
		return !this.keyColumns.isEmpty();
	}

}

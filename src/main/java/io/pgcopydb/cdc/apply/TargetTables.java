package io.pgcopydb.cdc.apply;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.error.BadStateException;

/**
 * Reads, once per table and session, the target table a relation of the change stream is
 * applied to, and checks that the target can take what the stream sends: the table
 * exists, and it has every column the stream sends (matched by name). Read-only; the
 * caller owns the connection.
 */
final class TargetTables {

	private final Connection connection;

	private final Map<String, TargetTable> cache = new HashMap<>();

	TargetTables(Connection connection) {
		this.connection = connection;
	}

	/**
	 * The target table for {@code shape}, checked against the columns the stream sends.
	 * @throws BadStateException naming the table or column and the remedy when the target
	 * lacks it
	 */
	TargetTable resolve(RelationShape shape) throws SQLException {
		String name = shape.qualifiedName();
		TargetTable table = this.cache.get(name);
		if (table == null) {
			table = read(name);
			if (table == null) {
				throw new BadStateException("the change stream has changes of table " + name
						+ ", which the target does not have: create it on the target (apply the source's DDL), then"
						+ " run again with --resume");
			}
			this.cache.put(name, table);
		}
		for (RelationShape.Column column : shape.columns()) {
			if (!table.columns().containsKey(column.name())) {
				throw new BadStateException("the change stream sends column "
						+ io.pgcopydb.pg.Identifiers.quote(column.name()) + " of table " + name
						+ ", which the target table lacks: apply the"
						+ " source's DDL on the target (ALTER TABLE ... ADD COLUMN), then run again with --resume");
			}
		}
		return table;
	}

	/** Forgets what was read: after a reconnect, the DBA may have changed the target. */
	void clear() {
		this.cache.clear();
	}

	private TargetTable read(String name) throws SQLException {
		boolean partitioned;
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("describe_apply_target"))) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				partitioned = rs.getBoolean("is_partitioned");
			}
		}
		Map<String, TargetTable.Column> columns = new LinkedHashMap<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("list_apply_target_columns"))) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					TargetTable.Column column = new TargetTable.Column(rs.getString("column_name"),
							rs.getString("type_name"), rs.getString("unmodified_type_name"),
							rs.getBoolean("is_generated"), rs.getBoolean("is_identity_always"),
							rs.getBoolean("has_equality"));
					columns.put(column.name(), column);
				}
			}
		}
		List<List<String>> uniqueKeys = new ArrayList<>();
		try (PreparedStatement query = this.connection
			.prepareStatement(SqlFiles.load("list_apply_target_unique_keys"))) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					Array names = rs.getArray(1);
					uniqueKeys.add(List.of((String[]) names.getArray()));
				}
			}
		}
		return new TargetTable(name, partitioned, columns, List.copyOf(uniqueKeys));
	}

}

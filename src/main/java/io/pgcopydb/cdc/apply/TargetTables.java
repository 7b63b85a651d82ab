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
import io.pgcopydb.pg.Identifiers;

/**
 * Reads, once per table and session, the target table a relation of the change stream is
 * applied to, and checks that the target can take what the stream sends
 * ({@link ShapeCheck}): the table exists, has the columns the stream sends, and follows
 * the source's DDL the stream shows. A shape that does not match what was read is checked
 * once more against the target as it is now, so that DDL the DBA applied on the target
 * meanwhile (a column added on both sides) is seen. Read-only; the caller owns the
 * connection.
 */
final class TargetTables {

	private final Connection connection;

	private final Map<String, Described> cache = new HashMap<>();

	TargetTables(Connection connection) {
		this.connection = connection;
	}

	/**
	 * The target table for {@code shape}, checked against the shape and what it changed
	 * in the stream.
	 * @throws BadStateException naming the table and column and the remedy when the
	 * target cannot take changes of this shape
	 */
	TargetTable resolve(RelationShape shape, ShapeHistory.Change change) throws SQLException {
		String name = shape.qualifiedName();
		Described described = this.cache.get(name);
		boolean fresh = described == null;
		if (fresh) {
			described = read(name);
		}
		String mismatch = (described != null)
				? ShapeCheck.mismatch(shape, change, described.table(), described.types(), this::typeName) : null;
		if (mismatch != null && !fresh) {
			described = read(name);
			mismatch = (described != null)
					? ShapeCheck.mismatch(shape, change, described.table(), described.types(), this::typeName) : null;
		}
		if (described == null) {
			this.cache.remove(name);
			throw new BadStateException("the change stream has changes of table " + name
					+ ", which the target does not have: create it on the target (apply the source's DDL), then"
					+ " run again with --resume");
		}
		this.cache.put(name, described);
		if (mismatch != null) {
			throw new BadStateException(mismatch);
		}
		return described.table();
	}

	/** Forgets what was read: after a reconnect, the DBA may have changed the target. */
	void clear() {
		this.cache.clear();
	}

	/** A built-in type's name (the same OID on every cluster), for messages. */
	private String typeName(long oid) {
		try (PreparedStatement query = this.connection
			.prepareStatement("SELECT pg_catalog.format_type(?::pg_catalog.oid, NULL)")) {
			query.setLong(1, oid);
			try (ResultSet rs = query.executeQuery()) {
				return (rs.next() && rs.getString(1) != null) ? rs.getString(1) : "OID " + oid;
			}
		}
		catch (SQLException ex) {
			return "OID " + oid;
		}
	}

	private Described read(String name) throws SQLException {
		boolean partitioned;
		boolean replicaTriggers;
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("describe_apply_target"))) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				partitioned = rs.getBoolean("is_partitioned");
				replicaTriggers = rs.getBoolean("has_replica_triggers");
			}
		}
		Map<String, TargetTable.Column> columns = new LinkedHashMap<>();
		Map<String, ShapeCheck.TargetType> types = new HashMap<>();
		try (PreparedStatement query = this.connection.prepareStatement(SqlFiles.load("list_apply_target_columns"))) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					TargetTable.Column column = new TargetTable.Column(rs.getString("column_name"),
							rs.getString("type_name"), rs.getString("unmodified_type_name"),
							rs.getBoolean("is_generated"), rs.getBoolean("is_identity_always"),
							rs.getBoolean("has_equality"));
					columns.put(column.name(), column);
					types.put(column.name(), new ShapeCheck.TargetType(rs.getLong("type_oid"),
							rs.getString("base_type_name"),
							Identifiers.qualified(rs.getString("type_schema"), rs.getString("type_local_name"))));
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
		return new Described(new TargetTable(name, partitioned, columns, List.copyOf(uniqueKeys), replicaTriggers),
				Map.copyOf(types));
	}

	private record Described(TargetTable table, Map<String, ShapeCheck.TargetType> types) {
	}

}

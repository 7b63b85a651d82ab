package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;

/**
 * What the list commands show of a source database, read in one REPEATABLE READ READ ONLY
 * transaction opened here, so that the filter's outcome ({@link SourceGraph} through
 * {@link FilterPlanner}), the tables, indexes, sequences and the per-schema counts all
 * describe the same moment: a table created between two queries cannot be counted in one
 * list and missing from the plan. Rows are read unfiltered; the caller keeps what the
 * plan keeps, by {@link io.pgcopydb.filter.ObjectId}. The caller owns the connection;
 * {@link #close()} ends the transaction (nothing is written).
 */
public final class SourceInventory implements AutoCloseable {

	private final Connection connection;

	private SourceGraph graph;

	/** A database of the server. */
	public record Database(long oid, String name, String owner, String encoding, Long bytes) {
	}

	/** A table whose rows a run copies (ordinary table or leaf partition). */
	public record Table(long oid, String schema, String name, long estimatedRows, long bytes, String partitionParent) {
	}

	/**
	 * A sequence with the value nextval last returned (null before the first call).
	 *
	 * @param ownerTableOid the owning column's table, 0 when no column owns it
	 */
	public record Sequence(long oid, String schema, String name, Long lastValue, long ownerTableOid, String ownerTable,
			String ownerColumn) {
	}

	/** An index, with the constraint it backs: p, u, x, or null. */
	public record Index(long oid, long tableOid, String schema, String tableName, String name, String constraintType,
			String constraintName, long bytes, String definition) {
	}

	/**
	 * A schema and one of its objects (a relation or a function), or a row with
	 * {@code objectOid} 0 for an empty schema.
	 */
	public record SchemaContent(long schemaOid, String schema, String owner, long classOid, long objectOid, String kind,
			long bytes) {
	}

	private SourceInventory(Connection connection) {
		this.connection = connection;
	}

	/** Starts the transaction every read of this inventory shares. */
	public static SourceInventory open(Connection connection) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
			// pg_get_indexdef then qualifies every name it prints
			statement.execute("SELECT pg_catalog.set_config('search_path', '', true)");
		}
		return new SourceInventory(connection);
	}

	/**
	 * The connection, for reads that belong to the inventory's transaction but not to
	 * this package (a Citus layout).
	 */
	public Connection connection() {
		return this.connection;
	}

	/**
	 * The server's databases (templates left out); not filtered, as filters name no
	 * database.
	 */
	public List<Database> databases() throws SQLException {
		return query("list_databases", (rs) -> new Database(rs.getLong("database_oid"), rs.getString("database_name"),
				rs.getString("owner"), rs.getString("encoding"), (Long) rs.getObject("database_bytes", Long.class)));
	}

	public List<Table> tables() throws SQLException {
		return query("list_tables_summary",
				(rs) -> new Table(rs.getLong("table_oid"), rs.getString("schema_name"), rs.getString("table_name"),
						rs.getLong("estimated_rows"), rs.getLong("table_bytes"), rs.getString("partition_parent")));
	}

	public List<Sequence> sequences() throws SQLException {
		return query("list_sequences_last_value",
				(rs) -> new Sequence(rs.getLong("sequence_oid"), rs.getString("schema_name"),
						rs.getString("sequence_name"), rs.getObject("last_value", Long.class),
						rs.getLong("owner_table_oid"), rs.getString("owner_table"), rs.getString("owner_column")));
	}

	public List<Index> indexes() throws SQLException {
		return query("list_indexes_summary",
				(rs) -> new Index(rs.getLong("index_oid"), rs.getLong("table_oid"), rs.getString("schema_name"),
						rs.getString("table_name"), rs.getString("index_name"), rs.getString("constraint_type"),
						rs.getString("constraint_name"), rs.getLong("index_bytes"), rs.getString("index_definition")));
	}

	public List<SchemaContent> schemaContents() throws SQLException {
		return query("list_schema_contents",
				(rs) -> new SchemaContent(rs.getLong("schema_oid"), rs.getString("schema_name"), rs.getString("owner"),
						rs.getLong("class_oid"), rs.getLong("object_oid"), rs.getString("kind"), rs.getLong("bytes")));
	}

	/** The source's objects and dependencies, read once per inventory. */
	public SourceGraph graph() throws SQLException {
		if (this.graph == null) {
			this.graph = SourceGraph.read(this.connection);
		}
		return this.graph;
	}

	/**
	 * What {@code filters} leave out of this database; {@link FilterPlan#NONE} without a
	 * filter (the graph is then not read).
	 * @param notValidOnPartitioned whether the target would create a foreign key NOT
	 * VALID on a partitioned table (PostgreSQL 18 and later)
	 */
	public FilterPlan plan(Filters filters, boolean notValidOnPartitioned) throws SQLException {
		if (filters.isEmpty()) {
			return FilterPlan.NONE;
		}
		SourceGraph source = graph();
		return FilterPlanner.plan(filters, source.objects(), source.dependencies(), notValidOnPartitioned);
	}

	/** Ends the transaction; the connection is the caller's to close. */
	@Override
	public void close() throws SQLException {
		this.connection.rollback();
		this.connection.setAutoCommit(true);
	}

	private <T> List<T> query(String sqlFile, CatalogReader.RowReader<T> reader) throws SQLException {
		return CatalogReader.query(this.connection, sqlFile, reader);
	}

}

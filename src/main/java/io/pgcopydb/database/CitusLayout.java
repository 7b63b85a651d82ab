package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.Identifiers;

/**
 * How a database with the Citus extension spreads its tables: which are reference,
 * hash-distributed (by which column, in which colocation group, over how many shards),
 * single-shard, Citus-local or in a distributed schema, and the nodes of its cluster.
 * Read on the coordinator ({@code sql/list_citus_*.sql}); {@link #NONE} for a database
 * without Citus. {@link DistributionScript} turns it into the statements that make the
 * same distribution on another Citus cluster.
 *
 * @param version the citus extension's version, null without Citus
 * @param tables the tables in pg_dist_partition, partitions of Citus tables included
 * @param schemas the schemas distributed by schema-based sharding (Citus 12 and later)
 * @param nodes the cluster's nodes, as this database's metadata has them
 */
public record CitusLayout(String version, List<CitusTable> tables, List<String> schemas, List<CitusNode> nodes) {

	public static final CitusLayout NONE = new CitusLayout(null, List.of(), List.of(), List.of());

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public CitusLayout {
		tables = List.copyOf(tables);
		schemas = List.copyOf(schemas);
		nodes = List.copyOf(nodes);
	}

	/**
	 * How Citus holds a table (pg_dist_partition's partmethod, repmodel, colocationid).
	 */
	public enum Kind {

		/** A copy of the table on every node (partmethod n, repmodel t). */
		REFERENCE("reference", "a reference table"),

		/** Hash-distributed by a column over shards (partmethod h). */
		HASH("distributed", "distributed"),

		/** One shard, on one node, in a colocation group (partmethod n, repmodel s). */
		SINGLE_SHARD("single-shard", "a single-shard table"),

		/** A table of a schema distributed by schema-based sharding. */
		SCHEMA("schema", "a distributed schema"),

		/** Kept on the coordinator, in Citus's metadata (colocation group 0). */
		CITUS_LOCAL("citus-local", "a Citus-local table"),

		/** The deprecated append and range methods, which no script remakes. */
		APPEND_OR_RANGE("append/range", "distributed by append or range");

		private final String label;

		private final String phrase;

		Kind(String label, String phrase) {
			this.label = label;
			this.phrase = phrase;
		}

		/** What a table of this kind is, in a sentence: "a reference table". */
		public String phrase() {
			return this.phrase;
		}

		/** The word list distribution prints. */
		public String label() {
			return this.label;
		}

	}

	/**
	 * A table of pg_dist_partition.
	 *
	 * @param column the distribution column (hash only), as pg_attribute names it
	 * @param colocationId the colocation group on the source (0: none)
	 * @param autoconverted a Citus-local table Citus added itself, for a foreign key to a
	 * reference table: that key, made again, adds it again
	 * @param partition a partition of a Citus partitioned table, distributed with it
	 * @param bytes the table's size over its shards when read ({@link #sizes}), else 0
	 */
	public record CitusTable(long oid, String schemaName, String name, Kind kind, String column, int colocationId,
			int shardCount, boolean autoconverted, boolean partition, long bytes) {

		/** Quoted and qualified, as a regclass literal takes it. */
		public String qualifiedName() {
			return Identifiers.qualified(this.schemaName, this.name);
		}

		/** schema.name as a person reads it. */
		public String displayName() {
			return Identifiers.displayQualified(this.schemaName, this.name);
		}

	}

	/** A row of pg_dist_node; group 0 is the coordinator. */
	public record CitusNode(String host, int port, int group, String role, boolean active, boolean shouldHaveShards,
			long placements) {

		public String address() {
			return this.host + ":" + this.port;
		}

	}

	/** Whether the database has the citus extension. */
	public boolean present() {
		return this.version != null;
	}

	/** Whether any table is in Citus's metadata. */
	public boolean distributes() {
		return !this.tables.isEmpty();
	}

	/** The tables a distribution script names: partitions go with their parent. */
	public List<CitusTable> scripted() {
		return this.tables.stream().filter((table) -> !table.partition()).toList();
	}

	/**
	 * The active primary nodes other than the coordinator that hold shards: where a
	 * coordinator's snapshot does not reach.
	 */
	public List<CitusNode> workersWithShards() {
		return this.nodes.stream()
			.filter((node) -> node.group() != 0 && node.active() && "primary".equals(node.role())
					&& node.placements() > 0)
			.toList();
	}

	/**
	 * Whether shards can be placed: an active primary node that should have shards, or no
	 * node at all (a fresh single node: Citus adds its coordinator, with shards, on the
	 * first distribution).
	 */
	public boolean placesShards() {
		return this.nodes.isEmpty() || this.nodes.stream().anyMatch((node) -> node.active() && node.shouldHaveShards());
	}

	/**
	 * Whether the coordinator is in the metadata, as Citus-local tables need (or will be,
	 * on a fresh single node).
	 */
	public boolean hasCoordinator() {
		return this.nodes.isEmpty() || this.nodes.stream().anyMatch((node) -> node.group() == 0);
	}

	/**
	 * The same layout with only the tables {@code kept} accepts (by OID), and the
	 * distributed schemas {@code schemaKept} accepts (by name): an empty distributed
	 * schema stays distributed, so that tables made in it later are sharded as on the
	 * source.
	 */
	public CitusLayout keeping(LongPredicate kept, Predicate<String> schemaKept) {
		List<CitusTable> tables = this.tables.stream().filter((table) -> kept.test(table.oid())).toList();
		return new CitusLayout(this.version, tables, this.schemas.stream().filter(schemaKept).toList(), this.nodes);
	}

	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	public static CitusLayout fromJson(String json) {
		return (json == null || json.isEmpty()) ? NONE : JSON.readValue(json, CitusLayout.class);
	}

	/** The database's Citus layout, {@link #NONE} without the citus extension. */
	public static CitusLayout read(Connection connection) throws SQLException {
		String version = null;
		boolean schemaSharding = false;
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT e.extversion,"
						+ " pg_catalog.to_regclass('pg_catalog.pg_dist_schema') IS NOT NULL FROM pg_catalog.pg_extension e"
						+ " WHERE e.extname = 'citus'")) {
			if (rs.next()) {
				version = rs.getString(1);
				schemaSharding = rs.getBoolean(2);
			}
		}
		if (version == null) {
			return NONE;
		}
		Set<Integer> schemaGroups = new HashSet<>();
		List<String> schemas = new ArrayList<>();
		try (Statement statement = connection.createStatement()) {
			if (schemaSharding) {
				try (ResultSet rs = statement.executeQuery(SqlFiles.load("list_citus_schemas"))) {
					while (rs.next()) {
						schemas.add(rs.getString("schema_name"));
						schemaGroups.add(rs.getInt("colocationid"));
					}
				}
			}
			List<CitusTable> tables = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery(SqlFiles.load("list_citus_tables"))) {
				while (rs.next()) {
					int group = rs.getInt("colocationid");
					tables.add(new CitusTable(rs.getLong("table_oid"), rs.getString("schema_name"),
							rs.getString("table_name"),
							kind(rs.getString("partmethod"), rs.getString("repmodel"), group, schemaGroups),
							rs.getString("distribution_column"), group, rs.getInt("shard_count"),
							rs.getBoolean("autoconverted"), rs.getBoolean("citus_partition"), 0));
				}
			}
			List<CitusNode> nodes = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery(SqlFiles.load("list_citus_nodes"))) {
				while (rs.next()) {
					nodes.add(new CitusNode(rs.getString("nodename"), rs.getInt("nodeport"), rs.getInt("groupid"),
							rs.getString("noderole"), rs.getBoolean("isactive"), rs.getBoolean("shouldhaveshards"),
							rs.getLong("placements")));
				}
			}
			return new CitusLayout(version, tables, schemas, nodes);
		}
	}

	/**
	 * Each Citus table's size over its shards, by OID: a call per table that reaches
	 * every node holding one of its shards.
	 */
	public static Map<Long, Long> sizes(Connection connection) throws SQLException {
		Map<Long, Long> sizes = new HashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_citus_table_sizes"))) {
			while (rs.next()) {
				sizes.put(rs.getLong("table_oid"), rs.getLong("table_bytes"));
			}
		}
		return sizes;
	}

	/**
	 * The shards' own relations as {schema, name} pairs: tables no catalog of user data
	 * may take (a session sees them when citus.override_table_visibility is off).
	 */
	public static Set<List<String>> shardRelations(Connection connection) throws SQLException {
		Set<List<String>> shards = new HashSet<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_citus_shard_names"))) {
			while (rs.next()) {
				shards.add(List.of(rs.getString("schema_name"), rs.getString("shard_name")));
			}
		}
		return shards;
	}

	static Kind kind(String partmethod, String repmodel, int group, Set<Integer> schemaGroups) {
		if ("h".equals(partmethod)) {
			return Kind.HASH;
		}
		if (!"n".equals(partmethod)) {
			return Kind.APPEND_OR_RANGE;
		}
		if ("t".equals(repmodel)) {
			return Kind.REFERENCE;
		}
		if (group == 0) {
			return Kind.CITUS_LOCAL;
		}
		return schemaGroups.contains(group) ? Kind.SCHEMA : Kind.SINGLE_SHARD;
	}

}

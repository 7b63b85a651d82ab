package io.pgcopydb.database;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.database.CitusLayout.CitusTable;
import io.pgcopydb.database.CitusLayout.Kind;
import io.pgcopydb.pg.Identifiers;

/**
 * The SQL that gives a Citus target the source's distribution, to run between the
 * pre-data restore (the tables exist, empty, without indexes or foreign keys) and the
 * data copy. In order: reference tables, distributed schemas, each colocation group of
 * hash-distributed tables (its first table with {@code colocate_with := 'none'} and the
 * group's shard count, the others colocated with it), each group of single-shard tables
 * likewise, then Citus-local tables. A partition goes with its parent; a Citus-local
 * table that Citus added itself for a foreign key is left to that key, made again by
 * restore post-data. Each statement is guarded: it does nothing when the target already
 * has the table (or schema) in Citus's metadata, so the script may run again after a
 * failure, and a distribution a DBA made by hand (another shard count) is kept.
 *
 * @param statements in the order to run them
 * @param notes what the script leaves out, and why, one line each
 */
public record DistributionScript(List<Step> statements, List<String> notes) {

	/**
	 * One statement of the script.
	 *
	 * @param object the table or schema it distributes, as a person reads it
	 * @param kind the distribution it gives
	 * @param detail the column, shard count and colocation, in words
	 * @param sql the guarded statement, without its semicolon
	 */
	public record Step(String object, Kind kind, String detail, String sql) {
	}

	public static DistributionScript of(CitusLayout layout) {
		List<Step> steps = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		List<CitusTable> tables = layout.scripted()
			.stream()
			.sorted(Comparator.comparing(CitusTable::schemaName).thenComparing(CitusTable::name))
			.toList();
		for (CitusTable table : tables) {
			if (table.kind() == Kind.REFERENCE) {
				steps.add(new Step(table.displayName(), Kind.REFERENCE, "a copy on every node",
						"SELECT pg_catalog.create_reference_table(" + regclass(table) + ")" + unlessTable(table)));
			}
		}
		for (String schema : layout.schemas()) {
			String name = Identifiers.literal(Identifiers.display(schema));
			steps.add(new Step(Identifiers.display(schema), Kind.SCHEMA, "schema-based sharding",
					"SELECT pg_catalog.citus_schema_distribute(" + name + ") WHERE NOT EXISTS (SELECT FROM"
							+ " pg_catalog.pg_dist_schema WHERE schemaid = " + name + "::regnamespace)"));
		}
		for (Kind kind : List.of(Kind.HASH, Kind.SINGLE_SHARD)) {
			Map<Integer, List<CitusTable>> groups = new LinkedHashMap<>();
			tables.stream()
				.filter((table) -> table.kind() == kind)
				.sorted(Comparator.comparingInt(CitusTable::colocationId))
				.forEach((table) -> groups.computeIfAbsent(table.colocationId(), (group) -> new ArrayList<>())
					.add(table));
			for (List<CitusTable> group : groups.values()) {
				CitusTable first = group.get(0);
				for (CitusTable table : group) {
					String column = (kind == Kind.HASH) ? Identifiers.literal(table.column()) : "NULL";
					String colocation = (table == first) ? "'none'" : regclass(first);
					String shards = (kind == Kind.HASH && table == first) ? ", shard_count := " + table.shardCount()
							: "";
					String detail = ((kind == Kind.HASH)
							? "by " + table.column() + ", " + table.shardCount() + " shards" : "one shard")
							+ ((table == first) ? ", colocation group of its own"
									: ", colocated with " + first.displayName());
					steps.add(new Step(table.displayName(), kind, detail,
							"SELECT pg_catalog.create_distributed_table(" + regclass(table) + ", " + column
									+ ", colocate_with := " + colocation + shards + ")" + unlessTable(table)));
				}
			}
		}
		for (CitusTable table : tables) {
			if (table.kind() == Kind.CITUS_LOCAL && table.autoconverted()) {
				notes.add(table.displayName() + ": Citus-local, added by Citus for its foreign key to a reference"
						+ " table; that key, made again by restore post-data, adds it again");
			}
			else if (table.kind() == Kind.CITUS_LOCAL) {
				steps.add(new Step(table.displayName(), Kind.CITUS_LOCAL, "on the coordinator",
						"SELECT pg_catalog.citus_add_local_table_to_metadata(" + regclass(table) + ")"
								+ unlessTable(table)));
			}
			else if (table.kind() == Kind.APPEND_OR_RANGE) {
				notes.add(table.displayName() + ": distributed by the deprecated append or range method, which this"
						+ " script does not make again");
			}
		}
		return new DistributionScript(List.copyOf(steps), List.copyOf(notes));
	}

	/**
	 * Those of {@code tables} distributed by the deprecated methods: a clone refuses
	 * them.
	 */
	public static List<String> unsupported(List<CitusTable> tables) {
		return tables.stream()
			.filter((table) -> table.kind() == Kind.APPEND_OR_RANGE)
			.map(CitusTable::displayName)
			.toList();
	}

	/** The script as a psql file, with a header saying where it comes from. */
	public String render(String header) {
		StringBuilder sql = new StringBuilder();
		header.lines().forEach((line) -> sql.append("-- ").append(line).append('\n'));
		// psql stops at the first failing statement (the script may run again)
		sql.append("\\set ON_ERROR_STOP on\n");
		for (String note : this.notes) {
			sql.append("-- not in this script: ").append(note).append('\n');
		}
		Kind section = null;
		for (Step step : this.statements) {
			if (step.kind() != section) {
				section = step.kind();
				sql.append('\n').append("-- ").append(sectionTitle(section)).append('\n');
			}
			sql.append(step.sql()).append(";\n");
		}
		return sql.toString();
	}

	private static String sectionTitle(Kind kind) {
		return switch (kind) {
			case REFERENCE -> "reference tables";
			case SCHEMA -> "distributed schemas (schema-based sharding)";
			case HASH -> "hash-distributed tables, by colocation group";
			case SINGLE_SHARD -> "single-shard tables, by colocation group";
			case CITUS_LOCAL -> "Citus-local tables";
			case APPEND_OR_RANGE -> "append or range";
		};
	}

	private static String regclass(CitusTable table) {
		return Identifiers.literal(table.displayName());
	}

	private static String unlessTable(CitusTable table) {
		return " WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = " + regclass(table)
				+ "::regclass)";
	}

}

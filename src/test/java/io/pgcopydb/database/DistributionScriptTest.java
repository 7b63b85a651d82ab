package io.pgcopydb.database;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.pgcopydb.database.CitusLayout.CitusNode;
import io.pgcopydb.database.CitusLayout.CitusTable;
import io.pgcopydb.database.CitusLayout.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution script made from a Citus layout: what a DBA reads in
 * {@code pgcopydb list distribution} and what the distribute step runs.
 */
class DistributionScriptTest {

	private static final CitusLayout LAYOUT = new CitusLayout("12.1-1",
			List.of(table(10, "public", "orders", Kind.HASH, "customer_id", 2, 4),
					table(11, "public", "customers", Kind.HASH, "id", 2, 4),
					table(12, "public", "countries", Kind.REFERENCE, null, 1, 1),
					table(13, "public", "Mixed Case", Kind.HASH, "Key Col", 4, 3),
					table(14, "public", "o'brien", Kind.SINGLE_SHARD, null, 5, 1),
					table(15, "public", "loners", Kind.SINGLE_SHARD, null, 5, 1),
					table(16, "public", "notes", Kind.CITUS_LOCAL, null, 0, 1),
					new CitusTable(17, "public", "auto", Kind.CITUS_LOCAL, null, 0, 1, true, false, 0),
					new CitusTable(18, "public", "measures_2024", Kind.HASH, "tenant", 4, 3, false, true, 0),
					table(19, "tenant_a", "items", Kind.SCHEMA, null, 6, 1),
					table(20, "tenant_a", "tags", Kind.SCHEMA, null, 6, 1),
					table(21, "public", "old_style", Kind.APPEND_OR_RANGE, "ts", 7, 12)),
			List.of("tenant_a"), List.of(new CitusNode("127.0.0.1", 5432, 0, "primary", true, true, 9)));

	@Test
	void statementsComeInDependencyOrderWithColocationAndShardCounts() {
		DistributionScript script = DistributionScript.of(LAYOUT);

		assertThat(script.statements()).extracting(DistributionScript.Step::object)
			.containsExactly("public.countries", "tenant_a", "public.customers", "public.orders",
					"public.\"Mixed Case\"", "public.loners", "public.\"o'brien\"", "public.notes");
		assertThat(script.statements()).extracting(DistributionScript.Step::sql)
			.containsExactly(
					"SELECT pg_catalog.create_reference_table('public.countries') WHERE NOT EXISTS (SELECT FROM"
							+ " pg_catalog.pg_dist_partition WHERE logicalrelid = 'public.countries'::regclass)",
					"SELECT pg_catalog.citus_schema_distribute('tenant_a') WHERE NOT EXISTS (SELECT FROM"
							+ " pg_catalog.pg_dist_schema WHERE schemaid = 'tenant_a'::regnamespace)",
					"SELECT pg_catalog.create_distributed_table('public.customers', 'id', colocate_with := 'none',"
							+ " shard_count := 4) WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE"
							+ " logicalrelid = 'public.customers'::regclass)",
					"SELECT pg_catalog.create_distributed_table('public.orders', 'customer_id', colocate_with :="
							+ " 'public.customers') WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE"
							+ " logicalrelid = 'public.orders'::regclass)",
					"SELECT pg_catalog.create_distributed_table('public.\"Mixed Case\"', 'Key Col', colocate_with :="
							+ " 'none', shard_count := 3) WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition"
							+ " WHERE logicalrelid = 'public.\"Mixed Case\"'::regclass)",
					"SELECT pg_catalog.create_distributed_table('public.loners', NULL, colocate_with := 'none')"
							+ " WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid ="
							+ " 'public.loners'::regclass)",
					"SELECT pg_catalog.create_distributed_table('public.\"o''brien\"', NULL, colocate_with :="
							+ " 'public.loners') WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE"
							+ " logicalrelid = 'public.\"o''brien\"'::regclass)",
					"SELECT pg_catalog.citus_add_local_table_to_metadata('public.notes') WHERE NOT EXISTS (SELECT"
							+ " FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'public.notes'::regclass)");
	}

	@Test
	void partitionsSchemaTablesAndAutoconvertedTablesHaveNoStatementOfTheirOwn() {
		DistributionScript script = DistributionScript.of(LAYOUT);
		String sql = script.render("header");

		assertThat(sql).doesNotContain("measures_2024", "tenant_a.items", "'<none>'", "'public.auto'")
			.startsWith("-- header\n\\set ON_ERROR_STOP on\n")
			.contains("-- not in this script: public.auto: Citus-local, added by Citus for its foreign key",
					"-- not in this script: public.old_style: distributed by the deprecated append or range method",
					"\n-- reference tables\nSELECT pg_catalog.create_reference_table('public.countries')");
		assertThat(DistributionScript.unsupported(LAYOUT.scripted())).containsExactly("public.old_style");
	}

	@Test
	void filtersKeepTheirTablesAndTheirSchemas() {
		CitusLayout kept = LAYOUT.keeping((oid) -> !Set.of(11L, 19L, 20L).contains(oid),
				(schema) -> !"tenant_a".equals(schema));

		DistributionScript script = DistributionScript.of(kept);

		// orders leads its colocation group once customers is left out
		assertThat(script.statements()).extracting(DistributionScript.Step::sql)
			.anyMatch((sql) -> sql.startsWith("SELECT pg_catalog.create_distributed_table('public.orders',"
					+ " 'customer_id', colocate_with := 'none', shard_count := 4)"));
		assertThat(kept.schemas()).isEmpty();
		assertThat(script.statements()).extracting(DistributionScript.Step::object).doesNotContain("tenant_a");
	}

	@Test
	void aDistributedSchemaWithoutTablesStaysDistributed() {
		CitusLayout empty = LAYOUT.keeping((oid) -> oid != 19 && oid != 20, (schema) -> true);

		assertThat(DistributionScript.of(empty).statements()).extracting(DistributionScript.Step::object)
			.contains("tenant_a");
	}

	@Test
	void kindsFollowPartmethodRepmodelAndColocation() {
		assertThat(CitusLayout.kind("h", "s", 3, Set.of())).isEqualTo(Kind.HASH);
		assertThat(CitusLayout.kind("n", "t", 1, Set.of())).isEqualTo(Kind.REFERENCE);
		assertThat(CitusLayout.kind("n", "s", 0, Set.of())).isEqualTo(Kind.CITUS_LOCAL);
		assertThat(CitusLayout.kind("n", "s", 5, Set.of())).isEqualTo(Kind.SINGLE_SHARD);
		assertThat(CitusLayout.kind("n", "s", 6, Set.of(6))).isEqualTo(Kind.SCHEMA);
		assertThat(CitusLayout.kind("a", "c", 7, Set.of())).isEqualTo(Kind.APPEND_OR_RANGE);
		assertThat(CitusLayout.kind("r", "c", 7, Set.of())).isEqualTo(Kind.APPEND_OR_RANGE);
	}

	@Test
	void theLayoutRecordedWithThePlanReadsBackTheSame() {
		assertThat(CitusLayout.fromJson(LAYOUT.toJson())).isEqualTo(LAYOUT);
		assertThat(CitusLayout.fromJson(null)).isEqualTo(CitusLayout.NONE);
		assertThat(LAYOUT.workersWithShards()).isEmpty();
		assertThat(LAYOUT.placesShards()).isTrue();
	}

	private static CitusTable table(long oid, String schema, String name, Kind kind, String column, int group,
			int shards) {
		return new CitusTable(oid, schema, name, kind, column, group, shards, false, false, 0);
	}

}

package io.pgcopydb.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.FilterPlanner;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source graph read from a real PostgreSQL catalog, and what a filter leaves out of
 * it and why: a database where dependencies cross the filter (views, a materialized view,
 * foreign keys, an owned sequence used elsewhere, a trigger, a policy, a BEGIN ATOMIC
 * function, a row-typed column, partitions, inheritance, a publication, statistics,
 * quoted names, a schema to leave behind).
 */
@ExtendWith(PostgresExtension.class)
class SourceGraphIT {

	private static final String DB = "it_source_graph";

	private static final String FIXTURE = """
			CREATE SCHEMA app;
			CREATE SCHEMA archive;
			CREATE SCHEMA "Mixed Case";
			CREATE TABLE app.customer (id bigserial PRIMARY KEY, name text NOT NULL CHECK (name <> ''));
			CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			    customer_id bigint REFERENCES app.customer (id), total numeric);
			CREATE TABLE app.note (id int, customer_id bigint REFERENCES app.customer (id));
			CREATE TABLE app.audit_log (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), what text);
			CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql
			    AS $$BEGIN INSERT INTO app.audit_log (what) VALUES (TG_OP); RETURN NEW; END$$;
			CREATE TRIGGER customer_audit AFTER INSERT ON app.customer FOR EACH ROW EXECUTE FUNCTION app.audit();
			CREATE VIEW app.customer_names AS SELECT id, name FROM app.customer;
			CREATE MATERIALIZED VIEW app.customer_count AS SELECT count(*) AS n FROM app.customer;
			CREATE TABLE app.invoice (no bigint DEFAULT nextval('app.customer_id_seq'), amount numeric);
			ALTER TABLE app.customer ENABLE ROW LEVEL SECURITY;
			CREATE POLICY customer_policy ON app.customer USING (name <> 'hidden');
			CREATE FUNCTION app.customer_total() RETURNS bigint LANGUAGE sql
			    BEGIN ATOMIC SELECT count(*) FROM app.customer; END;
			CREATE FUNCTION app.by_string() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.customer';
			CREATE TABLE app.snapshot_row (taken timestamptz, row_value app.customer);
			CREATE TABLE app.events (id bigint, at date NOT NULL, customer_id bigint REFERENCES app.customer (id))
			    PARTITION BY RANGE (at);
			CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			CREATE TABLE app.base (id int);
			CREATE TABLE app.child (extra text) INHERITS (app.base);
			CREATE PUBLICATION it_source_graph_pub FOR TABLE app.customer, app.orders;
			CREATE STATISTICS app.customer_stats (dependencies) ON id, name FROM app.customer;
			COMMENT ON TABLE app.customer IS 'customers';
			COMMENT ON VIEW app.customer_names IS 'names';
			GRANT SELECT ON app.customer, app.customer_names TO PUBLIC;
			CREATE TABLE "Mixed Case"."a.b c" (id int PRIMARY KEY, customer_id bigint);
			CREATE VIEW "Mixed Case".reader AS SELECT * FROM "Mixed Case"."a.b c";
			CREATE TABLE archive.old_orders (id int);
			CREATE VIEW app.recent_archive AS SELECT * FROM archive.old_orders;
			CREATE PUBLICATION it_source_graph_schema_pub FOR TABLES IN SCHEMA archive;
			CREATE EXTENSION hstore SCHEMA app;
			CREATE TABLE app.kv (id int, attributes app.hstore);
			CREATE COLLATION archive.c2 FROM "C";
			CREATE TABLE app.labels (label text COLLATE archive.c2);
			CREATE TEXT SEARCH CONFIGURATION archive.fr (COPY = french);
			ALTER DEFAULT PRIVILEGES IN SCHEMA archive GRANT SELECT ON TABLES TO PUBLIC;
			CREATE EXTENSION citext SCHEMA public;
			CREATE TABLE app.users (email public.citext);
			CREATE TABLE app.p (id int PRIMARY KEY) PARTITION BY RANGE (id);
			CREATE TABLE app.p1 PARTITION OF app.p FOR VALUES FROM (0) TO (10);
			CREATE TABLE app.p2 PARTITION OF app.p FOR VALUES FROM (10) TO (20);
			CREATE TABLE app.p_ref (p_id int REFERENCES app.p (id));
			""";

	private static PgServer server;

	private static SourceGraph graph;

	@BeforeAll
	static void createFixture(PgServers servers) throws SQLException, IOException {
		server = servers.source();
		server.dropDatabase(DB);
		server.createDatabase(DB);
		Path script = Files.createTempFile("source-graph", ".sql");
		try {
			// psql, as PgJDBC's statement splitting does not know BEGIN ATOMIC bodies
			server.psql(DB, Files.writeString(script, FIXTURE));
		}
		finally {
			Files.delete(script);
		}
		try (Connection connection = server.connect(DB)) {
			connection.setAutoCommit(false);
			connection.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			graph = SourceGraph.read(connection);
			connection.commit();
		}
	}

	@AfterAll
	static void dropFixture() {
		server.dropDatabase(DB);
	}

	private static FilterPlan plan(String filter, boolean notValidOnPartitioned) {
		return FilterPlanner.plan(Filters.parse(filter, Path.of("filters.ini")), graph.objects(), graph.dependencies(),
				notValidOnPartitioned);
	}

	/** {@code kind schema.name} of each left-out object, with its reason. */
	private static Map<String, String> reasons(FilterPlan plan) {
		Map<String, String> reasons = new TreeMap<>();
		plan.skipped().values().forEach((skip) -> reasons.put(name(skip.object()), skip.reason()));
		return reasons;
	}

	/**
	 * Names are unique within the fixture but for the partitions' copies of a foreign
	 * key.
	 */
	private static String name(GraphObject object) {
		return object.kind() + " " + ((object.schema() != null)
				? Identifiers.displayQualified(object.schema(), object.name()) : object.name())
				+ (isPartitionCopy(object) ? " of a partition" : "");
	}

	private static boolean isPartitionCopy(GraphObject object) {
		return graph.dependencies()
			.stream()
			.anyMatch((edge) -> edge.dependent().equals(object.id()) && edge.type() == 'P');
	}

	private static GraphObject object(String kind, String schema, String name) {
		return graph.objects()
			.stream()
			.filter((o) -> o.kind().equals(kind) && name.equals(o.name())
					&& java.util.Objects.equals(schema, o.schema()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " " + schema + "." + name + " in the graph"));
	}

	@Test
	void readsTheObjectsWithTheirTablesPartsAndReferences() {
		GraphObject customer = object(GraphObject.TABLE, "app", "customer");
		GraphObject fk = object(GraphObject.FOREIGN_KEY, "app", "orders_customer_id_fkey");
		assertThat(fk.references()).isEqualTo(customer.id());
		assertThat(fk.definition()).isEqualTo("FOREIGN KEY (customer_id) REFERENCES app.customer(id)");
		assertThat(object(GraphObject.RULE, "app", "_RETURN").partOf()).isNotNull();
		assertThat(object(GraphObject.DEFAULT, "app", "no").table())
			.isEqualTo(object(GraphObject.TABLE, "app", "invoice").id());
		assertThat(object(GraphObject.TYPE, "app", "customer").partOf()).isEqualTo(customer.id());
		assertThat(object(GraphObject.TYPE, "app", "_customer").partOf()).isEqualTo(customer.id());
		assertThat(object(GraphObject.PUBLICATION_TABLE, "app", "it_source_graph_pub").description()).isIn(
				"publication of table app.customer in publication it_source_graph_pub",
				"publication of app.customer in publication it_source_graph_pub");
		assertThat(object(GraphObject.SCHEMA, null, "Mixed Case").kind()).isEqualTo("schema");
		assertThat(object("extension", null, "plpgsql").extensionMember()).isFalse();
		assertThat(graph.objects())
			.noneMatch((o) -> "pg_catalog".equals(o.schema()) || "information_schema".equals(o.schema()));
	}

	@Test
	void excludingATableLeavesOutWhatNeedsIt() {
		FilterPlan plan = plan("[exclude-table]\napp.customer\n", false);

		assertThat(reasons(plan)).containsEntry("table app.customer", "[exclude-table] app.customer (line 2)")
			.containsEntry("foreign key app.orders_customer_id_fkey", "foreign key into table app.customer")
			.containsEntry("foreign key app.note_customer_id_fkey", "foreign key into table app.customer")
			.containsEntry("view app.customer_names", "reads table app.customer")
			.containsEntry("materialized view app.customer_count", "reads table app.customer")
			.containsEntry("trigger app.customer_audit", "on table app.customer")
			.containsEntry("policy app.customer_policy", "on table app.customer")
			.containsEntry("function app.customer_total", "reads table app.customer")
			.containsEntry("table app.snapshot_row", "column typed by table app.customer")
			.containsEntry("statistics app.customer_stats", "on table app.customer")
			.containsEntry("default app.id", "part of table app.customer")
			.containsKey("foreign key app.events_customer_id_fkey")
			.doesNotContainKeys("table app.orders", "table app.events", "table app.audit_log", "function app.audit",
					"function app.by_string", "sequence app.customer_id_seq", "table app.invoice");
		assertThat(plan.skipped().values())
			.filteredOn((skip) -> skip.object().kind().equals(GraphObject.PUBLICATION_TABLE))
			.singleElement()
			.satisfies((skip) -> assertThat(skip.reason()).isEqualTo("on table app.customer"));
		assertThat(plan.unownedSequences().values()).extracting(GraphObject::name).containsExactly("customer_id_seq");
		assertThat(plan.warnings()).containsExactly("sequence app.customer_id_seq is owned by table app.customer, which"
				+ " is left out, but default value for column no of table app.invoice uses it: kept without OWNED BY");
	}

	@Test
	void excludingASchemaLeavesOutItsObjectsAndTheirReaders() {
		FilterPlan plan = plan("[exclude-schema]\narchive\n", false);

		assertThat(reasons(plan)).containsEntry("schema archive", "[exclude-schema] archive (line 2)")
			.containsEntry("table archive.old_orders", "in schema archive")
			.containsEntry("view app.recent_archive", "reads table archive.old_orders")
			.containsEntry("publication schema archive.it_source_graph_schema_pub", "publishes schema archive")
			.doesNotContainKey("table app.customer");
		assertThat(plan.skipped().values())
			.allSatisfy((skip) -> assertThat(skip.object().schema()).isIn(null, "archive", "app", "pg_toast"));
		assertThat(plan.warnings()).isEmpty();
	}

	@Test
	void excludingASchemaLeavesOutItsCollationsTextSearchAndDefaultPrivilegesAndTheTablesUsingThem() {
		FilterPlan plan = plan("[exclude-schema]\narchive\n", false);

		assertThat(reasons(plan)).containsEntry("collation archive.c2", "in schema archive")
			.containsEntry("text search configuration archive.fr", "in schema archive")
			.containsEntry("table app.labels", "uses collation archive.c2");
		assertThat(plan.skipped().values()).filteredOn((skip) -> "default privileges".equals(skip.object().kind()))
			.singleElement()
			.satisfies((skip) -> assertThat(skip.reason()).isEqualTo("in schema archive"));
	}

	@Test
	void anExtensionIsKeptWhenItsSchemaIsLeftOut() {
		FilterPlan plan = plan("[include-only-schema]\napp\n", false);

		assertThat(reasons(plan)).containsEntry("schema public", "not listed in [include-only-schema]")
			.doesNotContainKeys("extension citext", "table app.users");
	}

	@Test
	void excludingAPartitionIndexLeavesOutItsParentIndexAndItsSiblings() {
		FilterPlan plan = plan("[exclude-index]\napp.p1_pkey\n", false);

		assertThat(reasons(plan))
			.containsEntry("index app.p_pkey",
					"its partition index app.p1_pkey is left out ([exclude-index] app.p1_pkey (line 2))")
			.containsEntry("index app.p2_pkey of a partition", "partition of index app.p_pkey")
			.containsKey("foreign key app.p_ref_p_id_fkey")
			.doesNotContainKeys("partitioned table app.p", "table app.p1", "table app.p2");

		assertThat(reasons(plan("[exclude-table]\napp.p1\n", false))).containsKey("index app.p1_pkey of a partition")
			.doesNotContainKeys("index app.p_pkey", "index app.p2_pkey of a partition");
	}

	@Test
	void aPartitionListedWithoutItsParentIsLeftOutWithAWarning() {
		FilterPlan plan = plan("[include-only-table]\napp.p1\n", false);

		assertThat(reasons(plan)).containsEntry("table app.p1", "partition of partitioned table app.p");
		assertThat(plan.warnings()).contains("filters.ini line 2: [include-only-table] app.p1 is left out: partition"
				+ " of partitioned table app.p, which is not listed: list the parent");
	}

	@Test
	void aForeignKeyIntoAPartitionedTableCountsOnceWhenMadeNotValid() {
		FilterPlan plan = plan("[exclude-table-data]\napp.p\n", false);

		assertThat(plan.notValidForeignKeys().values()).extracting(GraphObject::name)
			.containsExactly("p_ref_p_id_fkey");
	}

	@Test
	void includeOnlyTableKeepsListedTablesTheirPartitionsAndWhatReadsOnlyThem() {
		FilterPlan plan = plan("[include-only-table]\napp.customer\napp.events\n", false);

		assertThat(reasons(plan)).containsEntry("table app.orders", "not listed in [include-only-table]")
			.containsEntry("table app.base", "not listed in [include-only-table]")
			.containsEntry("table app.child", "not listed in [include-only-table]")
			.containsEntry("table \"Mixed Case\".\"a.b c\"", "not listed in [include-only-table]")
			.containsEntry("view \"Mixed Case\".reader", "reads table \"Mixed Case\".\"a.b c\"")
			.containsEntry("view app.recent_archive", "reads table archive.old_orders")
			.doesNotContainKeys("table app.customer", "table app.events_2024", "table app.events_2025",
					"view app.customer_names", "sequence app.customer_id_seq",
					"foreign key app.events_customer_id_fkey");
	}

	@Test
	void excludingThePrimaryKeyIndexThatForeignKeysUseLeavesThemOut() {
		FilterPlan plan = plan("[exclude-index]\napp.customer_pkey\n", false);

		assertThat(reasons(plan)).containsEntry("index app.customer_pkey", "[exclude-index] app.customer_pkey (line 2)")
			.containsEntry("constraint app.customer_pkey", "its index app.customer_pkey is left out")
			.containsEntry("foreign key app.orders_customer_id_fkey", "foreign key using index app.customer_pkey")
			.containsEntry("foreign key app.note_customer_id_fkey", "foreign key using index app.customer_pkey")
			.containsKey("foreign key app.events_customer_id_fkey")
			.doesNotContainKeys("table app.customer", "table app.orders");
	}

	@Test
	void excludingTableDataMakesIncomingForeignKeysNotValid() {
		FilterPlan plan = plan("[exclude-table-data]\napp.customer\n", false);

		GraphObject customer = object(GraphObject.TABLE, "app", "customer");
		assertThat(plan.dataSkipped()).containsOnlyKeys(customer.id());
		assertThat(plan.notValidForeignKeys().values()).extracting(GraphObject::name)
			.containsExactlyInAnyOrder("orders_customer_id_fkey", "note_customer_id_fkey");
		GraphObject events = object(GraphObject.PARTITIONED_TABLE, "app", "events");
		assertThat(plan.skipped().values()).filteredOn((skip) -> events.id().equals(skip.object().table()))
			.singleElement()
			.satisfies((skip) -> assertThat(skip.reason()).isEqualTo("foreign key into table app.customer, whose rows"
					+ " stay behind ([exclude-table-data] app.customer (line 2)), on a partitioned table"));
		assertThat(plan.skipped().values()).extracting((skip) -> skip.reason())
			.filteredOn((reason) -> reason.startsWith("partition of"))
			.containsOnly("partition of constraint events_customer_id_fkey on table app.events")
			.hasSize(2);
		assertThat(plan.warnings()).singleElement()
			.asString()
			.startsWith("constraint events_customer_id_fkey on table app.events is left out: table app.customer keeps"
					+ " its rows behind");

		FilterPlan pg18 = plan("[exclude-table-data]\napp.customer\n", true);
		assertThat(pg18.notValidForeignKeys().values()).extracting(GraphObject::name)
			.containsExactlyInAnyOrder("orders_customer_id_fkey", "note_customer_id_fkey", "events_customer_id_fkey");
		assertThat(pg18.skipped()).isEmpty();
	}

	@Test
	void anExtensionLeftOutKeepsItsMembersAndWhatUsesThem() {
		GraphObject hstoreType = object(GraphObject.TYPE, "app", "hstore");
		assertThat(hstoreType.extensionMember()).isTrue();

		FilterPlan plan = plan("[exclude-extension]\nhstore\n", false);

		assertThat(reasons(plan)).containsOnly(Map.entry("extension hstore", "[exclude-extension] hstore (line 2)"));
		FilterPlan skipping = FilterPlanner.plan(Filters.NONE.skippingExtensions(), graph.objects(),
				graph.dependencies(), false);
		assertThat(reasons(skipping)).containsOnly(Map.entry("extension citext", "--skip-extensions"),
				Map.entry("extension hstore", "--skip-extensions"),
				Map.entry("extension plpgsql", "--skip-extensions"));
	}

	/**
	 * Two queries whatever the catalog's size: 10k tables (each with a primary key, a
	 * serial and a toast table, so about ten objects each) read well within a generous
	 * bound on a busy machine, and the plan over them too.
	 */
	@Test
	void readsTenThousandTablesInTwoQueries() throws SQLException {
		String db = "it_source_graph_10k";
		server.dropDatabase(db);
		server.createDatabase(db);
		try {
			server.execute(db, "CREATE SCHEMA many");
			// a commit every 500 tables, within max_locks_per_transaction
			server.execute(db,
					"DO $$ BEGIN FOR i IN 1..10000 LOOP EXECUTE format("
							+ "'CREATE TABLE many.t%s (id serial PRIMARY KEY, v text)', i);"
							+ " IF i % 500 = 0 THEN COMMIT; END IF; END LOOP; END $$");
			long start = System.nanoTime();
			SourceGraph many;
			try (Connection connection = server.connect(db)) {
				many = SourceGraph.read(connection);
			}
			long readMillis = (System.nanoTime() - start) / 1_000_000;
			start = System.nanoTime();
			FilterPlan plan = FilterPlanner.plan(Filters.parse("[exclude-table]\n~/^many\\.t1/\n", Path.of("f.ini")),
					many.objects(), many.dependencies(), false);
			long planMillis = (System.nanoTime() - start) / 1_000_000;
			System.out.printf("SourceGraph.read of %d objects and %d dependencies: %d ms; plan: %d ms%n",
					many.objects().size(), many.dependencies().size(), readMillis, planMillis);
			assertThat(many.objects().size()).isGreaterThan(80_000);
			assertThat(plan.skipped().values()).filteredOn((skip) -> GraphObject.TABLE.equals(skip.object().kind()))
				.hasSize(1112);
			assertThat(readMillis).isLessThan(60_000);
			assertThat(planMillis).isLessThan(60_000);
		}
		finally {
			server.dropDatabase(db);
		}
	}

}

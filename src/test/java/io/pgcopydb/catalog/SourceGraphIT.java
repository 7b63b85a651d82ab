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
		server.execute(DB, "DROP PUBLICATION IF EXISTS it_source_graph_pub");
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
			.doesNotContainKey("table app.customer");
		assertThat(plan.skipped().values())
			.allSatisfy((skip) -> assertThat(skip.object().schema()).isIn(null, "archive", "app", "pg_toast"));
		assertThat(plan.warnings()).isEmpty();
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

}

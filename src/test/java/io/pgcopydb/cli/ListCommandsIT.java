package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list commands a DBA runs before a migration window, checked against the catalog of
 * a real source: what each lists (names, estimated rows, sizes as pg_size_pretty prints
 * them, sequence values), in text and JSON, and what a filter that excludes a table other
 * objects depend on leaves out, with the reasons.
 */
@ExtendWith(PostgresExtension.class)
class ListCommandsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A database where dependencies cross the filter (see jobs/README.md's rules). */
	static final String FIXTURE = """
			CREATE SCHEMA app;
			CREATE TABLE app.customer (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);
			CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			                         customer_id integer REFERENCES app.customer (id), amount numeric);
			CREATE TABLE app.audit_log (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), what text);
			CREATE FUNCTION app.log_customer() RETURNS trigger LANGUAGE plpgsql AS
			  $$BEGIN INSERT INTO app.audit_log (what) VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END$$;
			CREATE TRIGGER customer_audit AFTER INSERT OR UPDATE ON app.customer
			  FOR EACH ROW EXECUTE FUNCTION app.log_customer();
			CREATE VIEW app.customer_names AS SELECT id, name FROM app.customer;
			CREATE MATERIALIZED VIEW app.customer_counts AS SELECT count(*) AS n FROM app.customer;
			CREATE TABLE app.invoice (id integer NOT NULL DEFAULT nextval('app.customer_id_seq'), note text);
			CREATE POLICY customer_own ON app.customer USING (name = current_user);
			CREATE FUNCTION app.customer_total() RETURNS bigint LANGUAGE sql
			  BEGIN ATOMIC SELECT count(*) FROM app.customer; END;
			CREATE TABLE app.customer_history (taken timestamptz, row_image app.customer);
			CREATE TABLE app.events (id integer, at date NOT NULL, payload text) PARTITION BY RANGE (at);
			CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			CREATE INDEX events_at ON app.events (at);
			CREATE TABLE app.base_item (id integer);
			CREATE TABLE app.special_item (extra text) INHERITS (app.base_item);
			CREATE PUBLICATION list_pub FOR TABLE app.customer;
			CREATE STATISTICS app.customer_stats (dependencies) ON id, name FROM app.customer;
			COMMENT ON TABLE app.customer IS 'customers';
			COMMENT ON VIEW app.customer_names IS 'names';
			GRANT SELECT ON app.customer, app.customer_names TO PUBLIC;
			CREATE SCHEMA "Mixed Case";
			CREATE TABLE "Mixed Case"."a.b c" (id integer PRIMARY KEY, v text);
			CREATE SCHEMA archive;
			CREATE TABLE archive.old_orders (id integer PRIMARY KEY, total numeric);
			CREATE SEQUENCE archive.counter;
			INSERT INTO app.customer (name, email) VALUES ('ann', 'a@x'), ('bob', 'b@x'), ('cy', 'c@x');
			INSERT INTO app.orders (customer_id, amount) SELECT 1 + i % 3, i FROM generate_series(1, 500) i;
			INSERT INTO app.audit_log (what) SELECT repeat('x', 200) FROM generate_series(1, 20000);
			INSERT INTO app.events VALUES (1, '2024-05-01', 'a'), (2, '2025-05-01', 'b');
			INSERT INTO "Mixed Case"."a.b c" SELECT i, 'v' || i FROM generate_series(1, 100) i;
			INSERT INTO archive.old_orders SELECT i, i FROM generate_series(1, 1000) i;
			SELECT nextval('archive.counter') FROM generate_series(1, 7);
			-- VACUUM, not only ANALYZE: it makes the visibility and free space maps now, so that
			-- an autovacuum between the listing and the catalog query cannot change a size
			VACUUM ANALYZE;
			""";

	@Test
	void eachListAgreesWithTheCatalog(PgServers servers) throws Exception {
		String db = "list_catalog";
		String other = "list_catalog_other";
		PgServer source = servers.source();
		source.dropDatabase(db);
		source.dropDatabase(other);
		source.createDatabase(db);
		source.createDatabase(other);
		load(source, db);
		String uri = source.uri(db);

		PgCopyDbRun tablesText = PgCopyDbRun.run(Map.of(), "list", "tables", "--source", uri);
		assertThat(tablesText.exitCode()).as(tablesText.toString()).isZero();
		Map<String, String> sizes = pairs(source, db,
				"SELECT n.nspname || '.' || c.relname, c.reltuples::bigint || ' ' || pg_size_pretty(pg_table_size(c.oid))"
						+ " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
						+ " AND n.nspname IN ('app', 'archive', 'Mixed Case')");
		assertThat(sizes).containsKeys("app.audit_log", "app.events_2024", "Mixed Case.a.b c");
		assertThat(tablesText.stdout()
			.lines()
			.filter((line) -> line.contains("app ") || line.contains("archive ") || line.contains("Mixed Case ")))
			.hasSize(sizes.size());
		assertThat(tablesText.stdout()).contains(sizes.size() + " tables, 0 schema only");
		JsonNode tables = json(PgCopyDbRun.run(Map.of(), "list", "tables", "--json", "--source", uri));
		Map<String, String> listed = new TreeMap<>();
		for (JsonNode table : tables) {
			listed.put(table.get("schema").asString() + "." + table.get("name").asString(),
					table.get("estimatedRows").asLong() + " " + table.get("size").asString());
			assertThat(table.get("copyRows").asBoolean()).isTrue();
			assertThat(table.get("parts").asInt()).isEqualTo(1);
		}
		assertThat(listed).isEqualTo(new TreeMap<>(sizes));
		assertThat(tablesText.stdout()).contains(sizes.get("app.audit_log").split(" ", 2)[1]);

		JsonNode sequences = json(PgCopyDbRun.run(Map.of(), "list", "sequences", "--json", "--source", uri));
		Map<String, String> values = new TreeMap<>();
		for (JsonNode sequence : sequences) {
			values.put(sequence.get("schema").asString() + "." + sequence.get("name").asString(),
					sequence.get("lastValue").asString() + " " + sequence.get("ownedBy").asString(""));
		}
		assertThat(values).containsEntry("archive.counter", "7 ")
			.containsEntry("app.customer_id_seq", "3 app.customer.id")
			// 20000 rows, and the 3 the trigger on app.customer wrote
			.containsEntry("app.audit_log_id_seq", "20003 app.audit_log.id")
			.containsEntry("app.orders_id_seq", "500 app.orders.id");
		PgCopyDbRun sequencesText = PgCopyDbRun.run(Map.of(), "list", "sequences", "--source", uri);
		assertThat(sequencesText.stdout()).contains("4 sequences, 0 kept without OWNED BY");

		JsonNode indexes = json(PgCopyDbRun.run(Map.of(), "list", "indexes", "--json", "--source", uri));
		Map<String, String> indexSizes = pairs(source, db,
				"SELECT i.relname, coalesce(co.contype::text, 'none') || ' ' || pg_size_pretty(pg_relation_size(i.oid))"
						+ " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n"
						+ " ON n.oid = i.relnamespace LEFT JOIN pg_constraint co ON co.conindid = i.oid"
						+ " AND co.contype IN ('p', 'u') WHERE n.nspname IN ('app', 'archive', 'Mixed Case')");
		Map<String, String> indexListed = new TreeMap<>();
		for (JsonNode index : indexes) {
			String constraint = switch (index.get("constraint").asString("none")) {
				case "primary key" -> "p";
				case "unique" -> "u";
				default -> "none";
			};
			indexListed.put(index.get("name").asString(), constraint + " " + index.get("size").asString());
		}
		assertThat(indexListed).isEqualTo(new TreeMap<>(indexSizes));
		assertThat(indexListed).containsKeys("customer_pkey", "customer_email_key", "events_at", "a.b c_pkey");

		JsonNode schema = json(PgCopyDbRun.run(Map.of(), "list", "schema", "--json", "--source", uri));
		Map<String, String> counts = new TreeMap<>();
		for (JsonNode row : schema.get("schemas")) {
			counts.put(row.get("name").asString(),
					row.get("tables").asLong() + " " + row.get("views").asLong() + " " + row.get("indexes").asLong()
							+ " " + row.get("sequences").asLong() + " " + row.get("functions").asLong() + " "
							+ row.get("kept").asBoolean());
		}
		// app: customer orders audit_log invoice customer_history events (+2 partitions)
		// base_item special_item = 10 tables; a view and a materialized view
		assertThat(counts)
			.containsEntry("app",
					"10 2 " + indexSizes.keySet()
						.stream()
						.filter((name) -> !name.equals("a.b c_pkey") && !name.equals("old_orders_pkey"))
						.count() + " 3 2 true")
			.containsEntry("archive", "1 0 1 1 0 true")
			.containsEntry("Mixed Case", "1 0 1 0 0 true");
		assertThat(schema.get("tables").size()).isEqualTo(sizes.size());
		PgCopyDbRun schemaText = PgCopyDbRun.run(Map.of(), "list", "schema", "--source", uri);
		assertThat(schemaText.stdout()).contains("Mixed Case", "archive").containsPattern("\\d+ schemas, \\d+ kept");

		JsonNode databases = json(PgCopyDbRun.run(Map.of(), "list", "databases", "--json", "--source", uri));
		Map<String, String> databaseSizes = pairs(source, "postgres",
				"SELECT datname, pg_get_userbyid(datdba) || ' ' || pg_encoding_to_char(encoding) || ' '"
						+ " || pg_size_pretty(pg_database_size(oid)) FROM pg_database WHERE datname IN ('" + db + "', '"
						+ other + "')");
		Map<String, String> databasesListed = new TreeMap<>();
		for (JsonNode database : databases) {
			String name = database.get("name").asString();
			if (name.equals(db) || name.equals(other)) {
				databasesListed.put(name, database.get("owner").asString() + " " + database.get("encoding").asString()
						+ " " + database.get("size").asString());
			}
		}
		assertThat(databasesListed).isEqualTo(new TreeMap<>(databaseSizes));
		PgCopyDbRun databasesText = PgCopyDbRun.run(Map.of(), "list", "databases", "--source", uri);
		assertThat(databasesText.stdout()).contains(other).containsPattern("\\d+ databases, ");
		source.dropDatabase(db);
		source.dropDatabase(other);
	}

	@Test
	void listSkippedNamesEveryObjectAFilterLeavesOutAndWhy(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "list_skipped";
		PgServer source = servers.source();
		source.dropDatabase(db);
		source.createDatabase(db);
		load(source, db);
		String uri = source.uri(db);
		Path filters = dir.resolve("filters.ini");
		Files.writeString(filters, """
				[exclude-table]
				app.customer

				[exclude-schema]
				archive

				[exclude-table-data]
				app.audit_log
				""");

		PgCopyDbRun skippedText = PgCopyDbRun.run(Map.of(), "list", "tables", "--list-skipped", "--filters",
				filters.toString(), "--source", uri);
		assertThat(skippedText.exitCode()).as(skippedText.toString()).isZero();
		assertThat(skippedText.stdout()).contains("[exclude-table] app.customer (line 2)",
				"[exclude-schema] archive (line 5)");
		JsonNode skipped = json(PgCopyDbRun.run(Map.of(), "list", "tables", "--list-skipped", "--json", "--filters",
				filters.toString(), "--source", uri));
		Map<String, JsonNode> byName = new HashMap<>();
		skipped.forEach((skip) -> byName.put(skip.get("displayName").asString(), skip));
		// the table and everything that needs it: nothing half-created
		assertThat(byName).containsKeys("app.customer", "archive", "app.customer_names", "app.customer_counts",
				"orders_customer_id_fkey on app.orders", "customer_audit on app.customer",
				"customer_own on app.customer", "customer_stats on app.customer", "app.customer_history",
				"archive.old_orders");
		assertThat(byName.keySet()).anyMatch((name) -> name.startsWith("app.customer_total"));
		assertThat(byName.get("app.customer").get("filter").get("line").asInt()).isEqualTo(2);
		assertThat(byName.get("app.customer_names").get("cause").asString()).isEqualTo("table app.customer");
		assertThat(byName.get("app.customer_names").get("reason").asString()).contains("app.customer");
		assertThat(byName.get("orders_customer_id_fkey on app.orders").get("kind").asString()).isEqualTo("foreign key");
		// kept: the orders table itself, the audit log (schema only), the sequence the
		// invoice uses
		assertThat(byName).doesNotContainKeys("app.orders", "app.audit_log", "app.customer_id_seq", "app.invoice");
		assertThat(skippedText.stdout()).contains(skipped.size() + " objects left out");

		JsonNode tables = json(PgCopyDbRun.run(Map.of(), "list", "tables", "--json", "--filters", filters.toString(),
				"--source", uri));
		Map<String, Boolean> copyRows = new TreeMap<>();
		tables.forEach((table) -> copyRows.put(table.get("schema").asString() + "." + table.get("name").asString(),
				table.get("copyRows").asBoolean()));
		assertThat(copyRows).containsEntry("app.audit_log", false)
			.containsEntry("app.orders", true)
			.doesNotContainKeys("app.customer", "app.customer_history", "archive.old_orders");
		PgCopyDbRun tablesText = PgCopyDbRun.run(Map.of(), "list", "tables", "--filters", filters.toString(),
				"--source", uri);
		assertThat(tablesText.stdout()).containsPattern("audit_log .*schema only").contains("1 schema only");

		JsonNode sequences = json(PgCopyDbRun.run(Map.of(), "list", "sequences", "--json", "--filters",
				filters.toString(), "--source", uri));
		Map<String, JsonNode> sequenceByName = new HashMap<>();
		sequences.forEach((sequence) -> sequenceByName.put(sequence.get("name").asString(), sequence));
		assertThat(sequenceByName).containsKey("customer_id_seq").doesNotContainKey("counter");
		assertThat(sequenceByName.get("customer_id_seq").get("unowned").asBoolean()).isTrue();
		assertThat(sequenceByName.get("customer_id_seq").get("lastValue").asLong()).isEqualTo(3);

		JsonNode indexes = json(PgCopyDbRun.run(Map.of(), "list", "indexes", "--json", "--filters", filters.toString(),
				"--source", uri));
		List<String> indexNames = new ArrayList<>();
		indexes.forEach((index) -> indexNames.add(index.get("name").asString()));
		assertThat(indexNames).contains("orders_pkey", "audit_log_pkey")
			.doesNotContain("customer_pkey", "customer_email_key", "old_orders_pkey");

		JsonNode depends = json(PgCopyDbRun.run(Map.of(), "list", "depends", "--json", "--schema-name", "app",
				"--table-name", "customer", "--source", uri));
		Map<String, String> chains = new HashMap<>();
		depends.forEach((row) -> chains.put(row.get("displayName").asString(), row.get("chain").asString()));
		assertThat(chains).containsKeys("app.customer_names", "orders_customer_id_fkey on app.orders",
				"app.customer_history");
		assertThat(chains.get("app.customer_names")).startsWith("view app.customer_names ").contains("app.customer");
		PgCopyDbRun dependsText = PgCopyDbRun.run(Map.of(), "list", "depends", "--schema-name", "app", "--table-name",
				"customer", "--source", uri);
		assertThat(dependsText.stdout()).contains(depends.size() + " dependent objects", "customer_names");

		JsonNode schema = json(PgCopyDbRun.run(Map.of(), "list", "schema", "--json", "--filters", filters.toString(),
				"--source", uri));
		Map<String, Boolean> kept = new TreeMap<>();
		schema.get("schemas").forEach((row) -> kept.put(row.get("name").asString(), row.get("kept").asBoolean()));
		assertThat(kept).containsEntry("archive", false).containsEntry("app", true);
		assertThat(schema.get("skipped").size()).isEqualTo(skipped.size());
		source.dropDatabase(db);
	}

	@Test
	void collationsAndExtensionRequirementsHonourTheFilters(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "list_collations_filtered";
		PgServer source = servers.source();
		source.dropDatabase(db);
		source.createDatabase(db);
		source.execute(db,
				"CREATE SCHEMA archive; CREATE SCHEMA app;"
						+ " CREATE COLLATION archive.old_c (provider = libc, locale = 'C');"
						+ " CREATE COLLATION app.app_c (provider = libc, locale = 'C');");
		String uri = source.uri(db);
		Path filters = Files.writeString(dir.resolve("filters.ini"),
				"[exclude-schema]\narchive\n[exclude-extension]\nplpgsql\n");

		JsonNode collations = json(PgCopyDbRun.run(Map.of(), "list", "collations", "--json", "--filters",
				filters.toString(), "--source", uri));
		Map<String, String> marks = new TreeMap<>();
		collations.forEach((row) -> marks.put(row.get("schema").asString() + "." + row.get("name").asString(),
				row.get("kept").asBoolean() + " " + row.get("leftOutBy").asString("")));
		assertThat(marks).containsEntry("archive.old_c", "false [exclude-schema] archive (line 2)")
			.containsEntry("app.app_c", "true ");
		PgCopyDbRun text = PgCopyDbRun.run(Map.of(), "list", "collations", "--filters", filters.toString(), "--source",
				uri);
		assertThat(text.exitCode()).as(text.toString()).isZero();
		assertThat(text.stdout())
			.containsPattern("archive\\.old_c .* left out: \\[exclude-schema] archive \\(line 2\\)")
			.containsPattern("app\\.app_c .* kept");
		assertThat(text.stdout()).contains("2 collations, 1 kept");

		PgCopyDbRun all = PgCopyDbRun.run(Map.of(), "list", "extensions", "--requirements", "--source", uri);
		assertThat(names(json(all))).contains("plpgsql");
		JsonNode kept = json(PgCopyDbRun.run(Map.of(), "list", "extensions", "--requirements", "--filters",
				filters.toString(), "--source", uri));
		assertThat(names(kept)).doesNotContain("plpgsql");
		source.dropDatabase(db);
	}

	@Test
	void aBadFilterFileIsRefusedWithExitCode2(PgServers servers, @TempDir Path dir) throws Exception {
		Path filters = dir.resolve("bad.ini");
		Files.writeString(filters, "[exclude-table]\napp.customer\n[exclude-tables]\napp.orders\n");
		for (String command : List.of("tables", "sequences", "indexes", "depends", "schema", "extensions",
				"collations")) {
			PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "list", command, "--filters", filters.toString(), "--source",
					servers.source().uri("postgres"));
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
			assertThat(run.errorLines()).first().asString().contains(filters.toString(), "exclude-tables", "line 3");
		}
		PgCopyDbRun noTable = PgCopyDbRun.run(Map.of(), "list", "depends", "--schema-name", "app", "--table-name",
				"nope", "--source", servers.source().uri("postgres"));
		assertThat(noTable.exitCode()).as(noTable.toString()).isEqualTo(1);
		assertThat(noTable.errorLines()).first().asString().contains("no table app.nope", "--table-name");
		PgCopyDbRun unreachable = PgCopyDbRun.run(Map.of(), "list", "tables", "--source",
				"postgres://nobody@127.0.0.1:1/postgres");
		assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(6);
		assertThat(unreachable.errorLines()).hasSize(1);
	}

	/**
	 * Through psql: PgJDBC cannot send a BEGIN ATOMIC body in a multi-statement string.
	 */
	static void load(PgServer server, String db) throws Exception {
		Path script = Files.createTempFile("list-fixture", ".sql");
		try {
			Files.writeString(script, FIXTURE);
			server.psql(db, script);
		}
		finally {
			Files.delete(script);
		}
	}

	private static List<String> names(JsonNode rows) {
		List<String> names = new ArrayList<>();
		rows.forEach((row) -> names.add(row.get("name").asString()));
		return names;
	}

	private static JsonNode json(PgCopyDbRun run) {
		assertThat(run.exitCode()).as(run.toString()).isZero();
		return JSON.readTree(run.stdout());
	}

	private static Map<String, String> pairs(PgServer server, String db, String sql) throws Exception {
		Map<String, String> pairs = new HashMap<>();
		try (var connection = server.connect(db);
				var statement = connection.createStatement();
				var rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				pairs.put(rs.getString(1), rs.getString(2));
			}
		}
		return pairs;
	}

}

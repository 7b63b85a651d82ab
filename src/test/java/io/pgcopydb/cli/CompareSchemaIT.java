package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compare schema} as a DBA gates a cut-over on it: after a clone of a schema with
 * one object of every kind, equal (exit 0); then each change made on the target is named
 * by object and property, exit 10; {@code --no-owner} and {@code --no-acl} leave out what
 * a run with them leaves out; {@code --filters} compares what a filtered run copies, for
 * both commands.
 */
@ExtendWith(PostgresExtension.class)
class CompareSchemaIT {

	private static final String ROLE = "compare_schema_app";

	private static final String SCHEMA = """
			CREATE EXTENSION citext;
			CREATE SCHEMA app;
			COMMENT ON SCHEMA app IS 'the application';
			CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
			CREATE DOMAIN app.positive AS integer NOT NULL DEFAULT 1 CONSTRAINT positive_check CHECK (VALUE > 0);
			CREATE TYPE app.pair AS (a integer, b text);
			CREATE TYPE app.span AS RANGE (subtype = float8);
			CREATE COLLATION app.bytes (locale = 'C');
			CREATE SEQUENCE app.ticket INCREMENT 5 START 100 CACHE 3;
			SELECT nextval('app.ticket'), nextval('app.ticket');
			CREATE TABLE app.customers (
			    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			    email citext NOT NULL UNIQUE,
			    name text COLLATE app.bytes,
			    mood app.mood DEFAULT 'ok',
			    score app.positive,
			    created timestamptz NOT NULL DEFAULT '2024-01-02 03:04:05+00',
			    name_length integer GENERATED ALWAYS AS (length(name)) STORED
			);
			COMMENT ON COLUMN app.customers.email IS 'login';
			CREATE TABLE app.orders (
			    id bigserial,
			    customer bigint REFERENCES app.customers DEFERRABLE INITIALLY DEFERRED,
			    total numeric(12, 2) CHECK (total >= 0),
			    placed date NOT NULL,
			    PRIMARY KEY (id, placed)
			) PARTITION BY RANGE (placed);
			CREATE TABLE app.orders_2024 PARTITION OF app.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE INDEX orders_customer ON app.orders (customer);
			CREATE STATISTICS app.orders_stats (dependencies) ON customer, total FROM app.orders_2024;
			INSERT INTO app.customers (email, name, score) VALUES ('A@example.com', 'a', 3), ('b@example.com', 'b', 4);
			INSERT INTO app.orders (customer, total, placed) VALUES (1, 10, '2024-05-01');
			CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN NEW.total := NEW.total; RETURN NEW; END $$;
			CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders_2024 FOR EACH ROW EXECUTE FUNCTION app.touch();
			CREATE FUNCTION app.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
			CREATE PROCEDURE app.noop() LANGUAGE sql AS 'SELECT 1';
			CREATE AGGREGATE app.total_of(integer) (sfunc = int4pl, stype = integer, initcond = '0');
			CREATE VIEW app.big_orders AS SELECT id, total FROM app.orders WHERE total > 100;
			CREATE MATERIALIZED VIEW app.order_count AS SELECT count(*) AS n FROM app.orders;
			CREATE RULE no_delete AS ON DELETE TO app.big_orders DO INSTEAD NOTHING;
			ALTER TABLE app.customers ENABLE ROW LEVEL SECURITY;
			CREATE POLICY own_rows ON app.customers FOR SELECT TO compare_schema_app USING (name = current_user);
			GRANT USAGE ON SCHEMA app TO compare_schema_app;
			GRANT SELECT, UPDATE (name) ON app.customers TO compare_schema_app;
			ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO compare_schema_app;
			""";

	@Test
	void equalAfterACloneThenEachChangeIsNamed(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "compare_schema";
		CloneIT.prepare(servers, db);
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			roles(servers, "DROP ROLE IF EXISTS " + ROLE + "; CREATE ROLE " + ROLE);
			servers.source().createDatabase(db);
			servers.source().execute(db, SCHEMA);
			servers.source().execute("postgres", "ALTER DATABASE " + db + " SET work_mem = '8MB'");
			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir.toString());
			assertThat(clone.exitCode()).as(clone.toString()).isZero();

			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "schema");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();
			assertThat(equal.stdout()).containsPattern("The schemas are equal \\(\\d+ objects compared\\)\\.");

			servers.target().execute(db, """
					DROP INDEX app.orders_customer;
					CREATE OR REPLACE FUNCTION app.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE
					  AS 'SELECT x + x';
					ALTER TABLE app.customers ALTER COLUMN mood SET DEFAULT 'happy';
					ALTER TABLE app.orders ALTER CONSTRAINT orders_customer_fkey NOT DEFERRABLE;
					ALTER TYPE app.mood ADD VALUE 'angry';
					ALTER SEQUENCE app.ticket INCREMENT 10;
					SELECT setval('app.ticket', 1000);
					DROP TRIGGER orders_touch ON app.orders_2024;
					ALTER POLICY own_rows ON app.customers USING (true);
					COMMENT ON COLUMN app.customers.email IS NULL;
					REVOKE UPDATE (name) ON app.customers FROM compare_schema_app;
					ALTER TABLE app.customers OWNER TO compare_schema_app;
					CREATE TABLE app.extra (id int);
					ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE SELECT ON TABLES FROM compare_schema_app;
					""");
			servers.target().execute("postgres", "ALTER DATABASE " + db + " RESET work_mem");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "schema");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout()).containsPattern("index +app.orders_customer +missing on target")
				.containsPattern("function +app.twice\\(integer\\) +definition +line \\d+: .*x \\* 2.*x \\+ x")
				.containsPattern("column +app.customers.mood +default +'ok'::app.mood +'happy'::app.mood")
				.containsPattern("constraint +app.orders.orders_customer_fkey +deferrable +true +false")
				.containsPattern("type +app.mood +labels +'sad', 'ok', 'happy' +'sad', 'ok', 'happy', 'angry'")
				.containsPattern("sequence +app.ticket +increment +5 +10")
				.containsPattern("sequence +app.ticket +last value +1\\d\\d +1000")
				.containsPattern("trigger +app.orders_2024.orders_touch +missing on target")
				.containsPattern("policy +app.customers.own_rows +using +\\(name = CURRENT_USER\\) +true")
				.containsPattern("column +app.customers.email +comment +login +\\(not set\\)")
				.containsPattern("column +app.customers.name +privileges +compare_schema_app=UPDATE +\\(none\\)")
				.containsPattern("table +app.customers +owner +\\S+ +compare_schema_app")
				.containsPattern("table +app.extra +extra on target")
				.containsPattern("database setting +work_mem +missing on target")
				.containsPattern("default privileges +for role \\S+ in schema app on tables +missing on target")
				.doesNotContain("app.extra.id")
				.doesNotContainPattern("column +\\S+ +owner");

			PgCopyDbRun lenient = PgCopyDbRun.run(env, "compare", "schema", "--no-owner", "--no-acl",
					"--skip-db-properties", "--json");
			assertThat(lenient.exitCode()).as(lenient.toString()).isEqualTo(10);
			assertThat(lenient.stdout())
				.contains("\"equal\" : false", "\"object\" : \"app.orders_customer\"", "\"property\" : \"definition\"",
						"AS $function$SELECT x + x$function$")
				.doesNotContain("\"owner\"", "\"privileges\"", "work_mem");
		}
		finally {
			CloneIT.cleanup(servers, db);
			roles(servers, "DROP ROLE IF EXISTS " + ROLE);
		}
	}

	@Test
	void filtersCompareWhatAFilteredRunCopies(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "compare_filtered";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE kept (id int PRIMARY KEY, v text);
				INSERT INTO kept SELECT g, 'v' || g FROM generate_series(1, 1000) g;
				CREATE TABLE left_out (id int PRIMARY KEY);
				INSERT INTO left_out SELECT generate_series(1, 10);
				CREATE VIEW left_out_view AS SELECT id FROM left_out;
				CREATE TABLE rows_left (id int PRIMARY KEY);
				INSERT INTO rows_left SELECT generate_series(1, 10);
				""");
		Path filters = dir.resolve("filters.ini");
		Files.writeString(filters, """
				[exclude-table]
				public.left_out

				[exclude-table-data]
				public.rows_left
				""");
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir.resolve("run").toString(), "--filters",
					filters.toString());
			assertThat(clone.exitCode()).as(clone.toString()).isZero();

			PgCopyDbRun schema = PgCopyDbRun.run(env, "compare", "schema", "--filters", filters.toString());
			assertThat(schema.exitCode()).as(schema.toString()).isZero();
			PgCopyDbRun data = PgCopyDbRun.run(env, "compare", "data", "--filters", filters.toString());
			assertThat(data.exitCode()).as(data.toString()).isZero();
			assertThat(data.stdout()).contains("Every table is equal (1 compared).").doesNotContain("rows_left");

			PgCopyDbRun unfiltered = PgCopyDbRun.run(env, "compare", "schema");
			assertThat(unfiltered.exitCode()).as(unfiltered.toString()).isEqualTo(10);
			assertThat(unfiltered.stdout()).containsPattern("table +public.left_out +missing on target")
				.containsPattern("view +public.left_out_view +missing on target");
			PgCopyDbRun allData = PgCopyDbRun.run(env, "compare", "data");
			assertThat(allData.exitCode()).as(allData.toString()).isEqualTo(10);
			assertThat(allData.stdout()).containsPattern("public.rows_left +differs +10 +0 +10");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

	private static void roles(PgServers servers, String sql) {
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", sql);
		}
	}

}

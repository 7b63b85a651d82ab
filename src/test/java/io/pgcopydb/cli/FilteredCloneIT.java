package io.pgcopydb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code --filters} end to end, on a source where dependencies cross the filter: a
 * left-out table with views, a materialized view, a policy, a trigger, a BEGIN ATOMIC
 * function, statistics, a publication membership, a table typed by its row type, a
 * foreign key into it, and a sequence it owns that a kept table uses; a table whose rows
 * stay behind with a foreign key into it; partitions and inheritance children of left-out
 * tables; a schema left out; quoted names; an extension left to the target. The target
 * must hold exactly what is kept, identical to the source: it is compared with a copy of
 * the source from which the test removed, with plain SQL, what the filters leave out. The
 * clone, then pgcopydb's step-by-step tutorial with the same filters, give that result; a
 * command with other filters is refused; bad filter files are refused before anything
 * runs.
 */
@ExtendWith(PostgresExtension.class)
class FilteredCloneIT {

	static final String FIXTURE = """
			CREATE EXTENSION hstore;
			CREATE SCHEMA app;
			CREATE SCHEMA archive;
			CREATE SCHEMA "Mixed Case";
			CREATE TABLE app.customer (id serial PRIMARY KEY, name text NOT NULL, tags hstore);
			COMMENT ON TABLE app.customer IS 'who buys';
			GRANT SELECT ON app.customer TO PUBLIC;
			CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			                         customer_id int REFERENCES app.customer (id), amount numeric(10, 2) NOT NULL,
			                         attrs hstore, created timestamptz NOT NULL DEFAULT '2024-01-01');
			CREATE INDEX orders_created_idx ON app.orders (created);
			CREATE INDEX orders_amount_idx ON app.orders (amount);
			COMMENT ON TABLE app.orders IS 'what they buy';
			GRANT SELECT ON app.orders TO PUBLIC;
			CREATE TABLE app.loyalty (id int NOT NULL DEFAULT nextval('app.customer_id_seq') PRIMARY KEY, points int);
			CREATE TABLE app.audit_log (id bigserial PRIMARY KEY, what text NOT NULL);
			CREATE TABLE app.audit_note (id serial PRIMARY KEY, audit_id bigint NOT NULL REFERENCES app.audit_log (id),
			                             remark text);
			CREATE FUNCTION app.log_customer() RETURNS trigger LANGUAGE plpgsql AS
			  $$BEGIN INSERT INTO app.audit_log (what) VALUES (TG_OP || ' ' || NEW.name); RETURN NEW; END$$;
			CREATE TRIGGER customer_audit AFTER INSERT OR UPDATE ON app.customer
			  FOR EACH ROW EXECUTE FUNCTION app.log_customer();
			CREATE VIEW app.customer_names AS SELECT id, name FROM app.customer;
			COMMENT ON VIEW app.customer_names IS 'names only';
			GRANT SELECT ON app.customer_names TO PUBLIC;
			CREATE MATERIALIZED VIEW app.customer_count AS SELECT count(*) AS n FROM app.customer;
			ALTER TABLE app.customer ENABLE ROW LEVEL SECURITY;
			CREATE POLICY everyone ON app.customer USING (true);
			CREATE FUNCTION app.customer_total() RETURNS bigint LANGUAGE sql
			  BEGIN ATOMIC SELECT count(*) FROM app.customer; END;
			CREATE FUNCTION app.customer_total_text() RETURNS bigint LANGUAGE sql
			  AS 'SELECT count(*) FROM app.customer';
			CREATE TABLE app.customer_snapshot (taken date, c app.customer);
			CREATE STATISTICS app.customer_stats (dependencies) ON id, name FROM app.customer;
			CREATE PUBLICATION customers FOR TABLE app.customer, app.orders;
			CREATE TABLE app.events (id int, at date NOT NULL, kind text) PARTITION BY RANGE (at);
			CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			CREATE TABLE app.metrics (at date NOT NULL, v int) PARTITION BY RANGE (at);
			CREATE TABLE app.metrics_1 PARTITION OF app.metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE app.metrics_2 PARTITION OF app.metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			CREATE TABLE app.shipment (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
			CREATE TABLE app.shipment_2024 PARTITION OF app.shipment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE app.shipment_note (id int PRIMARY KEY, shipment_id int, shipped date,
			                                FOREIGN KEY (shipment_id, shipped) REFERENCES app.shipment);
			COMMENT ON CONSTRAINT shipment_note_shipment_id_shipped_fkey ON app.shipment_note IS 'NOT VALID';
			CREATE TABLE app.base_item (id int PRIMARY KEY, label text);
			CREATE TABLE app.special_item (extra text) INHERITS (app.base_item);
			CREATE TABLE app.tmp_import (line text);
			CREATE TABLE "Mixed Case"."a.b c" (id int PRIMARY KEY, "Val" text);
			CREATE INDEX "a.b c idx" ON "Mixed Case"."a.b c" ("Val");
			CREATE TABLE archive.old_orders (id int PRIMARY KEY, order_id bigint REFERENCES app.orders (id));
			CREATE VIEW archive.old_totals AS SELECT count(*) FROM archive.old_orders;
			CREATE COLLATION archive.bytewise FROM "C";
			CREATE TEXT SEARCH CONFIGURATION archive.fr (COPY = french);
			ALTER DEFAULT PRIVILEGES IN SCHEMA archive GRANT SELECT ON TABLES TO PUBLIC;

			INSERT INTO app.customer (name, tags) SELECT 'c' || i, hstore('k', i::text) FROM generate_series(1, 50) i;
			UPDATE app.customer SET name = name || '!' WHERE id % 2 = 0;
			INSERT INTO app.orders (customer_id, amount, attrs)
			  SELECT 1 + i % 50, i, hstore('n', i::text) FROM generate_series(1, 300) i;
			INSERT INTO app.loyalty (points) SELECT i FROM generate_series(1, 20) i;
			INSERT INTO app.audit_log (what) SELECT 'bulk ' || i FROM generate_series(1, 5000) i;
			INSERT INTO app.audit_note (audit_id, remark) SELECT i, 'seen' FROM generate_series(1, 40) i;
			REFRESH MATERIALIZED VIEW app.customer_count;
			INSERT INTO app.customer_snapshot SELECT '2024-05-01', c FROM app.customer c LIMIT 3;
			INSERT INTO app.events SELECT i, DATE '2024-01-01' + i, 'k' FROM generate_series(1, 600) i;
			INSERT INTO app.metrics SELECT DATE '2024-01-01' + i, i FROM generate_series(1, 600) i;
			INSERT INTO app.shipment SELECT i, DATE '2024-02-01' + i FROM generate_series(1, 30) i;
			INSERT INTO app.shipment_note SELECT i, i, DATE '2024-02-01' + i FROM generate_series(1, 30) i;
			INSERT INTO app.base_item VALUES (1, 'one');
			INSERT INTO app.special_item VALUES (2, 'two', 'x');
			INSERT INTO app.tmp_import SELECT 'line ' || i FROM generate_series(1, 10) i;
			INSERT INTO "Mixed Case"."a.b c" SELECT i, 'v' || i FROM generate_series(1, 30) i;
			INSERT INTO archive.old_orders SELECT i, i FROM generate_series(1, 10) i;
			""";

	/** Every exclude section, a regex entry, quoted names, comments and odd spacing. */
	static final String FILTERS = """
			# what a migration keeps: app without customers, temp and legacy tables
			[exclude-schema]
			archive

			[exclude-table]
			app.customer
			app.metrics
			~/^app\\.(tmp_|base_)/

			[exclude-index]
			app.orders_created_idx
			"Mixed Case"."a.b c idx"

			; the log moves without its rows
			[exclude-table-data]
			app.audit_log
			app.shipment

			[exclude-extension]
			hstore
			""";

	/**
	 * What the filters leave out, removed from a copy of the source with plain SQL: the
	 * result is what the target must hold.
	 */
	static final String LEFT_OUT = """
			DROP SCHEMA archive CASCADE;
			ALTER SEQUENCE app.customer_id_seq OWNED BY NONE;
			DROP TABLE app.customer_snapshot;
			DROP TABLE app.customer CASCADE;
			DROP TABLE app.metrics, app.tmp_import;
			DROP TABLE app.base_item CASCADE;
			DROP INDEX app.orders_created_idx;
			DROP INDEX "Mixed Case"."a.b c idx";
			ALTER TABLE app.audit_note DROP CONSTRAINT audit_note_audit_id_fkey;
			TRUNCATE app.audit_log;
			ALTER TABLE app.audit_note ADD CONSTRAINT audit_note_audit_id_fkey FOREIGN KEY (audit_id)
			  REFERENCES app.audit_log (id) NOT VALID;
			ALTER TABLE app.shipment_note DROP CONSTRAINT shipment_note_shipment_id_shipped_fkey;
			TRUNCATE app.shipment;
			ALTER TABLE app.shipment_note ADD CONSTRAINT shipment_note_shipment_id_shipped_fkey
			  FOREIGN KEY (shipment_id, shipped) REFERENCES app.shipment NOT VALID;
			COMMENT ON CONSTRAINT shipment_note_shipment_id_shipped_fkey ON app.shipment_note IS 'NOT VALID';
			""";

	@Test
	void filteredCloneThenTheStepByStepTutorialHoldExactlyWhatIsKept(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "filtered";
		String expected = "filtered_expected";
		String steps = "filtered_steps";
		prepare(servers, db, expected, steps, tmp);
		Path filters = write(tmp.resolve("migration.ini"), FILTERS);

		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", tmp.resolve("clone").toString(), "--filters", filters.toString());
		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).as(clone.toString())
			.contains("Filters leave out")
			.containsPattern("WARN .*customer_id_seq");
		assertThat(clone.stdout()).containsPattern("Filters\\s+left out \\d+ objects");
		clone.stderr().lines().filter((line) -> line.contains("Filters leave out")).forEach(System.out::println);
		assertKept(servers, db, expected, db);

		// the tutorial's commands, with the same filters; a command with other filters
		// (a resume, a later step) is refused before it does anything
		Map<String, String> env = Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db), "PGCOPYDB_TARGET_PGURI",
				servers.target().uri(steps));
		String dir = "--dir=" + tmp.resolve("steps");
		String filter = "--filters=" + filters;
		// a script passing --filters to every command, the snapshot's included
		PgCopyDbRun.Running coproc = PgCopyDbRun.start(env, "snapshot", dir, filter);
		try {
			Path published = tmp.resolve("steps").resolve("snapshot");
			await().atMost(Duration.ofMinutes(1))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> Files.exists(published) && !Files.readString(published).isBlank());
			for (String[] step : new String[][] { { "dump", "schema" }, { "restore", "pre-data" } }) {
				PgCopyDbRun run = PgCopyDbRun.run(env, step[0], step[1], dir, filter);
				assertThat(run.exitCode()).as(run.toString()).isZero();
			}

			Path changed = write(tmp.resolve("changed.ini"),
					FILTERS.replace("app.metrics", "app.metrics\napp.loyalty"));
			PgCopyDbRun resumeChanged = PgCopyDbRun.run(env, "copy", "data", "--resume", dir, "--filters=" + changed);
			assertThat(resumeChanged.exitCode()).as(resumeChanged.toString()).isEqualTo(3);
			assertThat(resumeChanged.errorLines()).first()
				.asString()
				.contains("--filters differ from the run's", "added [exclude-table] app.loyalty", "--restart");
			PgCopyDbRun withoutFilters = PgCopyDbRun.run(env, "copy", "data", "--resume", dir);
			assertThat(withoutFilters.exitCode()).as(withoutFilters.toString()).isEqualTo(3);
			assertThat(withoutFilters.errorLines()).first().asString().contains("started with --filters", "--restart");
			assertThat(CloneIT.strings(servers.target(), steps, "SELECT count(*) FROM app.orders"))
				.as("the refused commands copied nothing")
				.containsExactly("0");

			// a filter file written another way (comments, order, quoting) is the same
			Path reordered = write(tmp.resolve("reordered.ini"), reordered());
			for (String[] step : new String[][] { { "copy", "data" }, { "restore", "post-data" } }) {
				PgCopyDbRun run = PgCopyDbRun.run(env, step[0], step[1], "--resume", dir, "--filters=" + reordered);
				assertThat(run.exitCode()).as(run.toString()).isZero();
			}
		}
		finally {
			coproc.process().destroy();
			coproc.finish();
		}
		PgCopyDbRun progress = PgCopyDbRun.run(env, "list", "progress", "--summary", dir);
		assertThat(progress.exitCode()).as(progress.toString()).isZero();
		int copied = Integer.parseInt(CloneIT.strings(servers.target(), steps,
				"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
						+ "AND n.nspname IN ('app', 'Mixed Case') "
						+ "AND c.relname NOT IN ('audit_log', 'shipment_2024')")
			.get(0));
		assertThat(progress.stdout()).as("only the tables whose rows move are counted")
			.contains("Tables:  " + copied + " of " + copied + " copied");
		assertKept(servers, db, expected, steps);

		servers.source().dropDatabase(expected);
		servers.target().dropDatabase(steps);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void includeOnlySectionsKeepWhatTheyListAndWhatItNeeds(PgServers servers, @TempDir Path tmp) throws Exception {
		String db = "filtered_only";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().psql(db, write(tmp.resolve("fixture.sql"), FIXTURE));
		servers.target().execute(db, "CREATE EXTENSION hstore");
		Path filters = write(tmp.resolve("only.ini"), """
				[include-only-schema]
				app
				"Mixed Case"

				[include-only-table]
				app.orders
				app.loyalty
				"Mixed Case"."a.b c"

				[include-only-extension]
				plpgsql
				""");
		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", tmp.resolve("dir").toString(), "--filters", filters.toString());
		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
						+ "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', "
						+ "'information_schema') ORDER BY 1"))
			.containsExactly("Mixed Case.a.b c", "app.loyalty", "app.orders");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM app.orders")).containsExactly("300");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM pg_constraint WHERE conrelid = 'app.orders'::regclass AND contype = 'f'"))
			.as("the foreign key into a left-out table is left out")
			.containsExactly("0");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT last_value FROM app.customer_id_seq"))
			.as("the sequence a kept table uses is kept and set")
			.isEqualTo(CloneIT.strings(servers.source(), db, "SELECT last_value FROM app.customer_id_seq"));
		CloneIT.cleanup(servers, db);
	}

	@Test
	void badFilterFilesAreRefusedNamingFileLineAndRemedy(PgServers servers, @TempDir Path tmp) throws Exception {
		String db = "filtered_bad";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, "CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1)");
		List<String[]> cases = List.of(new String[] { "[exclude-tables]\npublic.t\n", "line 1" },
				new String[] { "[exclude-table]\nt\n", "line 2" },
				new String[] { "[exclude-table]\n~/public\\.(t/\n", "line 2" },
				new String[] { "[exclude-table]\npublic.t\n[include-only-table]\npublic.u\n", "line " },
				new String[] { "public.t\n", "line 1" });
		for (String[] bad : cases) {
			Path file = write(tmp.resolve("bad-" + cases.indexOf(bad) + ".ini"), bad[0]);
			PgCopyDbRun run = clone(servers, db, tmp.resolve("dir"), "--filters", file.toString());
			assertThat(run.exitCode()).as(bad[0] + run).isEqualTo(2);
			assertThat(run.errorLines()).as(bad[0] + run).first().asString().contains(file.toString(), bad[1]);
			assertThat(run.errorLines()).as("one line").hasSize(1);
		}
		Path missing = tmp.resolve("missing.ini");
		PgCopyDbRun run = clone(servers, db, tmp.resolve("dir"), "--filters", missing.toString());
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
		assertThat(run.errorLines()).first().asString().contains(missing.toString());

		Path extensions = write(tmp.resolve("extensions.ini"), "[exclude-extension]\nhstore\n");
		PgCopyDbRun both = clone(servers, db, tmp.resolve("dir"), "--filters", extensions.toString(),
				"--skip-extensions");
		assertThat(both.exitCode()).as(both.toString()).isEqualTo(1);
		assertThat(both.errorLines()).first().asString().contains("--skip-extensions", "exclude-extension");

		Path nothing = write(tmp.resolve("nothing.ini"), "[exclude-table]\npublic.t\npublic.no_such_table\n");
		PgCopyDbRun unmatched = clone(servers, db, tmp.resolve("dir"), "--filters", nothing.toString());
		assertThat(unmatched.exitCode()).as(unmatched.toString()).isZero();
		assertThat(unmatched.stderr()).containsPattern("WARN .*public\\.no_such_table");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT to_regclass('public.t') IS NULL"))
			.containsExactly("t");
		CloneIT.cleanup(servers, db);
	}

	private static PgCopyDbRun clone(PgServers servers, String db, Path dir, String... options) {
		List<String> args = new ArrayList<>(List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString()));
		args.addAll(List.of(options));
		return PgCopyDbRun.run(Map.of(), args);
	}

	/** The source, its expected copy (the source less what is left out), two targets. */
	private static void prepare(PgServers servers, String db, String expected, String steps, Path tmp)
			throws IOException {
		CloneIT.prepare(servers, db);
		servers.source().dropDatabase(expected);
		servers.target().dropDatabase(steps);
		servers.target().createDatabase(steps);
		servers.source().createDatabase(db);
		// psql, as BEGIN ATOMIC bodies hold semicolons
		servers.source().psql(db, write(tmp.resolve("fixture.sql"), FIXTURE));
		servers.source().execute("postgres", "CREATE DATABASE " + expected + " TEMPLATE " + db);
		servers.source().execute(expected, LEFT_OUT);
		// [exclude-extension]: the extension is the target's business
		servers.target().execute(db, "CREATE EXTENSION hstore");
		servers.target().execute(steps, "CREATE EXTENSION hstore");
	}

	/** The same entries as {@link #FILTERS}, in another order, quoted, commented. */
	private static String reordered() {
		return """
				[exclude-extension]
				hstore
				[exclude-table-data]
				# rows stay behind
				"app"."audit_log"
				App.Shipment
				[exclude-index]
				"Mixed Case"."a.b c idx"
				app."orders_created_idx"
				[exclude-table]
				~/^app\\.(tmp_|base_)/
				app.metrics
				app.customer
				[exclude-schema]
				archive
				""";
	}

	/**
	 * The target holds what the expected copy holds, and what a user checks by hand: the
	 * left-out objects are absent, the log table is empty, the foreign key into it is NOT
	 * VALID and still refuses a bad new row, the sequence a kept table uses has its value
	 * and no owner.
	 */
	private static void assertKept(PgServers servers, String sourceDb, String expected, String db) throws SQLException {
		PgServer target = servers.target();
		DatabaseComparison.assertSameDatabase(servers.source(), expected, target, db);
		assertThat(CloneIT.strings(target, db,
				"SELECT coalesce(to_regclass(x)::text, '-') FROM unnest(ARRAY['app.customer', 'app.customer_names', "
						+ "'app.customer_count', 'app.customer_snapshot', 'app.metrics_1', 'app.special_item', "
						+ "'app.tmp_import', 'app.orders_created_idx', '\"Mixed Case\".\"a.b c idx\"']) x"))
			.as("left out")
			.containsOnly("-");
		assertThat(CloneIT.strings(target, db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'archive'"))
			.containsExactly("0");
		assertThat(CloneIT.strings(target, db, "SELECT count(*) FROM pg_proc WHERE proname = 'customer_total'"))
			.containsExactly("0");
		assertThat(CloneIT.strings(target, db, "SELECT count(*) FROM app.audit_log")).containsExactly("0");
		assertThat(CloneIT.strings(target, db,
				"SELECT convalidated FROM pg_constraint WHERE conname = 'audit_note_audit_id_fkey'"))
			.containsExactly("f");
		try (Connection connection = target.connect(db); Statement statement = connection.createStatement()) {
			assertThatThrownBy(() -> statement.execute("INSERT INTO app.audit_note (audit_id) VALUES (999999)"))
				.isInstanceOfSatisfying(SQLException.class, (ex) -> assertThat(ex.getSQLState()).isEqualTo("23503"));
		}
		assertThat(CloneIT.strings(target, db, "SELECT last_value FROM app.customer_id_seq"))
			.isEqualTo(CloneIT.strings(servers.source(), sourceDb, "SELECT last_value FROM app.customer_id_seq"));
		assertThat(CloneIT.strings(target, db,
				"SELECT count(*) FROM pg_depend WHERE classid = 'pg_class'::regclass "
						+ "AND objid = 'app.customer_id_seq'::regclass AND deptype = 'a'"))
			.as("no OWNED BY")
			.containsExactly("0");
	}

	private static Path write(Path file, String text) throws IOException {
		return Files.writeString(file, text);
	}

}

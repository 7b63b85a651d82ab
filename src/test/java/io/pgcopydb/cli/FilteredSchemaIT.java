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
 * The schema side of --filters on real archives: a clone that excludes a table other
 * objects depend on (a view, a materialized view, a foreign key into it, its trigger,
 * policy, index, comment and privileges, a sequence it owns that a kept table uses)
 * restores both sections without them, keeps the comments of what it keeps, and finds no
 * clash with a target table of the excluded table's name; {@code restore parse-list}
 * shows which entries it left out and why, from the run's plan or from --filters over the
 * source, and refuses other filters than the run's.
 */
@ExtendWith(PostgresExtension.class)
class FilteredSchemaIT {

	static final String FIXTURE = """
			CREATE SCHEMA app;
			CREATE TABLE app.customer (id serial PRIMARY KEY, name text NOT NULL);
			CREATE TABLE app.orders (id int PRIMARY KEY, customer_id int REFERENCES app.customer (id), total numeric);
			CREATE TABLE app.audit_log (id bigserial PRIMARY KEY, what text);
			CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql
			    AS $$BEGIN INSERT INTO app.audit_log (what) VALUES (TG_OP); RETURN NEW; END$$;
			CREATE TRIGGER customer_audit AFTER INSERT ON app.customer FOR EACH ROW EXECUTE FUNCTION app.audit();
			CREATE VIEW app.customer_names AS SELECT name FROM app.customer;
			CREATE MATERIALIZED VIEW app.customer_count AS SELECT count(*) AS n FROM app.customer;
			CREATE TABLE app.invoice (id int DEFAULT nextval('app.customer_id_seq'), amount numeric);
			ALTER TABLE app.customer ENABLE ROW LEVEL SECURITY;
			CREATE POLICY customer_policy ON app.customer USING (true);
			CREATE INDEX customer_name ON app.customer (name);
			COMMENT ON TABLE app.customer IS 'customers';
			COMMENT ON VIEW app.customer_names IS 'names';
			COMMENT ON TABLE app.orders IS 'orders kept';
			COMMENT ON COLUMN app.orders.total IS 'total kept';
			COMMENT ON CONSTRAINT orders_customer_id_fkey ON app.orders IS 'into customer';
			COMMENT ON TABLE app.audit_log IS 'audit kept';
			GRANT SELECT ON app.customer TO PUBLIC;
			GRANT SELECT ON app.orders TO PUBLIC;
			INSERT INTO app.customer (name) VALUES ('a'), ('b');
			INSERT INTO app.orders VALUES (1, 1, 10), (2, 2, 20);
			INSERT INTO app.invoice (amount) VALUES (5);
			""";

	@Test
	void excludedTableLeavesWithEverythingThatNeedsItAndParseListSaysWhy(PgServers servers, @TempDir Path tmp)
			throws Exception {
		String db = "filtered_schema";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, FIXTURE);
		// the target's own table of the excluded table's name, other columns: no clash
		servers.target().execute(db, "CREATE SCHEMA app; CREATE TABLE app.customer (other int)");
		Path filters = Files.writeString(tmp.resolve("filters.ini"), "[exclude-table]\napp.customer\n");
		Path dir = tmp.resolve("run");
		Map<String, String> env = CloneIT.sides(servers, db);

		PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir=" + dir, "--filters=" + filters);

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).contains("Pre-data: the filters leave out", "Post-data: the filters leave out");
		PgServer target = servers.target();
		assertThat(CloneIT.strings(target, db,
				"SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
						+ " WHERE attrelid = 'app.customer'::regclass AND attnum > 0"))
			.as("the target's own table is left as it was")
			.containsExactly("other");
		assertThat(CloneIT.strings(target, db,
				"SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace"
						+ " AND c.relname IN ('customer_names', 'customer_count', 'customer_name') ORDER BY 1"))
			.as("the views, materialized view and index over the excluded table")
			.isEmpty();
		assertThat(CloneIT.strings(target, db,
				"SELECT count(*) FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'"
						+ " UNION ALL SELECT count(*) FROM pg_trigger WHERE tgname = 'customer_audit'"
						+ " UNION ALL SELECT count(*) FROM pg_policy WHERE polname = 'customer_policy'"))
			.containsExactly("0", "0", "0");
		assertThat(CloneIT.strings(target, db,
				"SELECT coalesce(obj_description('app.customer'::regclass, 'pg_class'), 'none')"
						+ " || ' ' || has_table_privilege('public', 'app.customer', 'SELECT')"))
			.as("no comment nor privilege of the source's customer on the target's")
			.containsExactly("none false");
		assertThat(CloneIT.strings(target, db,
				"SELECT obj_description('app.orders'::regclass, 'pg_class') || '|'"
						+ " || col_description('app.orders'::regclass, 3) || '|'"
						+ " || obj_description('app.audit_log'::regclass, 'pg_class') || '|'"
						+ " || has_table_privilege('public', 'app.orders', 'SELECT')"))
			.as("comments and privileges of kept objects")
			.containsExactly("orders kept|total kept|audit kept|true");
		assertThat(CloneIT.strings(target, db,
				"SELECT count(*) || ' ' || (SELECT count(*) FROM pg_depend d WHERE d.objid = 'app.customer_id_seq'::regclass"
						+ " AND d.deptype = 'a' AND d.refobjid = 'app.customer'::regclass) FROM app.invoice"))
			.as("the sequence the kept invoice uses stays, owned by nothing")
			.containsExactly("1 0");
		assertThat(CloneIT.strings(target, db, "SELECT count(*) FROM app.orders")).containsExactly("2");

		// restore parse-list: the run's plan
		PgCopyDbRun list = PgCopyDbRun.run(env, "restore", "parse-list", "--dir=" + dir);
		assertThat(list.exitCode()).as(list.toString()).isZero();
		assertThat(list.stdout()).containsPattern(
				"(?m)^;\\d+; 1259 \\d+ TABLE app customer \\S+ ; left out: \\[exclude-table\\] app.customer \\(line 2\\)$")
			.containsPattern("(?m)^;\\d+; 1259 \\d+ VIEW app customer_names \\S+ ; left out: .*customer")
			.containsPattern("(?m)^;\\d+; 0 0 COMMENT app TABLE customer \\S+ ; left out: goes with table app.customer")
			.containsPattern("(?m)^;\\d+; 0 0 ACL app TABLE customer \\S+ ; left out: goes with table app.customer")
			.containsPattern("(?m)^;\\d+; 2606 \\d+ FK CONSTRAINT app orders orders_customer_id_fkey \\S+ ; left out:")
			.containsPattern("(?m)^;\\d+; 0 0 SEQUENCE OWNED BY app customer_id_seq \\S+ ; left out:")
			.containsPattern("(?m)^\\d+; 1259 \\d+ TABLE app orders \\S+$")
			.containsPattern("(?m)^\\d+; 1259 \\d+ SEQUENCE app customer_id_seq \\S+$")
			.containsPattern("(?m)^\\d+; 0 0 COMMENT app TABLE orders \\S+$");

		PgCopyDbRun json = PgCopyDbRun.run(env, "restore", "parse-list", "--dir=" + dir, "--section=pre-data",
				"--json");
		assertThat(json.exitCode()).as(json.toString()).isZero();
		assertThat(json.stdout()).containsPattern("\"desc\"\\s*:\\s*\"TABLE\"")
			.containsPattern(
					"\"name\"\\s*:\\s*\"customer\",\\s*\"owner\"\\s*:\\s*\"\\w+\",\\s*\"restored\"\\s*:\\s*false,"
							+ "\\s*\"reason\"\\s*:\\s*\"\\[exclude-table\\] app.customer \\(line 2\\)\"")
			.containsPattern("\"name\"\\s*:\\s*\"orders\",\\s*\"owner\"\\s*:\\s*\"\\w+\",\\s*\"restored\"\\s*:\\s*true,"
					+ "\\s*\"reason\"\\s*:\\s*null")
			.doesNotContain("post.dump");

		// other filters than the run's are refused, naming the difference
		Path other = Files.writeString(tmp.resolve("other.ini"), "[exclude-table]\napp.orders\n");
		PgCopyDbRun refused = PgCopyDbRun.run(env, "restore", "parse-list", "--dir=" + dir, "--filters=" + other);
		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
		assertThat(refused.errorLines()).first().asString().contains("app.orders", "app.customer", "--filters");

		// no run in --dir: --filters planned over the source now, for one archive
		Path archive = dir.resolve("schema").resolve("pre.dump");
		Path empty = tmp.resolve("empty");
		PgCopyDbRun noSource = PgCopyDbRun.run(Map.of(), "restore", "parse-list", "--dir=" + empty,
				"--filters=" + filters, archive.toString());
		assertThat(noSource.exitCode()).as(noSource.toString()).isEqualTo(1);
		assertThat(noSource.errorLines()).first().asString().contains("--source");
		PgCopyDbRun fromSource = PgCopyDbRun.run(env, "restore", "parse-list", "--dir=" + empty, "--filters=" + filters,
				archive.toString());
		assertThat(fromSource.exitCode()).as(fromSource.toString()).isZero();
		assertThat(fromSource.stdout())
			.containsPattern("(?m)^;\\d+; 1259 \\d+ TABLE app customer \\S+ ; left out: \\[exclude-table\\]")
			.containsPattern("(?m)^\\d+; 1259 \\d+ TABLE app orders \\S+$");
		CloneIT.cleanup(servers, db);
	}

}

package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore post-data creates the foreign keys valid on the source NOT VALID, then
 * validates them several at once: the target ends with the source's keys, valid where
 * they were valid, NOT VALID where they were not, and a key whose rows do not hold stops
 * the run with its name, stays NOT VALID, and is validated by the resumed run once fixed.
 */
@ExtendWith(PostgresExtension.class)
class ForeignKeyValidationIT {

	private static final String SCHEMA = """
			CREATE TABLE parent (id int PRIMARY KEY);
			CREATE TABLE child_a (id int PRIMARY KEY, parent_id int REFERENCES parent);
			CREATE TABLE child_b (id int PRIMARY KEY, parent_id int CONSTRAINT child_b_parent_fk REFERENCES parent);
			COMMENT ON CONSTRAINT child_b_parent_fk ON child_b IS 'checked in parallel';
			CREATE TABLE loose (id int, parent_id int);
			CREATE TABLE events (id int, parent_id int REFERENCES parent, at date NOT NULL) PARTITION BY RANGE (at);
			CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			INSERT INTO parent SELECT generate_series(1, 100);
			INSERT INTO child_a SELECT g, g % 100 + 1 FROM generate_series(1, 5000) g;
			INSERT INTO child_b SELECT g, g % 50 + 1 FROM generate_series(1, 3000) g;
			INSERT INTO loose VALUES (1, 1), (2, 999);
			ALTER TABLE loose ADD CONSTRAINT loose_parent_fk FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
			INSERT INTO events SELECT g, g % 100 + 1, date '2024-06-01' + g FROM generate_series(1, 400) g;
			""";

	private static final String KEYS = "SELECT c.relname || ' ' || co.conname || ' ' || co.convalidated"
			+ " FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid WHERE co.contype = 'f' ORDER BY 1";

	@Test
	void cloneEndsWithTheSourceKeysValidWhereTheyWereValid(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "fk_validation";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);

		PgCopyDbRun clone = PgCopyDbRun.succeeds(CloneIT.sides(servers, db), dir, "clone", "--restore-jobs", "2");

		assertThat(clone.stderr()).contains("Created 2 foreign keys NOT VALID")
			.containsPattern("Validated 2 foreign keys in [0-9]+ ms, up to 2 at a time");
		List<String> sourceKeys = CloneIT.strings(servers.source(), db, KEYS);
		assertThat(sourceKeys).contains("child_a child_a_parent_id_fkey true", "loose loose_parent_fk false");
		assertThat(CloneIT.strings(servers.target(), db, KEYS)).as("the keys and their validity, as on the source")
			.isEqualTo(sourceKeys);
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'child_b_parent_fk'"))
			.containsExactly("checked in parallel");
		for (String table : List.of("child_a", "child_b", "loose", "events")) {
			String sql = "SELECT count(*) || ':' || sum(id) FROM " + table;
			assertThat(CloneIT.strings(servers.target(), db, sql)).as(table)
				.isEqualTo(CloneIT.strings(servers.source(), db, sql));
		}
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aKeyThatDoesNotHoldStopsTheRunAndIsValidatedOnResume(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "fk_violation";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
		Map<String, String> env = CloneIT.sides(servers, db);
		PgCopyDbRun.succeeds(env, dir, "dump", "schema");
		PgCopyDbRun.succeeds(env, dir, "restore", "pre-data");
		PgCopyDbRun.succeeds(env, dir, "copy", "data");
		// a row on the target that its key rejects (a schema change gone wrong)
		servers.target().execute(db, "INSERT INTO child_a VALUES (100000, 4242)");

		PgCopyDbRun failed = PgCopyDbRun.run(env, "restore", "post-data", "--dir=" + dir, "--resume");

		assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
		assertThat(failed.errorLines()).first()
			.asString()
			.contains("child_a_parent_id_fkey", "(parent_id)=(4242)", "stays NOT VALID", "--resume");
		assertThat(CloneIT.strings(servers.target(), db, KEYS)).contains("child_a child_a_parent_id_fkey false");

		servers.target().execute(db, "DELETE FROM child_a WHERE id = 100000");
		PgCopyDbRun.succeeds(env, dir, "restore", "post-data", "--resume");
		assertThat(CloneIT.strings(servers.target(), db, KEYS)).as("validated by the resumed run")
			.isEqualTo(CloneIT.strings(servers.source(), db, KEYS));
		CloneIT.cleanup(servers, db);
	}

}

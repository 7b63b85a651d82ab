package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compare data} as a DBA gates a cut-over on it: after a clone, equal (exit 0);
 * then rows changed on the target, each named by key with what differs, exit 10. Keys of
 * every kind: integer (ranges), text and numeric (ranges cut at sampled values; numeric
 * {@code 7.5} and {@code 7.50} are one key and two texts), composite (hash buckets), none
 * (multisets), nullable unique (none), citext (a case-insensitive key whose case
 * changed). A column whose type the target changed (integer to bigint) is compared by its
 * values.
 */
@ExtendWith(PostgresExtension.class)
class CompareDataIT {

	private static final String SCHEMA = """
			CREATE TABLE accounts (id bigint PRIMARY KEY, v float8, t text, n numeric);
			INSERT INTO accounts SELECT g, g / 7.0, repeat(md5(g::text), 1 + g % 3), g * 1.5
			  FROM generate_series(1, 60000) g;
			UPDATE accounts SET v = 0.1 WHERE id = 1234;
			CREATE TABLE codes (code text PRIMARY KEY, v int);
			INSERT INTO codes SELECT 'c' || g, g FROM generate_series(1, 3000) g;
			CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b));
			INSERT INTO pairs SELECT g % 100, 'b' || g, g FROM generate_series(1, 2000) g;
			CREATE TABLE dups (a int, b text);
			INSERT INTO dups SELECT g % 10, 'x' FROM generate_series(1, 500) g;
			CREATE TABLE nullkeys (id int UNIQUE, v text);
			INSERT INTO nullkeys VALUES (1, 'one'), (NULL, 'null a'), (NULL, 'null b');
			CREATE TABLE empty (id int PRIMARY KEY);
			CREATE TABLE prices (p numeric PRIMARY KEY, v int);
			INSERT INTO prices SELECT (g || '.5')::numeric, g FROM generate_series(1, 1000) g;
			CREATE EXTENSION citext;
			CREATE TABLE emails (e citext PRIMARY KEY, v int);
			INSERT INTO emails SELECT 'User' || g || '@example.com', g FROM generate_series(1, 500) g;
			""";

	@Test
	void equalAfterACloneThenEveryChangedRowIsNamedByKey(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "compare_data";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
		Map<String, String> env = Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db), "PGCOPYDB_TARGET_PGURI",
				servers.target().uri(db));
		try {
			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir.toString());
			assertThat(clone.exitCode()).as(clone.toString()).isZero();

			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "data");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();
			assertThat(equal.stdout()).contains("Every table is equal (8 compared).")
				.containsPattern("public.accounts +equal +60000 +60000 +0");

			servers.target().execute(db, """
					DELETE FROM accounts WHERE id = 77;
					INSERT INTO accounts VALUES (100001, 1, 'new', 1);
					UPDATE accounts SET v = '0.10000000000000002' WHERE id = 1234;
					UPDATE codes SET v = -1 WHERE code = 'c42';
					ALTER TABLE codes DROP CONSTRAINT codes_pkey;
					INSERT INTO codes SELECT * FROM codes WHERE code = 'c7';
					UPDATE pairs SET v = 0 WHERE a = 7 AND b = 'b7';
					DELETE FROM dups WHERE ctid = (SELECT ctid FROM dups WHERE a = 3 LIMIT 1);
					UPDATE nullkeys SET v = 'changed' WHERE v = 'null b';
					UPDATE prices SET p = 7.50 WHERE p = 7.5;
					ALTER TABLE pairs ALTER COLUMN v TYPE bigint;
					UPDATE emails SET e = 'user7@example.com' WHERE e = 'User7@example.com';
					""");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout())
				.contains("public.accounts: differs, 3 row(s)", "(id)=(77)  missing on target", "(id)=(1234)  changed",
						"(id)=(100001)  extra on target", "(code)=(c42)  changed", "public.codes: differs, 2 row(s)",
						"(code)=(c7)  extra on target (1 copy)", "public.pairs: differs, 1 row(s)",
						"(a, b)=(7,b7)  changed", "public.dups: differs, 1 row(s)", "(3,x)  missing on target (1 copy)",
						"public.nullkeys: differs, 2 row(s)", "public.prices: differs, 1 row(s)", "(p)=(7.5)  changed",
						"public.emails: differs", "User7@example.com", "7 of 8 table(s) differ.")
				.containsPattern("public.empty +equal +0 +0 +0");

			PgCopyDbRun json = PgCopyDbRun.run(env, "compare", "data", "--json", "--table-jobs", "2");
			assertThat(json.exitCode()).as(json.toString()).isEqualTo(10);
			assertThat(json.stdout()).contains("\"equal\" : false", "\"key\" : \"(id)=(1234)\"",
					"\"difference\" : \"changed\"", "\"differing_rows\" : 3");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

}

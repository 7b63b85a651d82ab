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
			CREATE TABLE vals (id int PRIMARY KEY, n numeric, b bigint, r regclass, at timestamptz, f float8);
			INSERT INTO vals VALUES (1, 100.00, 5, 'codes', '2024-01-01 00:00:00+00', 0),
			  (2, 'NaN', 5, 'codes', '2024-01-01 00:00:00+00', 0), (3, 1, 0, 'codes', '2024-01-01 00:00:00+00', 0),
			  (4, 1, 5, 'prices', 'infinity', 0), (5, 1, 5, 'prices', '2024-01-01 00:00:00+00', 0),
			  (6, 1, 5, 'prices', '2024-01-01 00:00:00+00', 0);
			""";

	@Test
	void equalAfterACloneThenEveryChangedRowIsNamedByKey(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "compare_data";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir", dir.toString());
			assertThat(clone.exitCode()).as(clone.toString()).isZero();

			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "data");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();
			assertThat(equal.stdout()).contains("Every table is equal (9 compared).")
				.containsPattern("public.accounts +equal +60000 +60000 +0");

			servers.target().execute(db, """
					DELETE FROM accounts WHERE id = 77;
					INSERT INTO accounts VALUES (100001, 1, 'new', 1);
					UPDATE accounts SET v = '0.10000000000000002' WHERE id = 1234;
					UPDATE accounts SET n = 1.50 WHERE id = 1;
					UPDATE codes SET v = -1 WHERE code = 'c42';
					ALTER TABLE codes DROP CONSTRAINT codes_pkey;
					INSERT INTO codes SELECT * FROM codes WHERE code = 'c7';
					UPDATE pairs SET v = 0 WHERE a = 7 AND b = 'b7';
					DELETE FROM dups WHERE ctid = (SELECT ctid FROM dups WHERE a = 3 LIMIT 1);
					UPDATE nullkeys SET v = 'changed' WHERE v = 'null b';
					UPDATE prices SET p = 7.50 WHERE p = 7.5;
					ALTER TABLE pairs ALTER COLUMN v TYPE bigint;
					UPDATE emails SET e = 'user7@example.com' WHERE e = 'User7@example.com';
					UPDATE vals SET n = -100.00 WHERE id = 1;
					UPDATE vals SET n = 'Infinity' WHERE id = 2;
					UPDATE vals SET b = 4294967297 WHERE id = 3;
					UPDATE vals SET at = '2024-01-01 01:11:34.967296+00' WHERE id = 5;
					UPDATE vals SET f = '-0' WHERE id = 6;
					""");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout())
				.contains("public.accounts: differs, 4 row(s)", "(id)=(1)  changed", "(id)=(77)  missing on target",
						"(id)=(1234)  changed", "(id)=(100001)  extra on target", "(code)=(c42)  changed",
						"public.codes: differs, 2 row(s)", "(code)=(c7)  extra on target (1 copy)",
						"public.pairs: differs, 1 row(s)", "(a, b)=(7,b7)  changed", "public.dups: differs, 1 row(s)",
						"(3,x)  missing on target (1 copy)", "public.nullkeys: differs, 2 row(s)",
						"public.prices: differs, 1 row(s)", "(p)=(7.5)  changed", "public.emails: differs",
						"User7@example.com", "public.vals: differs, 5 row(s)", "(id)=(6)  changed",
						"8 of 9 table(s) differ.")
				.containsPattern("public.empty +equal +0 +0 +0");

			PgCopyDbRun json = PgCopyDbRun.run(env, "compare", "data", "--json", "--table-jobs", "2");
			assertThat(json.exitCode()).as(json.toString()).isEqualTo(10);
			assertThat(json.stdout()).contains("\"equal\" : false", "\"key\" : \"(id)=(1234)\"",
					"\"difference\" : \"changed\"", "\"differing_rows\" : 4");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

	@Test
	void tablesPartitionedOtherwiseOnTheTargetAreComparedWhole(PgServers servers) {
		String db = "compare_partitioned";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE events (id bigint PRIMARY KEY, at date NOT NULL, v text);
				INSERT INTO events SELECT g, date '2024-01-01' + g % 700, 'v' || g FROM generate_series(1, 20000) g;
				CREATE TABLE merged (id int, v text) PARTITION BY RANGE (id);
				CREATE TABLE merged_low PARTITION OF merged FOR VALUES FROM (0) TO (500);
				CREATE TABLE merged_high PARTITION OF merged FOR VALUES FROM (500) TO (1000);
				ALTER TABLE merged ADD PRIMARY KEY (id);
				INSERT INTO merged SELECT g, 'm' || g FROM generate_series(0, 999) g;
				""");
		// the DBA's schema edits: events partitioned on the target, merged made one table
		servers.target().execute(db, """
				CREATE TABLE events (id bigint, at date NOT NULL, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
				CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
				CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
				INSERT INTO events SELECT g, date '2024-01-01' + g % 700, 'v' || g FROM generate_series(1, 20000) g;
				CREATE TABLE merged (id int PRIMARY KEY, v text);
				INSERT INTO merged SELECT g, 'm' || g FROM generate_series(0, 999) g;
				""");
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "data");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();
			assertThat(equal.stdout()).containsPattern("public.events +equal +20000 +20000 +0")
				.containsPattern("public.merged +equal +1000 +1000 +0")
				.doesNotContain("merged_low");

			servers.target()
				.execute(db,
						"UPDATE events SET v = 'changed' WHERE id = 12345;" + " DELETE FROM merged WHERE id = 700");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout()).contains("public.events: differs, 1 row(s)", "(id)=(12345)  changed",
					"public.merged: differs, 1 row(s)", "(id)=(700)  missing on target");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

	@Test
	void manyDifferingSegmentsAndRangesTooLargeToReadAtOnce(PgServers servers) {
		String db = "compare_segments";
		CloneIT.prepare(servers, db);
		String schema = """
				CREATE TABLE wide (id int PRIMARY KEY, v int);
				INSERT INTO wide SELECT g, g FROM generate_series(1, 300000) g;
				CREATE TABLE big (id bigint PRIMARY KEY, v text);
				INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 100000) g;
				CREATE TABLE bulk (id int PRIMARY KEY, v int);
				INSERT INTO bulk SELECT g, g FROM generate_series(1, 5000) g;
				ANALYZE;
				""";
		servers.source().createDatabase(db);
		servers.source().execute(db, schema);
		servers.target().execute(db, schema);
		// one row in every 500: a change in nearly every one of the table's ~590 ranges,
		// more than are read range by range
		servers.target()
			.execute(db,
					"UPDATE wide SET v = -v WHERE id % 500 = 0; UPDATE big SET v = 'x' WHERE id IN (10, 50000, 99999);"
							+ " UPDATE bulk SET v = v + 1");
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout()).contains("public.wide: differs, 600 row(s)", "(id)=(500)  changed",
					"public.big: differs, 3 row(s)", "(id)=(50000)  changed", "public.bulk: differs, 5000 row(s)");

			// with at most 1000 rows read per table: the differing ranges of wide and big
			// hold more, and are cut into finer ranges until they do not; bulk's rows
			// all differ, too many to list, and finer ranges would not help
			Map<String, String> small = new java.util.HashMap<>(env);
			small.put("JAVA_TOOL_OPTIONS", "-Dpgcopydb.compare.rowLimit=1000");
			PgCopyDbRun finer = PgCopyDbRun.run(small, "compare", "data");
			assertThat(finer.exitCode()).as(finer.toString()).isEqualTo(10);
			assertThat(finer.stdout())
				.contains("public.big: differs, 3 row(s)", "(id)=(10)  changed", "(id)=(50000)  changed",
						"(id)=(99999)  changed", "public.wide: differs, 600 row(s)", "(id)=(500)  changed")
				.containsPattern("public.bulk: differs \\(\\d+ segment\\(s\\) differ, with more than 1000 rows: too"
						+ " many to list");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

	@Test
	void aLatin1SourceAndAUtf8TargetHoldingTheSameTextAreEqual(PgServers servers) {
		String db = "compare_latin1";
		CloneIT.prepare(servers, db);
		servers.source()
			.execute("postgres",
					"CREATE DATABASE " + db + " TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
		String rows = """
				CREATE TABLE words (id int PRIMARY KEY, w text, v varchar(20), c char(4));
				INSERT INTO words VALUES (1, 'café', 'über', 'né'), (2, 'plain', 'ascii', 'ab');
				""";
		servers.source().execute(db, rows);
		servers.target().execute(db, rows);
		Map<String, String> env = CloneIT.sides(servers, db);
		try {
			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "data");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();

			servers.target().execute(db, "UPDATE words SET w = 'cafe' WHERE id = 1");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout()).contains("public.words: differs, 1 row(s)", "(id)=(1)  changed");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

	@Test
	void aTextKeyUnderAnotherCollationOnTheTargetIsCutInTheSameRanges(PgServers servers) {
		String db = "compare_collations";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		String rows = "INSERT INTO names SELECT (ARRAY['b', 'B', 'a', 'A', '_', 'é'])[1 + g % 6] || g, g"
				+ " FROM generate_series(1, 3000) g";
		servers.source().execute(db, "CREATE TABLE names (n text COLLATE \"en-x-icu\" PRIMARY KEY, v int); " + rows);
		servers.target().execute(db, "CREATE TABLE names (n text COLLATE \"C\" PRIMARY KEY, v int); " + rows);
		// at most 1000 rows read: ranges cut in each side's own order would hold other
		// rows on each side, all of them to read again
		Map<String, String> env = Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db), "PGCOPYDB_TARGET_PGURI",
				servers.target().uri(db), "JAVA_TOOL_OPTIONS", "-Dpgcopydb.compare.rowLimit=1000");
		try {
			PgCopyDbRun equal = PgCopyDbRun.run(env, "compare", "data");
			assertThat(equal.exitCode()).as(equal.toString()).isZero();
			assertThat(equal.stdout()).containsPattern("public.names +equal +3000 +3000 +0");

			servers.target().execute(db, "UPDATE names SET v = 0 WHERE n = 'a2'");
			PgCopyDbRun differs = PgCopyDbRun.run(env, "compare", "data");
			assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
			assertThat(differs.stdout()).contains("public.names: differs, 1 row(s)", "(n)=(a2)  changed");
		}
		finally {
			CloneIT.cleanup(servers, db);
		}
	}

}

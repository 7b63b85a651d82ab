package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cases where a copy tool can lose or filter data without failing: names that resolve
 * only through the source's search_path, extension member tables, per-column index
 * statistics, and row-level security on the source.
 */
@ExtendWith(PostgresExtension.class)
class CloneEdgeCasesIT {

	@Test
	void indexesUsingExtensionOperatorClassesThroughSearchPathAreRebuilt(PgServers servers, @TempDir Path dir) {
		String db = "clone_search_path";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE SCHEMA ext;
				CREATE EXTENSION pg_trgm SCHEMA ext;
				CREATE EXTENSION btree_gist SCHEMA ext;
				ALTER DATABASE clone_search_path SET search_path = "$user", public, ext;
				""");
		servers.source().execute(db, """
				SET search_path = "$user", public, ext;
				CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, n integer);
				INSERT INTO words SELECT g, 'word ' || g, g % 10 FROM generate_series(1, 2000) g;
				CREATE INDEX words_trgm ON words USING gin (word gin_trgm_ops);
				CREATE INDEX words_lower ON words ((lower(word)), n);
				ALTER INDEX words_lower ALTER COLUMN 1 SET STATISTICS 777;
				CREATE TABLE ext.member (id integer PRIMARY KEY, note text);
				ALTER EXTENSION btree_gist ADD TABLE ext.member;
				""");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aSourceRoleNeedsNoPrivilegeOnWhatTheFiltersLeaveOut(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "clone_unreadable";
		String role = "pgcopydb_partial_reader";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute("postgres", "DROP ROLE IF EXISTS " + role);
		servers.source().execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'partial-reader-pw'");
		servers.source().execute(db, """
				CREATE SCHEMA app;
				CREATE SCHEMA secret;
				CREATE TABLE app.kept (id int PRIMARY KEY, v text);
				CREATE TABLE app.hidden (id int PRIMARY KEY);
				CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at);
				CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
				CREATE TABLE secret.payroll (id int PRIMARY KEY, amount numeric);
				INSERT INTO app.kept SELECT i, 'v' || i FROM generate_series(1, 10) i;
				INSERT INTO secret.payroll VALUES (1, 100);
				GRANT USAGE ON SCHEMA app TO pgcopydb_partial_reader;
				GRANT SELECT ON app.kept TO pgcopydb_partial_reader;
				""");
		Path filters = Files.writeString(dir.resolve("readable.ini"), """
				[exclude-schema]
				secret
				[exclude-table]
				app.hidden
				app.events
				""");
		String source = servers.source().uri(db, role, "partial-reader-pw");

		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--source", source, "--target", servers.target().uri(db),
				"--dir", dir.resolve("run").toString(), "--filters", filters.toString(), "--no-owner", "--no-acl");

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM app.kept")).containsExactly("10");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM pg_class WHERE relname IN ('hidden', 'events', 'events_2024', 'payroll')"))
			.containsExactly("0");
		CloneIT.cleanup(servers, db);
		servers.source().execute("postgres", "DROP ROLE IF EXISTS " + role);
	}

	@Test
	void rowLevelSecurityNeverFiltersRowsSilently(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "clone_rls";
		String role = "pgcopydb_rls_reader";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		// roles are cluster-wide: the target needs the one the table is granted to
		for (var server : java.util.List.of(servers.source(), servers.target())) {
			server.execute("postgres", "DROP ROLE IF EXISTS " + role);
			server.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'rls-reader-pw'");
		}
		servers.source().execute(db, """
				CREATE TABLE secrets (id integer PRIMARY KEY, owner_name text);
				INSERT INTO secrets VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
				ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
				ALTER TABLE secrets FORCE ROW LEVEL SECURITY;
				CREATE POLICY only_alice ON secrets USING (owner_name = 'alice');
				GRANT SELECT ON secrets TO pgcopydb_rls_reader;
				""");
		String source = servers.source().uri(db, role, "rls-reader-pw");

		PgCopyDbRun filtered = PgCopyDbRun.run(Map.of(), "clone", "--source", source, "--target",
				servers.target().uri(db), "--dir", dir.resolve("first").toString());

		assertThat(filtered.exitCode()).as(filtered.toString()).isEqualTo(6);
		assertThat(filtered.errorLines()).first()
			.asString()
			.contains("public.secrets", "row-level security", "BYPASSRLS");

		servers.source().execute("postgres", "ALTER ROLE " + role + " BYPASSRLS");
		PgCopyDbRun allRows = PgCopyDbRun.run(Map.of(), "clone", "--source", source, "--target",
				servers.target().uri(db), "--dir", dir.resolve("second").toString(), "--drop-if-exists");

		assertThat(allRows.exitCode()).as(allRows.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT string_agg(owner_name, ',' ORDER BY id) FROM secrets"))
			.containsExactly("alice,bob,carol");
		CloneIT.cleanup(servers, db);
		for (var server : java.util.List.of(servers.source(), servers.target())) {
			server.execute("postgres", "DROP ROLE IF EXISTS " + role);
		}
	}

}

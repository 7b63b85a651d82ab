package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, items 1 and 4: a schema restore is recognised as done from the target, and a
 * retried one never drops what the run did not create. The JVM is halted at the worst
 * moment with the test hook PGCOPYDB_TEST_HALT_AFTER (right after the step's work, before
 * Spring Batch records it), as the OOM killer would.
 */
@ExtendWith(PostgresExtension.class)
class RestoreRetryIT {

	private static final String HALT_AFTER = "PGCOPYDB_TEST_HALT_AFTER";

	@Test
	void postDataCommittedButUnrecordedIsFoundDoneOnResume(PgServers servers, @TempDir Path dir) {
		String db = "retry_post_data";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		// pg_restore --list prints names unquoted: a schema with a space in its name
		servers.source().execute(db, """
				CREATE SCHEMA "Sch é";
				CREATE TABLE "Sch é"."x.y tab" (id integer PRIMARY KEY, ref integer, v text CHECK (v <> ''));
				CREATE INDEX "x.y tab v" ON "Sch é"."x.y tab" (v);
				ALTER TABLE "Sch é"."x.y tab" ADD FOREIGN KEY (ref) REFERENCES "Sch é"."x.y tab" (id);
				INSERT INTO "Sch é"."x.y tab" VALUES (1, 1, 'a'), (2, 1, 'b');
				""");
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString());

		PgCopyDbRun halted = PgCopyDbRun.run(Map.of(HALT_AFTER, "restorePostData"), clone);
		assertThat(halted.exitCode()).as(halted.toString()).isEqualTo(137);
		assertThat(halted.stderr()).contains("halting after restorePostData");

		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), with(clone, "--resume"));

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("already has every object of post.dump");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void userViewWithASourceTableNameIsRefusedUpFrontAndKept(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "retry_user_view";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE TABLE public.film_list (id integer PRIMARY KEY, title text);
				CREATE TABLE public.other (id integer PRIMARY KEY);
				INSERT INTO public.film_list VALUES (1, 'a'), (2, 'b');
				""");
		servers.target().execute(db, """
				CREATE TABLE public.films (fid integer, name text);
				CREATE VIEW public.film_list AS SELECT fid AS id, name AS title FROM public.films;
				""");
		String viewBefore = viewDefinition(servers, db);

		PgCopyDbRun refused = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.resolve("clone").toString());

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
		assertThat(refused.errorLines()).first()
			.asString()
			.contains("view public.film_list", "where the source has a table", "drop or rename it");
		assertThat(viewDefinition(servers, db)).isEqualTo(viewBefore);
		assertThat(CloneIT.strings(servers.target(), db, "SELECT to_regclass('public.other') IS NULL"))
			.as("nothing restored")
			.containsExactly("t");

		// the step-by-step flow compares the run's archive instead of the source
		String stepDir = dir.resolve("steps").toString();
		Map<String, String> env = CloneIT.sides(servers, db);
		PgCopyDbRun dumped = PgCopyDbRun.run(env, "dump", "schema", "--dir", stepDir);
		assertThat(dumped.exitCode()).as(dumped.toString()).isZero();
		PgCopyDbRun preData = PgCopyDbRun.run(env, "restore", "pre-data", "--dir", stepDir);
		assertThat(preData.exitCode()).as(preData.toString()).isEqualTo(3);
		assertThat(preData.errorLines()).first().asString().contains("view public.film_list");
		assertThat(viewDefinition(servers, db)).isEqualTo(viewBefore);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void preDataFailedMidwayResumesWithoutDroppingWhatItDidNotCreate(PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "retry_pre_data";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE COLLATION public.c_test (provider = icu, locale = 'und');
				CREATE TABLE public.a_first (id integer PRIMARY KEY, v text);
				CREATE TABLE public.b_fails (id integer PRIMARY KEY, v text COLLATE public.c_test);
				CREATE TABLE public.c_later (id integer PRIMARY KEY, v text);
				CREATE TABLE public.d_last (id integer PRIMARY KEY, a_id integer REFERENCES public.a_first);
				INSERT INTO public.a_first SELECT i, 'a' || i FROM generate_series(1, 100) i;
				INSERT INTO public.b_fails SELECT i, 'b' || i FROM generate_series(1, 100) i;
				INSERT INTO public.c_later SELECT i, 'c' || i FROM generate_series(1, 100) i;
				INSERT INTO public.d_last SELECT i, i FROM generate_series(1, 100) i;
				""");
		servers.target().execute(db, """
				CREATE TABLE public.user_notes (note text);
				INSERT INTO public.user_notes VALUES ('keep me');
				""");
		// --skip-collations: the target must have them; it lacks public.c_test, so the
		// pre-data restore fails at public.b_fails, after public.a_first
		List<String> clone = List.of("clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString(), "--skip-collations");

		PgCopyDbRun failed = PgCopyDbRun.run(Map.of(), clone);
		assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(5);
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT to_regclass('public.a_first') IS NOT NULL, to_regclass('public.c_later') IS NULL"))
			.as("a_first restored before the failure, c_later not yet")
			.containsExactly("t");

		// the DBA fixes the cause, makes c_later as the source has it, and by mistake a
		// view with the name of a table pre-data has yet to restore
		servers.target().execute(db, """
				CREATE COLLATION public.c_test (provider = icu, locale = 'und');
				CREATE TABLE public.c_later (id integer, v text);
				CREATE VIEW public.d_last AS SELECT 1 AS id;
				""");
		String laterOid = CloneIT.strings(servers.target(), db, "SELECT 'public.c_later'::regclass::oid").get(0);
		String firstOid = CloneIT.strings(servers.target(), db, "SELECT 'public.a_first'::regclass::oid").get(0);

		PgCopyDbRun clash = PgCopyDbRun.run(Map.of(), with(clone, "--resume"));
		assertThat(clash.exitCode()).as(clash.toString()).isEqualTo(3);
		assertThat(clash.errorLines()).first()
			.asString()
			.contains("view public.d_last", "where the source has a table", "--resume");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM pg_views WHERE viewname = 'd_last'"))
			.containsExactly("1");

		servers.target().execute(db, "DROP VIEW public.d_last");
		PgCopyDbRun resumed = PgCopyDbRun.run(Map.of(), with(clone, "--resume"));

		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains("the target already has table public.c_later as the source has it")
			.doesNotContain("--clean");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT note FROM public.user_notes"))
			.containsExactly("keep me");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT 'public.c_later'::regclass::oid"))
			.as("the DBA's identical table was kept, not dropped and recreated")
			.containsExactly(laterOid);
		assertThat(CloneIT.strings(servers.target(), db, "SELECT 'public.a_first'::regclass::oid"))
			.as("the run's own table was kept")
			.containsExactly(firstOid);
		servers.target().execute(db, "DROP TABLE public.user_notes");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
	}

	private static String viewDefinition(PgServers servers, String db) throws SQLException {
		return CloneIT.strings(servers.target(), db, "SELECT pg_get_viewdef('public.film_list'::regclass)").get(0);
	}

	private static List<String> with(List<String> args, String... more) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of(more));
		return all;
	}

}

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
 * A run of many small tables copies them in bundles, each bundle's tables emptied and
 * filled in one target transaction: a table that fails takes its bundle back with it, and
 * the resumed run copies the bundle again, each row once.
 */
@ExtendWith(PostgresExtension.class)
class BundledTablesIT {

	private static final int TABLES = 240;

	@Test
	void manySmallTablesAreCopiedInBundlesThatFailAndResumeWhole(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "bundles";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "DO $$ BEGIN FOR i IN 1.." + TABLES + " LOOP"
					+ " EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, v text)', lpad(i::text, 3, '0'));"
					+ " EXECUTE format('CREATE INDEX ON public.t%s (v)', lpad(i::text, 3, '0'));"
					+ " EXECUTE format('INSERT INTO public.t%s SELECT g, md5(g::text || %L) FROM generate_series(1, 3) g',"
					+ " lpad(i::text, 3, '0'), i); END LOOP; END $$; ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);
		PgCopyDbRun.succeeds(env, dir, "dump", "schema");
		PgCopyDbRun.succeeds(env, dir, "restore", "pre-data");
		// schema-changes.sql: a check that t150's rows fail, at first
		servers.target().execute(db, "ALTER TABLE public.t150 ADD CONSTRAINT not_yet CHECK (id < 0)");
		// a row the target had before the copy (as an attempt that committed before its
		// run could record it would leave): its bundle empties that table, and only it
		servers.target().execute(db, "INSERT INTO public.t001 VALUES (1, 'already there')");

		PgCopyDbRun failed = PgCopyDbRun.run(env, "copy", "data", "--dir=" + dir, "--table-jobs", "2");

		assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
		assertThat(failed.stderr()).containsPattern("Copying " + TABLES + " small tables in [0-9]+ bundles");
		assertThat(failed.errorLines()).first().asString().contains("bundle", "not_yet");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.t150")).containsExactly("0");
		long copied = totalRows(servers, db);
		assertThat(copied).as("the failed bundle's tables are rolled back with it, the others are copied")
			.isLessThan(3L * TABLES)
			.isGreaterThan(0);

		servers.target().execute(db, "ALTER TABLE public.t150 DROP CONSTRAINT not_yet");
		PgCopyDbRun resumed = PgCopyDbRun.succeeds(env, dir, "copy", "data", "--resume", "--not-consistent",
				"--table-jobs", "2");
		assertThat(failed.stderr() + resumed.stderr()).as("a bundle's indexes are built by one partition, not one each")
			.containsPattern("Built [0-9]+ indexes of the tables of bundle [0-9]+ in")
			.doesNotContain("Built index public.t");

		for (int i = 1; i <= TABLES; i++) {
			String table = String.format("public.t%03d", i);
			String sql = "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY t::text)) FROM " + table
					+ " t";
			assertThat(CloneIT.strings(servers.target(), db, sql)).as(table + ", each row once")
				.isEqualTo(CloneIT.strings(servers.source(), db, sql));
		}
		// the rest of the run: indexes and statistics, a bundle's tables together: the
		// planner has statistics; a VACUUM of each small table is left to autovacuum
		PgCopyDbRun.succeeds(env, dir, "clone", "--resume", "--not-consistent", "--table-jobs", "2");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
						+ " WHERE s.last_analyze IS NOT NULL AND s.last_vacuum IS NULL AND c.reltuples = 3"))
			.as("every table analyzed, not vacuumed")
			.containsExactly(Integer.toString(TABLES));
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname ~ '^t[0-9]+$'"))
			.containsExactly(Integer.toString(2 * TABLES));
		PgCopyDbRun progress = PgCopyDbRun.run(Map.of(), "list", "progress", "--dir=" + dir, "--json");
		assertThat(progress.stdout()).as("a bundle counts its tables and its indexes")
			.containsPattern("\"tables\"\\s*:\\s*\\{[^}]*\"done\"\\s*:\\s*" + TABLES + "\\b")
			.containsPattern("\"indexes\"\\s*:\\s*\\{[^}]*\"done\"\\s*:\\s*" + 2 * TABLES + "\\b");
		CloneIT.cleanup(servers, db);
	}

	private static long totalRows(PgServers servers, String db) throws Exception {
		List<String> counts = CloneIT.strings(servers.target(), db,
				"SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',"
						+ " schemaname, relname), false, true, '')))[1]::text::int) FROM pg_stat_user_tables");
		return Long.parseLong(counts.get(0));
	}

}

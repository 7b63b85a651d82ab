package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.Pagila;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: {@code pgcopydb clone} between two real servers, then what a DBA checks:
 * the schema dumps match, every table's rows and checksum match, sequences and large
 * objects match, every index is valid and every table was analyzed.
 */
@ExtendWith(PostgresExtension.class)
class CloneIT {

	@Test
	void sampleDatabaseCloneIsIdenticalToTheSource(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "clone_sample";
		prepare(servers, db);
		SampleDatabase.load(servers.source(), db);

		// not a terminal: progress comes as log lines, here every 100 ms through the
		// documented environment override of pgcopydb.copy.progress-interval
		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_COPY_PROGRESSINTERVAL", "100ms"), "clone", "--source",
				servers.source().uri(db), "--target", servers.target().uri(db), "--dir", dir.toString(), "--table-jobs",
				"4", "--index-jobs", "4", "--restore-jobs", "2");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(invalidIndexes(servers.target(), db)).isEmpty();
		assertThat(tablesNeverAnalyzed(servers.target(), db)).isEmpty();
		assertThat(run.stdout()).contains("copyData", "buildIndexes", "restorePostData", "Total wall time")
			.doesNotContain("FAILED");
		assertThat(run.stdout().lines().filter((line) -> line.startsWith("copyData"))).singleElement()
			.asString()
			.contains("COMPLETED", "14/14", " " + totalRows(servers.source(), db) + " ");
		assertThat(run.stderr().lines().filter((line) -> line.contains("Progress: "))).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).containsPattern("tables \\d+/14, \\d+ MB of \\d+ MB"));
		// the tutorial's validation on every type the sample has (dates past the last
		// timestamp, NaN, infinities, arrays, ranges, composite and enum columns...)
		assertThat(compareBoth(servers, db)).contains("Every table is equal (14 compared).");
		cleanup(servers, db);
	}

	@Test
	void pagilaCloneIsIdenticalToTheSource(PgServers servers, @TempDir Path dir) throws SQLException {
		String db = "clone_pagila";
		prepare(servers, db);
		Pagila.load(servers.source(), db);

		// the tutorial's way: connection strings from the environment; the source in
		// key=value form with its password from PGPASSWORD, the target a URI whose own
		// password must win over PGPASSWORD (for pg_restore too)
		String sourceKeyValue = String.format("host=%s port=%d dbname=%s user=%s", servers.source().host(),
				servers.source().port(), db, servers.source().superuser());
		PgCopyDbRun run = PgCopyDbRun.run(
				Map.of("PGCOPYDB_SOURCE_PGURI", sourceKeyValue, "PGPASSWORD", servers.source().superuserPassword(),
						"PGCOPYDB_TARGET_PGURI", servers.target().uri(db), "PGCOPYDB_TABLE_JOBS", "4"),
				"clone", "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(invalidIndexes(servers.target(), db)).isEmpty();
		// partitioned payments with their triggers and foreign keys, full-text columns,
		// arrays, views and functions: equal by both compare commands
		compareBoth(servers, db);
		cleanup(servers, db);
	}

	/** Fresh, empty target database; the source database is created by its loader. */
	/**
	 * {@code compare schema} and {@code compare data} of {@code db}, both exit 0; the
	 * data report.
	 */
	static String compareBoth(PgServers servers, String db) {
		Map<String, String> sides = sides(servers, db);
		PgCopyDbRun schema = PgCopyDbRun.run(sides, "compare", "schema");
		assertThat(schema.exitCode()).as(schema.toString()).isZero();
		PgCopyDbRun data = PgCopyDbRun.run(sides, "compare", "data");
		assertThat(data.exitCode()).as(data.toString()).isZero();
		return data.stdout();
	}

	/** The tutorial's environment: both sides' connection strings for {@code db}. */
	static Map<String, String> sides(PgServers servers, String db) {
		return Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri(db), "PGCOPYDB_TARGET_PGURI",
				servers.target().uri(db));
	}

	static void prepare(PgServers servers, String db) {
		servers.source().dropDatabase(db);
		servers.target().dropDatabase(db);
		servers.target().createDatabase(db);
	}

	static void cleanup(PgServers servers, String db) {
		servers.source().dropDatabase(db);
		servers.target().dropDatabase(db);
	}

	/**
	 * Rows of every table COPY moves (ordinary tables and partitions; a materialized view
	 * is refreshed by post-data instead), as a user would add them up on the source.
	 */
	private static long totalRows(PgServer server, String db) throws SQLException {
		long total = 0;
		for (String table : strings(server, db,
				"SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
						+ "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
						+ "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'")) {
			total += Long.parseLong(strings(server, db, "SELECT count(*) FROM " + table).get(0));
		}
		return total;
	}

	private static List<String> invalidIndexes(PgServer server, String db) throws SQLException {
		return strings(server, db,
				"SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid OR NOT indisready");
	}

	private static List<String> tablesNeverAnalyzed(PgServer server, String db) throws SQLException {
		return strings(server, db, "SELECT s.schemaname || '.' || s.relname FROM pg_stat_user_tables s "
				+ "JOIN pg_class c ON c.oid = s.relid WHERE c.relkind = 'r' AND s.last_analyze IS NULL");
	}

	static List<String> strings(PgServer server, String db, String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Connection connection = server.connect(db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				values.add(rs.getString(1));
			}
		}
		return values;
	}

}

package io.pgcopydb.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the test infrastructure itself: two distinct servers a client reaches with a
 * password, ready for logical decoding; the sample and pagila databases load; and the
 * comparison both accepts equal databases and catches each kind of difference.
 */
@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

	@Test
	void bothServersAcceptPasswordLoginsAndDecodeLogically(PgServers servers) throws SQLException {
		for (PgServer server : List.of(servers.source(), servers.target())) {
			assertThat(queryOne(server, "postgres", "SHOW wal_level")).isEqualTo("logical");
			assertThat(queryOne(server, "postgres", "SELECT current_setting('server_version_num')::int / 10000"))
				.isEqualTo(Integer.toString(server.majorVersion()));
			assertThat(queryOne(server, "postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
				.isEqualTo("t");
			assertThat(queryOne(server, "postgres",
					"SELECT count(*) FROM (SELECT pg_drop_replication_slot(slot_name) FROM"
							+ " pg_create_logical_replication_slot('it_ext_probe', 'pgoutput')) AS probe"))
				.as("a logical slot can be created and dropped")
				.isEqualTo("1");
			if (server.binDir() != null) {
				assertThat(queryOne(server, "postgres", "SELECT host(inet_server_addr())")).isEqualTo("127.0.0.1");
				assertThat(queryOne(server, "postgres", "SHOW listen_addresses")).isEqualTo("127.0.0.1");
			}
		}
		assertThat(queryOne(servers.source(), "postgres", "SELECT system_identifier FROM pg_control_system()"))
			.as("source and target are distinct clusters")
			.isNotEqualTo(queryOne(servers.target(), "postgres", "SELECT system_identifier FROM pg_control_system()"));
	}

	@Test
	void wrongPasswordIsRefused(PgServers servers) {
		PgServer server = servers.source();
		assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl("postgres"), server.superuser(), "wrong"))
			.isInstanceOf(SQLException.class)
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("28P01"));
	}

	@Test
	void psqlFailureCarriesTheServerErrorButNotThePassword(PgServers servers, @TempDir Path dir) throws Exception {
		PgServer server = servers.target();
		Path script = Files.writeString(dir.resolve("broken.sql"), "SELECT 1;\nSELECT 1 / 0;\nSELECT 2;\n");
		assertThatThrownBy(() -> server.psql("postgres", script)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("division by zero")
			.hasMessageContaining("broken.sql")
			.hasMessageNotContaining(server.superuserPassword());
	}

	@Test
	void dropDatabaseEndsSessionsAndDropsSlots(PgServers servers) throws SQLException {
		PgServer server = servers.target();
		server.createDatabase("it_ext_busy");
		server.execute("it_ext_busy", "SELECT pg_create_logical_replication_slot('it_ext_busy_slot', 'pgoutput')");
		try (Connection open = server.connect("it_ext_busy")) {
			server.dropDatabase("it_ext_busy");
			assertThat(queryOne(server, "postgres",
					"SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'it_ext_busy_slot'"))
				.isEqualTo("0");
			assertThat(queryOne(server, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'it_ext_busy'"))
				.isEqualTo("0");
		}
	}

	@Test
	void sampleDatabaseLoads(PgServers servers) throws SQLException {
		PgServer source = servers.source();
		String db = "it_ext_sample";
		try {
			SampleDatabase.load(source, db);
			assertThat(queryOne(source, db, "SELECT count(*) FROM public.measurements"))
				.isEqualTo(Long.toString(SampleDatabase.MEASUREMENT_ROWS));
			assertThat(queryOne(source, db, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo("4");
			assertThat(
					queryOne(source, db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'sales.orders'::regclass"))
				.isEqualTo("3");
			assertThat(queryOne(source, db, "SELECT count(*) > 0 FROM sales.orders_default")).isEqualTo("t");
			assertThat(queryOne(source, db, "SELECT price_with_tax FROM sales.products WHERE product_id = 1"))
				.isEqualTo("4.46");
			try (Connection conn = source.connect(db)) {
				Map<String, String> sequences = DatabaseComparison.sequenceValues(conn);
				assertThat(sequences).containsEntry("public.unused_seq", "42/false")
					.containsEntry("public.reset_seq", "500/false")
					.containsEntry("public.countdown_seq", "88/true")
					.containsEntry("sales.customers_customer_id_seq", "5990/true");
				// an empty table hashes the empty string
				assertThat(DatabaseComparison.tableChecksums(conn))
					.containsEntry("public.empty_table", "0:d41d8cd98f00b204e9800998ecf8427e")
					.containsKeys("sales.Order Items", "sales.CustomerNotes", "sales.customer_revenue")
					.doesNotContainKey("sales.orders");
			}
		}
		finally {
			source.dropDatabase(db);
		}
	}

	@Test
	void comparisonAcceptsEqualDatabasesAndReportsEachDifference(PgServers servers) {
		PgServer source = servers.source();
		PgServer target = servers.target();
		try {
			SampleDatabase.load(source, "it_ext_compare_a");
			SampleDatabase.load(target, "it_ext_compare_b");
			assertThatCode(
					() -> DatabaseComparison.assertSameDatabase(source, "it_ext_compare_a", target, "it_ext_compare_b"))
				.doesNotThrowAnyException();

			target.execute("it_ext_compare_b",
					"UPDATE sales.\"Order Items\" SET quantity = quantity + 1 WHERE order_id = 1");
			assertDifference(servers, "table rows", "sales.Order Items: source 7500:");

			target.execute("it_ext_compare_b", "SELECT nextval('public.invoice_number_seq')");
			assertDifference(servers, "sequences", "public.invoice_number_seq: source 1098/true, target 1133/true");

			target.execute("it_ext_compare_b", "SELECT lo_put(70003, 0, '\\x00')");
			assertDifference(servers, "large objects", "70003: source ");

			target.execute("it_ext_compare_b", "COMMENT ON TABLE sales.customers IS 'changed'");
			assertDifference(servers, "schema", "- COMMENT ON TABLE sales.customers IS 'People who order';",
					"+ COMMENT ON TABLE sales.customers IS 'changed';");
		}
		finally {
			source.dropDatabase("it_ext_compare_a");
			target.dropDatabase("it_ext_compare_b");
		}
	}

	@Test
	void pagilaLoads(PgServers servers) {
		PgServer source = servers.source();
		try {
			Pagila.load(source, "it_ext_pagila");
			assertThat(queryOne(source, "it_ext_pagila", "SELECT count(*) FROM public.film")).isEqualTo("1000");
			assertThat(queryOne(source, "it_ext_pagila", "SELECT count(*) FROM public.rental")).isEqualTo("16044");
		}
		finally {
			source.dropDatabase("it_ext_pagila");
		}
	}

	private static void assertDifference(PgServers servers, String... expectedFragments) {
		assertThatThrownBy(() -> DatabaseComparison.assertSameDatabase(servers.source(), "it_ext_compare_a",
				servers.target(), "it_ext_compare_b"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContainingAll(expectedFragments);
	}

	private static String queryOne(PgServer server, String db, String sql) {
		try (Connection conn = server.connect(db);
				Statement statement = conn.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			assertThat(rs.next()).as("a row from %s", sql).isTrue();
			return rs.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

}

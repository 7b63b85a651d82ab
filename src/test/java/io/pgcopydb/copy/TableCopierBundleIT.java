package io.pgcopydb.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bundle of small tables ({@link TableCopier#copyEach}) fills empty tables with a plain
 * COPY, and empties first the ones that hold rows: each row lands once, whatever the
 * target held, and a writer still running on one of the tables (an attempt presumed dead)
 * is waited for, then its rows are replaced.
 */
@ExtendWith(PostgresExtension.class)
class TableCopierBundleIT {

	private static final String DB = "bundle_copy";

	private static final String SCHEMA = "CREATE TABLE b1 (id int, v text); CREATE TABLE b2 (id int, v text);"
			+ " CREATE TABLE b3 (id int, v text);";

	private PgServers servers;

	@BeforeEach
	void databases(PgServers servers) {
		this.servers = servers;
		for (var server : List.of(servers.source(), servers.target())) {
			server.dropDatabase(DB);
			server.createDatabase(DB);
			server.execute(DB, SCHEMA);
		}
		this.servers.source()
			.execute(DB,
					"INSERT INTO b1 SELECT g, 'one ' || g FROM generate_series(1, 3) g;"
							+ " INSERT INTO b2 SELECT g, 'two ' || g FROM generate_series(1, 4) g;"
							+ " INSERT INTO b3 SELECT g, 'three ' || g FROM generate_series(1, 5) g;");
	}

	@AfterEach
	void drop() {
		this.servers.source().dropDatabase(DB);
		this.servers.target().dropDatabase(DB);
	}

	@Test
	void emptyTablesAreFilledAndTablesWithRowsAreEmptiedFirst() throws Exception {
		this.servers.target().execute(DB, "CREATE EXTENSION pageinspect");
		this.servers.target().execute(DB, "INSERT INTO b2 VALUES (99, 'left by an earlier attempt')");

		CopyResult result = copyBundle();

		assertThat(result.rows()).isEqualTo(12);
		assertThat(contents("b1")).isEqualTo(sourceContents("b1"));
		assertThat(contents("b2")).as("emptied, then filled").isEqualTo(sourceContents("b2"));
		assertThat(contents("b3")).isEqualTo(sourceContents("b3"));
		// b2 was emptied in the transaction that filled it, so it was copied frozen; the
		// others were empty, copied as they were
		assertThat(frozenRows("b2")).isEqualTo(4);
		assertThat(frozenRows("b1")).isZero();
	}

	@Test
	void aWriterStillRunningIsWaitedForAndItsRowsReplaced() throws Exception {
		try (Connection zombie = this.servers.target().connect(DB); Statement statement = zombie.createStatement()) {
			zombie.setAutoCommit(false);
			statement.execute("INSERT INTO b3 VALUES (1, 'three 1'), (77, 'not from the source')");
			CompletableFuture<CopyResult> copy = CompletableFuture.supplyAsync(() -> {
				try {
					return copyBundle();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			waitForLockWait();
			assertThat(copy).as("the bundle waits for the other writer").isNotDone();
			zombie.commit();
			assertThat(copy.get(60, TimeUnit.SECONDS).rows()).isEqualTo(12);
		}
		assertThat(contents("b3")).as("each source row once, the other writer's rows gone")
			.isEqualTo(sourceContents("b3"));
		assertThat(contents("b1")).isEqualTo(sourceContents("b1"));
	}

	private CopyResult copyBundle() throws SQLException, CopyException {
		List<TableCopier.Load> loads = new ArrayList<>();
		long oid = 1;
		for (String name : List.of("b1", "b2", "b3")) {
			SourceTable table = new SourceTable(oid++, "public", name, "id, v", "integer, text", true, 8192);
			loads.add(new TableCopier.Load(table, CopyTarget.sameTable(table.oid(), table.qualifiedName()), false));
		}
		try (Connection source = this.servers.source().connect(DB);
				Connection target = this.servers.target().connect(DB)) {
			return new TableCopier(64 * 1024).copyEach(source, target, loads, (index, bytes) -> {
			}, new ArrayList<>());
		}
	}

	private void waitForLockWait() throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			if (!query(this.servers.target().connect(DB),
					"SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'b3'::regclass")
				.isEmpty()) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("the bundle never waited for the lock on b3");
	}

	private List<String> contents(String table) throws SQLException {
		return query(this.servers.target().connect(DB), "SELECT id || ':' || v FROM " + table + " ORDER BY id");
	}

	private List<String> sourceContents(String table) throws SQLException {
		return query(this.servers.source().connect(DB), "SELECT id || ':' || v FROM " + table + " ORDER BY id");
	}

	/**
	 * Rows whose inserting transaction is frozen (xmin shown as 2, FrozenTransactionId).
	 */
	private int frozenRows(String table) throws SQLException {
		return Integer
			.parseInt(query(this.servers.target().connect(DB), "SELECT count(*) FROM heap_page_items(get_raw_page('"
					+ table + "', 0))" + " WHERE t_infomask & 768 = 768")
				.get(0));
	}

	private static List<String> query(Connection connection, String sql) throws SQLException {
		try (connection;
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

}

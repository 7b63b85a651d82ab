package io.pgcopydb.cdc.receive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.testsupport.DedicatedServer;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code stream setup} and {@code stream cleanup} on real servers: what a DBA would look
 * for in pg_replication_slots, pg_publication_tables and pg_replication_origin, the
 * snapshot exported with the slot, and the refusals that protect the source.
 */
@ExtendWith(PostgresExtension.class)
class StreamSetupIT {

	private static final String DB = "stream_setup_it";

	private PgServers servers;

	private WorkDirectory work;

	private ConfigurableApplicationContext context;

	private StreamRecords records;

	private StreamNames names;

	@BeforeEach
	void prepare(PgServers servers, @TempDir Path dir) {
		this.servers = servers;
		servers.source().dropDatabase(DB);
		servers.target().dropDatabase(DB);
		servers.source().createDatabase(DB);
		servers.target().createDatabase(DB);
		servers.source()
			.execute(DB, "CREATE TABLE keyed (id int PRIMARY KEY, v text);"
					+ "CREATE TABLE full_identity (v text); ALTER TABLE full_identity REPLICA IDENTITY FULL;"
					+ "CREATE TABLE parted (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);"
					+ "CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
					+ "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY);"
					+ "INSERT INTO keyed SELECT g, 'v' || g FROM generate_series(1, 10) g");
		this.work = new WorkDirectory(dir).create();
		this.context = BatchContext.start(this.work, StreamRecords.class);
		this.records = this.context.getBean(StreamRecords.class);
		this.names = StreamNames.of(dir, null, null, null);
	}

	@AfterEach
	void drop() {
		try {
			new StreamCleanup(this.records).cleanup(endpoint(Side.SOURCE), endpoint(Side.TARGET), this.names,
					this.work);
		}
		finally {
			this.context.close();
			this.servers.source().dropDatabase(DB);
			this.servers.target().dropDatabase(DB);
		}
	}

	@Test
	void setupCreatesPublicationSlotAndOriginAndCleanupDropsThem() throws SQLException {
		try (StreamSetup.Setup setup = new StreamSetup(this.records).setup(request(false, 60))) {
			assertThat(strings(this.servers.source(),
					"SELECT plugin FROM pg_replication_slots WHERE slot_name = '" + this.names.slot() + "'"))
				.containsExactly("pgoutput");
			// partitions are published through their root, unlogged tables not at all
			assertThat(strings(this.servers.source(), "SELECT tablename FROM pg_publication_tables WHERE pubname = '"
					+ this.names.publication() + "' ORDER BY 1"))
				.containsExactly("full_identity", "keyed", "parted");
			assertThat(strings(this.servers.source(),
					"SELECT pubviaroot FROM pg_publication WHERE pubname = '" + this.names.publication() + "'"))
				.containsExactly("t");
			assertThat(strings(this.servers.target(),
					"SELECT pg_replication_origin_progress('" + this.names.origin() + "', false)::text"))
				.containsExactly(setup.record().consistentPoint().asString());
			assertThat(this.records.find()).isPresent();

			// the exported snapshot is importable while the slot's session lives, and
			// shows the source as of the consistent point
			this.servers.source().execute(DB, "INSERT INTO keyed VALUES (11, 'after')");
			try (Connection reader = this.servers.source().connect(DB);
					Statement statement = reader.createStatement()) {
				reader.setAutoCommit(false);
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				statement.execute("SET TRANSACTION SNAPSHOT '" + setup.snapshot().snapshotName() + "'");
				try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM keyed")) {
					rs.next();
					assertThat(rs.getInt(1)).isEqualTo(10);
				}
				reader.rollback();
			}
		}

		List<String> report = new StreamCleanup(this.records).cleanup(endpoint(Side.SOURCE), endpoint(Side.TARGET),
				this.names, this.work);

		assertThat(report).contains("dropped replication slot " + this.names.slot(),
				"dropped publication " + this.names.publication(), "dropped replication origin " + this.names.origin());
		assertNothingLeft();
		assertThat(this.records.find()).isEmpty();
		List<String> again = new StreamCleanup(this.records).cleanup(endpoint(Side.SOURCE), endpoint(Side.TARGET),
				this.names, this.work);
		assertThat(again).contains("replication slot " + this.names.slot() + " not found",
				"replication origin " + this.names.origin() + " not found");
	}

	@Test
	void tableWithoutReplicaIdentityIsRefusedAndTheSourceKeepsWorking() throws SQLException {
		this.servers.source()
			.execute(DB, "CREATE TABLE no_key (id int, v text); INSERT INTO no_key VALUES (1, 'a'), (2, 'b')");

		assertThatThrownBy(() -> new StreamSetup(this.records).setup(request(false, 60)))
			.isInstanceOfSatisfying(SourceNotReadyException.class,
					(ex) -> assertThat(ex.exitCode()).isEqualTo(ExitCode.SOURCE))
			.hasMessageContaining("public.no_key")
			.hasMessageContaining("REPLICA IDENTITY FULL")
			.hasMessageContaining("--filters")
			.hasMessageContaining("--insert-only-tables");

		assertNothingLeft();
		this.servers.source()
			.execute(DB, "UPDATE no_key SET v = 'changed' WHERE id = 1; DELETE FROM no_key WHERE id = 2");
		assertThat(strings(this.servers.source(), "SELECT v FROM no_key")).containsExactly("changed");
	}

	@Test
	void insertOnlyTablesArePublishedForInsertsAndTheSourceKeepsUpdatingThem() throws SQLException {
		this.servers.source()
			.execute(DB, "CREATE TABLE no_key (id int, v text); INSERT INTO no_key VALUES (1, 'a'), (2, 'b')");

		try (StreamSetup.Setup setup = new StreamSetup(this.records).setup(request(true, 60))) {
			String insertOnly = this.names.insertOnlyPublication();
			assertThat(setup.record().insertOnlyPublication()).isEqualTo(insertOnly);
			assertThat(strings(this.servers.source(),
					"SELECT tablename FROM pg_publication_tables WHERE pubname = '" + insertOnly + "'"))
				.containsExactly("no_key");
			assertThat(strings(this.servers.source(),
					"SELECT pubinsert || ' ' || pubupdate || ' ' || pubdelete"
							+ " || ' ' || pubtruncate FROM pg_publication WHERE pubname = '" + insertOnly + "'"))
				.containsExactly("true false false true");
			this.servers.source()
				.execute(DB, "UPDATE no_key SET v = 'changed' WHERE id = 1; DELETE FROM no_key WHERE id = 2");
			assertThat(strings(this.servers.source(), "SELECT v FROM no_key")).containsExactly("changed");
		}
	}

	@Test
	void slotCreationBlockedByAnOpenTransactionNamesItThenTimesOut() throws SQLException {
		try (Connection blocker = this.servers.source().connect(DB); Statement statement = blocker.createStatement()) {
			blocker.setAutoCommit(false);
			statement.execute("INSERT INTO keyed VALUES (100, 'open')");
			int pid;
			try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
				rs.next();
				pid = rs.getInt(1);
			}

			assertThatThrownBy(() -> new StreamSetup(this.records).setup(request(false, 2)))
				.isInstanceOf(SourceNotReadyException.class)
				.hasMessageContaining("--slot-wait-timeout")
				.hasMessageContaining("pid " + pid)
				.hasMessageContaining("pgcopydb-it");
			blocker.rollback();
		}
		assertNothingLeft();
	}

	@Test
	void aTableCreatedWhileTheSlotIsCreatedIsPublished() throws Exception {
		// the table's transaction is open when setup lists the tables, and commits while
		// the slot's creation waits for it: the slot's snapshot (what the clone copies)
		// has the table, so its changes must be published too
		try (Connection ddl = this.servers.source().connect(DB); Statement statement = ddl.createStatement()) {
			ddl.setAutoCommit(false);
			statement.execute("CREATE TABLE late (id int PRIMARY KEY); INSERT INTO late VALUES (1)");
			CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
				try {
					awaitSlotCreationWaiting();
					ddl.commit();
				}
				catch (SQLException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (StreamSetup.Setup setup = new StreamSetup(this.records).setup(request(false, 60))) {
				commit.get(60, TimeUnit.SECONDS);
				assertThat(
						strings(this.servers.source(),
								"SELECT tablename FROM pg_publication_tables WHERE pubname = '"
										+ this.names.publication() + "' ORDER BY 1"))
					.containsExactly("full_identity", "keyed", "late", "parted");
			}
		}
	}

	private void awaitSlotCreationWaiting() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			if (!strings(this.servers.source(), "SELECT pid FROM pg_stat_activity WHERE query LIKE"
					+ " 'CREATE_REPLICATION_SLOT%' AND wait_event_type = 'Lock'")
				.isEmpty()) {
				return;
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("slot creation never waited for the open transaction");
	}

	@Test
	void walLevelReplicaIsRefusedWithTheRemedy() throws SQLException {
		try (DedicatedServer server = DedicatedServer.start("wal-replica")) {
			server.execute("postgres", "ALTER SYSTEM SET wal_level = replica");
			server.restart();
			PgEndpoint source = new PgEndpoint(Side.SOURCE, ConnectionString.parse(server.uri("postgres"), "--source"));
			try (Connection connection = source.connect("check")) {
				assertThatThrownBy(() -> SourceChecks.checkServer(connection, "source here", true))
					.isInstanceOf(SourceNotReadyException.class)
					.hasMessage("the source here has wal_level = replica: logical decoding needs wal_level = logical"
							+ " (ALTER SYSTEM SET wal_level = logical and restart the server)");
			}
		}
	}

	private void assertNothingLeft() {
		assertThat(strings(this.servers.source(),
				"SELECT slot_name FROM pg_replication_slots WHERE slot_name = '" + this.names.slot() + "'"))
			.isEmpty();
		assertThat(strings(this.servers.source(), "SELECT pubname FROM pg_publication")).isEmpty();
		assertThat(strings(this.servers.target(),
				"SELECT roname FROM pg_replication_origin WHERE roname = '" + this.names.origin() + "'"))
			.isEmpty();
	}

	private StreamSetup.Request request(boolean insertOnly, int timeoutSeconds) {
		return new StreamSetup.Request(endpoint(Side.SOURCE), endpoint(Side.TARGET), Plugin.PGOUTPUT, this.names,
				Filters.NONE, insertOnly, Duration.ofSeconds(timeoutSeconds), false, "source", "target");
	}

	private PgEndpoint endpoint(Side side) {
		PgServer server = (side == Side.SOURCE) ? this.servers.source() : this.servers.target();
		return new PgEndpoint(side, ConnectionString.parse(server.uri(DB), side.option()));
	}

	static List<String> strings(PgServer server, String sql) {
		return strings(server, DB, sql);
	}

	static List<String> strings(PgServer server, String db, String sql) {
		List<String> values = new ArrayList<>();
		try (Connection connection = server.connect(db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				values.add(rs.getString(1));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
		return values;
	}

}

package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three decoders on a real source whose database settings are hostile to value
 * fidelity (rounded floats, SQL-standard intervals, DMY dates, a far time zone, escaped
 * bytea, a one-second idle-in-transaction timeout): the values decoded from the
 * replication stream read exactly as a pinned session prints them, because the pinned
 * settings travel in the replication connection's startup packet.
 */
@ExtendWith(PostgresExtension.class)
class DecodersIT {

	private static final String SCHEMA = """
			CREATE TABLE fidelity (id bigint PRIMARY KEY, n numeric, f float8, f2 float8, b bytea, a int[],
			    ta text[], j json, jb jsonb, ts timestamp, tz timestamptz, iv interval, d date, tx text,
			    big text, bo boolean);
			CREATE TABLE full_t (a int, b text, c text);
			ALTER TABLE full_t REPLICA IDENTITY FULL;
			CREATE PUBLICATION decoders_pub FOR TABLE fidelity, full_t;
			""";

	private static final List<String> COLUMNS = List.of("id", "n", "f", "f2", "b", "a", "ta", "j", "jb", "ts", "tz",
			"iv", "d", "tx", "big", "bo");

	private static final String[] CHANGES = {
			"""
					INSERT INTO fidelity VALUES (1000070, 12345678901234567890.123, 0.1::float8 + 0.2, -0, '\\x00ff27'::bytea,
					    '{1,NULL,3}', '{"a b","c\\"d",NULL,"NULL"}', '{"k": "v \\"q\\""}', '{"k": [1, 2.50]}',
					    '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05+05:30', '1 year 2 mons -3 days 04:05:06.5',
					    '2026-12-31', E'it''s\\nmulti\\tline', (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 700) g),
					    true);
					INSERT INTO full_t VALUES (1, 'x', 'y');
					""",
			"UPDATE fidelity SET f2 = 1e300 WHERE id = 1000070", "UPDATE fidelity SET id = 2 WHERE id = 1000070",
			"DELETE FROM full_t" };

	private PgServer server;

	private String db;

	private PgEndpoint endpoint;

	private final List<String> slots = new ArrayList<>();

	@BeforeEach
	void createHostileDatabase(PgServers servers) {
		this.server = servers.source();
		this.db = "decoders_" + UUID.randomUUID().toString().substring(0, 8);
		this.server.createDatabase(this.db);
		this.server.execute(this.db, SCHEMA);
		String quoted = "\"" + this.db + "\"";
		this.server.execute("postgres",
				"ALTER DATABASE " + quoted + " SET extra_float_digits = 0; ALTER DATABASE " + quoted
						+ " SET DateStyle = 'SQL, DMY'; ALTER DATABASE " + quoted
						+ " SET IntervalStyle = sql_standard; ALTER DATABASE " + quoted
						+ " SET TimeZone = 'Asia/Kolkata'; ALTER DATABASE " + quoted + " SET bytea_output = escape;"
						+ " ALTER DATABASE " + quoted + " SET idle_in_transaction_session_timeout = '1s'");
		this.endpoint = new PgEndpoint(Side.SOURCE,
				ConnectionString.parse(this.server.uri(this.db), Side.SOURCE.option()));
	}

	@AfterEach
	void dropSlotsAndDatabase() {
		for (String slot : this.slots) {
			this.server.execute("postgres",
					"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL"
							+ " AND slot_name = '" + slot + "'");
			this.server.execute("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
					+ " WHERE slot_name = '" + slot + "' AND NOT active");
		}
		this.server.dropDatabase(this.db);
	}

	@Test
	void pgoutputValuesRoundTripUnderHostileSettings(@TempDir Path spill) throws Exception {
		roundTrip(Plugin.PGOUTPUT, new PgOutputDecoder(2, List.of("decoders_pub"), spill));
	}

	@Test
	void testDecodingValuesRoundTripUnderHostileSettings() throws Exception {
		roundTrip(Plugin.TEST_DECODING, new TestDecodingDecoder());
	}

	@Test
	void wal2jsonValuesRoundTripUnderHostileSettings() throws Exception {
		roundTrip(Plugin.WAL2JSON, new Wal2JsonDecoder(false));
	}

	@Test
	void theExportedSnapshotOutlivesTheDatabasesIdleTimeout() throws Exception {
		String slot = slot("snapshot");
		try (Connection replication = this.endpoint.replicationConnection("decoders it")) {
			ReplicationSlotInfo info = replication.unwrap(PGConnection.class)
				.getReplicationAPI()
				.createReplicationSlot()
				.logical()
				.withSlotName(slot)
				.withOutputPlugin("pgoutput")
				.make();
			// the database's idle_in_transaction_session_timeout is 1 s: the pinned 0
			// must win
			Thread.sleep(3000);
			try (Connection reader = this.server.connect(this.db); Statement statement = reader.createStatement()) {
				reader.setAutoCommit(false);
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				statement.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName() + "'");
				try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM fidelity")) {
					rows.next();
					assertThat(rows.getLong(1)).isZero();
				}
				reader.rollback();
			}
		}
	}

	private void roundTrip(Plugin plugin, ChangeDecoder decoder) throws Exception {
		String slot = slot(plugin.pluginName());
		List<ChangeEvent> events = new ArrayList<>();
		Map<String, String> expected;
		try (Connection replication = this.endpoint.replicationConnection("decoders it")) {
			PGConnection pg = replication.unwrap(PGConnection.class);
			ReplicationSlotInfo info = pg.getReplicationAPI()
				.createReplicationSlot()
				.logical()
				.withSlotName(slot)
				.withOutputPlugin(plugin.pluginName())
				.make();
			this.server.execute(this.db, CHANGES[0]);
			expected = pinnedTexts();
			for (int i = 1; i < CHANGES.length; i++) {
				this.server.execute(this.db, CHANGES[i]);
			}
			ChainedLogicalStreamBuilder builder = pg.getReplicationAPI()
				.replicationStream()
				.logical()
				.withSlotName(slot)
				.withStartPosition(LogSequenceNumber.valueOf(info.getConsistentPoint().asLong()))
				.withStatusInterval(1, TimeUnit.SECONDS);
			decoder.slotOptions().forEach(builder::withSlotOption);
			try (PGReplicationStream stream = builder.start()) {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (commits(events).size() < CHANGES.length && System.nanoTime() < deadline) {
					ByteBuffer message = stream.readPending();
					if (message == null) {
						Thread.sleep(10);
						continue;
					}
					decoder.decode(new Lsn(stream.getLastReceiveLSN().asLong()), message, events::add);
				}
				assertThat(commits(events)).as("commits decoded from %s", plugin).hasSize(CHANGES.length);
				Lsn last = commits(events).get(CHANGES.length - 1).endLsn();
				stream.setFlushedLSN(LogSequenceNumber.valueOf(last.value()));
				stream.setAppliedLSN(LogSequenceNumber.valueOf(last.value()));
				stream.forceUpdateStatus();
			}
		}
		assertValues(plugin, events, expected);
		assertNothingIsSentAgain(slot, commits(events).get(CHANGES.length - 1).endLsn());
	}

	private void assertValues(Plugin plugin, List<ChangeEvent> events, Map<String, String> expected) {
		ChangeEvent.Insert insert = Fixtures.only(events, ChangeEvent.Insert.class).get(0);
		RelationShape shape = shape(events, insert.relationId());
		for (String column : COLUMNS) {
			String decoded = Fixtures.text(shape, insert.newRow(), column);
			if (column.equals("bo")) {
				assertThat(decoded).as("%s bo", plugin).isIn("t", "true");
			}
			else {
				assertThat(decoded).as("%s column %s", plugin, column).isEqualTo(expected.get(column));
			}
		}
		List<ChangeEvent.Update> updates = Fixtures.only(events, ChangeEvent.Update.class);
		RelationShape updated = shape(events, updates.get(0).relationId());
		assertThat(Fixtures.value(updated, updates.get(0).newRow(), "big")).as("%s unchanged TOAST", plugin)
			.isEqualTo(Value.UNCHANGED);
		assertThat(Fixtures.text(updated, updates.get(0).newRow(), "f2")).isEqualTo("1e+300");
		ChangeEvent.Update keyChange = updates.get(1);
		assertThat(Fixtures.text(updated, keyChange.oldRow(), "id")).as("%s old key", plugin).isEqualTo("1000070");
		assertThat(Fixtures.text(updated, keyChange.newRow(), "id")).isEqualTo("2");
		ChangeEvent.Delete delete = Fixtures.only(events, ChangeEvent.Delete.class).get(0);
		assertThat(delete.oldIsFullRow()).as("%s full old row", plugin).isTrue();
		assertThat(delete.oldRow()).containsExactly(Value.text("1"), Value.text("x"), Value.text("y"));
	}

	/**
	 * After the last commit's end LSN is confirmed, the slot has nothing left to send.
	 */
	private void assertNothingIsSentAgain(String slot, Lsn endLsn) throws SQLException, InterruptedException {
		try (Connection connection = this.server.connect(this.db); Statement statement = connection.createStatement()) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			String confirmed = null;
			while (System.nanoTime() < deadline) {
				try (ResultSet rows = statement.executeQuery("SELECT confirmed_flush_lsn, active FROM"
						+ " pg_replication_slots WHERE slot_name = '" + slot + "'")) {
					rows.next();
					confirmed = rows.getString(1);
					if (!rows.getBoolean(2) && endLsn.equals(Lsn.ofNullable(confirmed))) {
						break;
					}
				}
				Thread.sleep(50);
			}
			assertThat(Lsn.ofNullable(confirmed)).isEqualTo(endLsn);
			try (ResultSet rows = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
				rows.next();
				assertThat(Lsn.ofNullable(rows.getString(1)).isBefore(endLsn)).isFalse();
			}
		}
	}

	private Map<String, String> pinnedTexts() throws SQLException {
		Map<String, String> texts = new LinkedHashMap<>();
		try (Connection connection = this.endpoint.connect("decoders it");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT " + String.join(", ", COLUMNS.stream().map((column) -> column + "::text").toList())
								+ " FROM public.fidelity")) {
			rows.next();
			for (int i = 0; i < COLUMNS.size(); i++) {
				texts.put(COLUMNS.get(i), rows.getString(i + 1));
			}
		}
		return texts;
	}

	private String slot(String plugin) {
		String slot = "decoders_" + plugin + "_" + this.db.substring(this.db.length() - 8);
		this.slots.add(slot);
		return slot;
	}

	private static List<ChangeEvent.Commit> commits(List<ChangeEvent> events) {
		return Fixtures.only(events, ChangeEvent.Commit.class);
	}

	private static RelationShape shape(List<ChangeEvent> events, long id) {
		return Fixtures.only(events, ChangeEvent.Relation.class)
			.stream()
			.map(ChangeEvent.Relation::shape)
			.filter((shape) -> shape.id() == id)
			.reduce((first, last) -> last)
			.orElseThrow();
	}

}

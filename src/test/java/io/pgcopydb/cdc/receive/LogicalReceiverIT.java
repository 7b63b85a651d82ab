package io.pgcopydb.cdc.receive;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.postgresql.PGConnection;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeDecoder;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.cdc.store.ChangeWriter;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver on a real slot (test_decoding, read by a minimal decoder here until the
 * real decoders and store are merged; an in-memory store keeps only what was synced):
 * transactions arrive once, the slot is confirmed only as far as the store is durable, an
 * idle source's slot advances on keepalives, a terminated walsender is survived.
 */
@ExtendWith(PostgresExtension.class)
class LogicalReceiverIT {

	private static final String DB = "logical_receiver_it";

	private static final String SLOT = "pgcopydb_receiver_it";

	private PgServers servers;

	private PgEndpoint source;

	private final MemoryStore store = new MemoryStore();

	private final AtomicReference<Lsn> endpos = new AtomicReference<>(Lsn.INVALID);

	@BeforeEach
	void prepare(PgServers servers) throws SQLException {
		this.servers = servers;
		servers.source().dropDatabase(DB);
		servers.source().createDatabase(DB);
		servers.source().execute(DB, "CREATE TABLE t (id int PRIMARY KEY)");
		this.source = new PgEndpoint(Side.SOURCE, ConnectionString.parse(servers.source().uri(DB), "--source"));
		try (Connection replication = this.source.replicationConnection("test")) {
			replication.unwrap(PGConnection.class)
				.getReplicationAPI()
				.createReplicationSlot()
				.logical()
				.withSlotName(SLOT)
				.withOutputPlugin("test_decoding")
				.make();
		}
	}

	@AfterEach
	void drop() {
		this.servers.source().dropDatabase(DB);
	}

	@Test
	void receivesEveryTransactionOnceAndConfirmsOnlyWhatIsDurable() throws Exception {
		insert(1, 50);
		this.endpos.set(currentLsn());

		assertThat(receiver().run(Lsn.INVALID)).isEqualTo(LogicalReceiver.Outcome.ENDPOS_REACHED);

		assertThat(this.store.rows()).containsExactlyElementsOf(range(1, 50));
		assertThat(confirmedFlush()).isGreaterThanOrEqualTo(this.store.lastCommitEnd());
	}

	@Test
	void anIdleSourceSlotAdvancesOnKeepalives() throws Exception {
		Lsn before = confirmedFlush();
		// WAL written elsewhere holds no change for this slot
		this.servers.source()
			.execute("postgres", "CREATE TABLE IF NOT EXISTS receiver_it_noise (v int);"
					+ "INSERT INTO receiver_it_noise SELECT generate_series(1, 1000); DROP TABLE receiver_it_noise");
		this.endpos.set(currentLsn());

		assertThat(receiver().run(Lsn.INVALID)).isEqualTo(LogicalReceiver.Outcome.ENDPOS_REACHED);

		assertThat(this.store.rows()).isEmpty();
		assertThat(confirmedFlush()).isGreaterThanOrEqualTo(this.endpos.get()).isGreaterThan(before);
	}

	@Test
	void aTerminatedWalsenderIsReconnectedWithNothingLostOrDoubled() throws Exception {
		LogicalReceiver receiver = receiver();
		CompletableFuture<LogicalReceiver.Outcome> run = CompletableFuture.supplyAsync(() -> {
			try {
				return receiver.run(Lsn.INVALID);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		insert(1, 30);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (this.store.rows().size() < 30 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		this.servers.source()
			.execute("postgres", "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
					+ " WHERE slot_name = '" + SLOT + "'");
		insert(31, 60);
		this.endpos.set(currentLsn());

		assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(LogicalReceiver.Outcome.ENDPOS_REACHED);
		assertThat(this.store.rows()).containsExactlyElementsOf(range(1, 60));
	}

	private LogicalReceiver receiver() {
		LogicalReceiver.Control control = new LogicalReceiver.Control(this.endpos::get, () -> Lsn.INVALID, () -> false,
				(write, flush) -> {
				}, () -> {
				});
		LogicalReceiver.Options options = new LogicalReceiver.Options(Duration.ofSeconds(1), Duration.ofMillis(100),
				1 << 20, 5, Duration.ofMinutes(1), Duration.ofSeconds(10));
		return new LogicalReceiver(this.source, SLOT, TestDecodingLines::new, this.store::writer, control, options);
	}

	private void insert(int from, int to) {
		for (int id = from; id <= to; id++) {
			this.servers.source().execute(DB, "INSERT INTO t VALUES (" + id + ")");
		}
	}

	private Lsn currentLsn() {
		return Lsn.parse(
				StreamSetupIT.strings(this.servers.source(), DB, "SELECT pg_current_wal_insert_lsn()::text").get(0),
				"test");
	}

	private Lsn confirmedFlush() {
		return Lsn.parse(
				StreamSetupIT
					.strings(this.servers.source(), DB,
							"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + SLOT
									+ "'")
					.get(0),
				"test");
	}

	private static List<String> range(int from, int to) {
		List<String> rows = new ArrayList<>();
		for (int id = from; id <= to; id++) {
			rows.add("table public.t: INSERT: id[integer]:" + id);
		}
		return rows;
	}

	/** test_decoding's lines as events: enough for the receiver's bookkeeping. */
	static final class TestDecodingLines implements ChangeDecoder {

		@Override
		public void decode(Lsn messageLsn, ByteBuffer payload, Consumer<ChangeEvent> out) {
			String line = StandardCharsets.UTF_8.decode(payload).toString();
			if (line.startsWith("BEGIN")) {
				out.accept(new ChangeEvent.Begin(Long.parseLong(line.substring(6).trim()), Lsn.INVALID, null));
			}
			else if (line.startsWith("COMMIT")) {
				out.accept(new ChangeEvent.Commit(messageLsn, messageLsn, null));
			}
			else {
				out.accept(new ChangeEvent.Insert(1, List.of(Value.text(line))));
			}
		}

		@Override
		public Map<String, String> slotOptions() {
			return Map.of("include-xids", "true");
		}

	}

	/**
	 * Keeps the rows of complete, synced transactions; a new writer drops what the
	 * previous one left unsynced, as the change store's contract says.
	 */
	static final class MemoryStore {

		private final List<String> durableRows = new ArrayList<>();

		private volatile Lsn lastCommitEnd = Lsn.INVALID;

		synchronized List<String> rows() {
			return List.copyOf(this.durableRows);
		}

		Lsn lastCommitEnd() {
			return this.lastCommitEnd;
		}

		ChangeWriter writer() {
			return new ChangeWriter() {

				private final List<String> open = new ArrayList<>();

				private final List<String> complete = new ArrayList<>();

				private Lsn completeEnd = Lsn.INVALID;

				private boolean inTransaction;

				@Override
				public void write(ChangeEvent event) {
					if (event instanceof ChangeEvent.Begin) {
						this.inTransaction = true;
						this.open.clear();
					}
					else if (event instanceof ChangeEvent.Insert insert) {
						this.open.add(insert.newRow().get(0).text());
					}
					else if (event instanceof ChangeEvent.Commit commit) {
						this.inTransaction = false;
						this.complete.addAll(this.open);
						this.open.clear();
						this.completeEnd = commit.endLsn();
					}
				}

				@Override
				public Lsn sync() {
					synchronized (MemoryStore.this) {
						MemoryStore.this.durableRows.addAll(this.complete);
						this.complete.clear();
						if (this.completeEnd.isValid()) {
							MemoryStore.this.lastCommitEnd = this.completeEnd;
						}
					}
					return MemoryStore.this.lastCommitEnd;
				}

				@Override
				public boolean inTransaction() {
					return this.inTransaction;
				}

				@Override
				public void close() {
				}

			};
		}

	}

}

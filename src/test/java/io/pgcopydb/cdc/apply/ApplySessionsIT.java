package io.pgcopydb.cdc.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.cdc.receive.ReplicationOrigins;
import io.pgcopydb.cdc.store.ChangeReader;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.cdc.store.ChangeWriter;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Apply with several sessions ({@code --apply-jobs}): a random workload of key changes,
 * unique values moved and swapped between rows, hot rows, a keyless table and a TRUNCATE
 * ends on the target exactly as its model says, with every session used; a crash leaves
 * the sessions' origins at different positions and the next run applies each transaction
 * once (a keyless table would show a transaction applied twice).
 */
@ExtendWith(PostgresExtension.class)
class ApplySessionsIT {

	private static final int SESSIONS = 3;

	private PgServers servers;

	private String db;

	private String origin;

	private PgEndpoint target;

	@TempDir
	Path dir;

	@BeforeEach
	void createDatabaseAndOrigin(PgServers servers) {
		this.servers = servers;
		String unique = UUID.randomUUID().toString().substring(0, 8);
		this.db = "sessions_" + unique;
		this.origin = "pgcopydb_sessions_it_" + unique;
		servers.target().createDatabase(this.db);
		servers.target()
			.execute(this.db,
					"CREATE TABLE public.accounts (id int PRIMARY KEY, bal int);"
							+ "CREATE TABLE public.uniq (id int PRIMARY KEY, u text UNIQUE);"
							+ "CREATE TABLE public.log (n int);" + "SELECT pg_replication_origin_create('" + this.origin
							+ "')");
		this.target = new PgEndpoint(Side.TARGET,
				ConnectionString.parse(servers.target().uri(this.db), Side.TARGET.option()));
	}

	@AfterEach
	void dropDatabaseAndOrigins() {
		try {
			this.servers.target().dropOrigins(this.origin + "%");
		}
		finally {
			this.servers.target().dropDatabase(this.db);
		}
	}

	@Test
	void aRandomWorkloadEndsAsOnTheSourceWithEverySessionUsed() throws Exception {
		Workload workload = new Workload(42, 3000);
		ChangeStore store = workload.write(this.dir.resolve("cdc"));
		ApplyOptions options = new ApplyOptions(40, 1 << 20, Duration.ofMinutes(1), 1 << 20, true, SESSIONS);

		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options, store.dir())) {
			assertThat(applier.apply(store::reader, workload.control())).isTrue();
			assertThat(applier.originPosition()).isEqualTo(workload.last);
		}

		workload.assertTarget();
		try (SessionLog log = SessionLog.open(store.dir(), SESSIONS)) {
			assertThat(new HashSet<>(log.assignments().values())).containsExactlyInAnyOrder(0, 1, 2);
		}
		// at endpos every session's origin is at endpos
		assertThat(originPositions()).containsOnly(workload.last.asString()).hasSize(SESSIONS);
	}

	@Test
	void aCrashLeavesSessionsApartAndTheNextRunAppliesEachTransactionOnce() throws Exception {
		// the TRUNCATE comes before the failure: a keyless row applied twice would stay
		Workload workload = new Workload(7, 2000, 100);
		ChangeStore store = workload.write(this.dir.resolve("cdc"));
		ApplyOptions options = new ApplyOptions(25, 1 << 20, Duration.ofMinutes(1), 1 << 20, true, SESSIONS);

		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options, store.dir())) {
			assertThatThrownBy(() -> applier.apply(failingAfter(store::reader, 5000), workload.control()))
				.hasMessageContaining("reader failed");
		}
		List<String> positions = originPositions();
		assertThat(positions).hasSize(SESSIONS);
		assertThat(new HashSet<>(positions)).as("sessions committed up to different transactions")
			.hasSizeGreaterThan(1);

		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options, store.dir())) {
			assertThat(applier.apply(store::reader, workload.control())).isTrue();
		}
		workload.assertTarget();
	}

	@Test
	void sessionsTerminatedOnTheTargetAreOpenedAgainAndEachTransactionAppliedOnce() throws Exception {
		Workload workload = new Workload(11, 1500, 50);
		ChangeStore store = workload.write(this.dir.resolve("cdc"));
		ApplyOptions options = new ApplyOptions(20, 1 << 20, Duration.ofMinutes(1), 1 << 20, true, SESSIONS);
		int[] opened = { 0 };
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options, store.dir())) {
			assertThat(applier.apply((after) -> {
				opened[0]++;
				return (opened[0] == 1) ? terminatingAfter(store.reader(after), 4000) : store.reader(after);
			}, workload.control())).isTrue();
		}
		assertThat(opened[0]).isGreaterThanOrEqualTo(2);
		workload.assertTarget();
	}

	@Test
	void partitionsUniqueIndexesAndTriggersThatFireDuringApplyAreSeen() throws Exception {
		this.servers.target()
			.execute(this.db,
					"CREATE TABLE public.parted (id int, code text, PRIMARY KEY (id)) PARTITION BY RANGE (id);"
							+ "CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (100);"
							+ "CREATE UNIQUE INDEX ON public.parted_1 (code);"
							+ "CREATE FUNCTION public.audit() RETURNS trigger LANGUAGE plpgsql AS"
							+ " 'BEGIN INSERT INTO public.log VALUES (1); RETURN NEW; END';"
							+ "CREATE TRIGGER audit AFTER INSERT ON public.accounts FOR EACH ROW EXECUTE FUNCTION public.audit();"
							+ "CREATE TRIGGER audit AFTER INSERT ON public.uniq FOR EACH ROW EXECUTE FUNCTION public.audit();"
							+ "ALTER TABLE public.accounts ENABLE ALWAYS TRIGGER audit");
		try (Connection connection = this.target.connect("test")) {
			TargetTables tables = new TargetTables(connection);
			TargetTable parted = tables.resolve(
					new RelationShape(1, "public", "parted", 'd', List.of(key("id"), col("code"))),
					ShapeHistory.Change.NONE);
			assertThat(parted.uniqueKeys()).contains(List.of("id"), List.of("code"));
			assertThat(parted.replicaTriggers()).isFalse();
			TargetTable accounts = tables.resolve(
					new RelationShape(2, "public", "accounts", 'd', List.of(key("id"), col("bal"))),
					ShapeHistory.Change.NONE);
			assertThat(accounts.replicaTriggers()).isTrue();
			// a trigger left to fire only on the origin does not fire during apply
			TargetTable uniq = tables.resolve(new RelationShape(3, "public", "uniq", 'd', List.of(key("id"), col("u"))),
					ShapeHistory.Change.NONE);
			assertThat(uniq.replicaTriggers()).isFalse();
		}
	}

	@Test
	void aResumeWithAnotherCountIsRefusedAndCleanupDropsEverySessionOrigin() throws Exception {
		Workload workload = new Workload(3, 200);
		ChangeStore store = workload.write(this.dir.resolve("cdc"));
		ApplyOptions options = new ApplyOptions(10, 1 << 20, Duration.ofMinutes(1), 1 << 20, true, SESSIONS);
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options, store.dir())) {
			assertThat(applier.apply(store::reader, workload.control())).isTrue();
		}

		for (int count : new int[] { 1, 2 }) {
			try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, options.withSessions(count),
					store.dir())) {
				assertThatThrownBy(() -> applier.apply(store::reader, workload.control()))
					.isInstanceOf(BadStateException.class)
					.hasMessageContaining("--apply-jobs " + SESSIONS);
			}
		}

		try (Connection connection = this.target.connect("test")) {
			assertThat(ReplicationOrigins.sessionOrigins(connection, this.origin)).hasSize(SESSIONS - 1);
			assertThat(ReplicationOrigins.drop(connection, this.origin)).isTrue();
			assertThat(ReplicationOrigins.sessionOrigins(connection, this.origin)).isEmpty();
		}
		assertThat(originPositions()).isEmpty();
	}

	/** The remote position of the origin and of each session origin. */
	private List<String> originPositions() throws SQLException {
		List<String> positions = new ArrayList<>();
		try (Connection connection = this.target.connect("test");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_replication_origin_progress(roname, true)::text"
						+ " FROM pg_replication_origin WHERE roname LIKE '" + this.origin + "%' ORDER BY roname")) {
			while (rs.next()) {
				positions.add(rs.getString(1));
			}
		}
		return positions;
	}

	/**
	 * {@code reader}, which terminates the apply sessions on the target after
	 * {@code events}.
	 */
	private ChangeReader terminatingAfter(ChangeReader reader, int events) {
		return interrupted(reader, events,
				() -> ApplySessionsIT.this.servers.target()
					.execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
							+ ApplySessionsIT.this.db + "' AND application_name LIKE '%apply'"));
	}

	/**
	 * Readers that fail after {@code events}, as a crash of the process would end apply.
	 */
	private static Function<Lsn, ChangeReader> failingAfter(Function<Lsn, ChangeReader> readers, int events) {
		return (after) -> interrupted(readers.apply(after), events, () -> {
			throw new IllegalStateException("reader failed");
		});
	}

	/**
	 * {@code reader}, which runs {@code interruption} before its event {@code events}.
	 */
	private static ChangeReader interrupted(ChangeReader reader, int events, Runnable interruption) {
		return new ChangeReader() {

			private int read;

			@Override
			public ChangeEvent next(Duration wait) throws InterruptedException {
				if (this.read++ == events) {
					interruption.run();
				}
				return reader.next(wait);
			}

			@Override
			public Lsn transactionEnd() {
				return reader.transactionEnd();
			}

			@Override
			public void close() {
				reader.close();
			}

		};
	}

	/**
	 * Random source transactions and the tables they leave: accounts (hot rows, key
	 * changes, deletes), uniq (REPLICA IDENTITY FULL; unique values moved and swapped
	 * between rows), log (no key, inserts; one TRUNCATE).
	 */
	private final class Workload {

		private final Map<Integer, Integer> accounts = new TreeMap<>();

		private final Map<Integer, String> uniq = new TreeMap<>();

		private final List<Integer> log = new ArrayList<>();

		private final List<List<ChangeEvent>> transactions = new ArrayList<>();

		private final Random random;

		private int nextLog = 1;

		private Lsn last;

		Workload(long seed, int count) {
			this(seed, count, count / 2);
		}

		/**
		 * @param truncateAt the transaction that truncates log
		 */
		Workload(long seed, int count, int truncateAt) {
			this.random = new Random(seed);
			for (int id = 1; id <= 20; id++) {
				this.uniq.put(id, "u" + id);
			}
			List<ChangeEvent> first = new ArrayList<>();
			this.uniq.forEach((id, u) -> first.add(new ChangeEvent.Insert(2, row(Integer.toString(id), u))));
			this.transactions.add(first);
			for (int t = 1; t < count; t++) {
				List<ChangeEvent> changes = new ArrayList<>();
				int ops = 1 + this.random.nextInt(3);
				for (int o = 0; o < ops; o++) {
					change(changes, t == truncateAt);
				}
				this.transactions.add(changes);
			}
		}

		private void change(List<ChangeEvent> changes, boolean truncate) {
			if (truncate) {
				changes.add(new ChangeEvent.Truncate(List.of(3L), false, false));
				this.log.clear();
				return;
			}
			int pick = this.random.nextInt(100);
			if (pick < 30) {
				// a hot row most of the time, or any of 200
				int id = (this.random.nextInt(4) == 0) ? 1 + this.random.nextInt(200) : 1 + this.random.nextInt(3);
				int bal = this.random.nextInt(1000);
				if (this.accounts.containsKey(id)) {
					changes
						.add(new ChangeEvent.Update(1, null, false, row(Integer.toString(id), Integer.toString(bal))));
				}
				else {
					changes.add(new ChangeEvent.Insert(1, row(Integer.toString(id), Integer.toString(bal))));
				}
				this.accounts.put(id, bal);
			}
			else if (pick < 40 && !this.accounts.isEmpty()) {
				// a key change, or a delete
				Integer id = new ArrayList<>(this.accounts.keySet()).get(this.random.nextInt(this.accounts.size()));
				int moved = 1000 + this.random.nextInt(1000);
				if (this.random.nextBoolean() && !this.accounts.containsKey(moved)) {
					int bal = this.accounts.remove(id);
					changes.add(new ChangeEvent.Update(1, row(Integer.toString(id), null), false,
							row(Integer.toString(moved), Integer.toString(bal))));
					this.accounts.put(moved, bal);
				}
				else {
					changes.add(new ChangeEvent.Delete(1, row(Integer.toString(id), null), false));
					this.accounts.remove(id);
				}
			}
			else if (pick < 55) {
				// swap the unique values of two rows, through a value of neither
				List<Integer> ids = new ArrayList<>(this.uniq.keySet());
				int a = ids.get(this.random.nextInt(ids.size()));
				int b = ids.get(this.random.nextInt(ids.size()));
				if (a == b) {
					return;
				}
				String ua = this.uniq.get(a);
				String ub = this.uniq.get(b);
				String parked = "parked" + this.nextLog++;
				update(changes, a, ua, parked);
				update(changes, b, ub, ua);
				update(changes, a, parked, ub);
			}
			else if (pick < 65) {
				// move a unique value to a new row: delete here, insert there
				List<Integer> ids = new ArrayList<>(this.uniq.keySet());
				int a = ids.get(this.random.nextInt(ids.size()));
				String value = this.uniq.remove(a);
				changes.add(new ChangeEvent.Delete(2, row(Integer.toString(a), value), true));
				int b = 100 + this.nextLog++;
				changes.add(new ChangeEvent.Insert(2, row(Integer.toString(b), value)));
				this.uniq.put(b, value);
			}
			else {
				int n = this.nextLog++;
				changes.add(new ChangeEvent.Insert(3, row(Integer.toString(n))));
				this.log.add(n);
			}
		}

		private void update(List<ChangeEvent> changes, int id, String from, String to) {
			changes
				.add(new ChangeEvent.Update(2, row(Integer.toString(id), from), true, row(Integer.toString(id), to)));
			this.uniq.put(id, to);
		}

		ChangeStore write(Path dir) {
			ChangeStore store = ChangeStore.open(dir);
			Instant time = Instant.parse("2026-01-01T00:00:00Z");
			long next = 0x1000000;
			try (ChangeWriter writer = store.writer()) {
				for (int t = 0; t < this.transactions.size(); t++) {
					Lsn commitLsn = new Lsn(next + 0x800);
					Lsn end = new Lsn(next + 0x830);
					writer.write(new ChangeEvent.Begin(1000 + t, commitLsn, time.plusMillis(t)));
					writer.write(new ChangeEvent.Relation(
							new RelationShape(1, "public", "accounts", 'd', List.of(key("id"), col("bal")))));
					writer.write(new ChangeEvent.Relation(
							new RelationShape(2, "public", "uniq", 'f', List.of(key("id"), key("u")))));
					writer
						.write(new ChangeEvent.Relation(new RelationShape(3, "public", "log", 'f', List.of(key("n")))));
					this.transactions.get(t).forEach(writer::write);
					writer.write(new ChangeEvent.Commit(commitLsn, end, time.plusMillis(t)));
					this.last = end;
					next += 0x1000;
				}
				writer.sync();
			}
			return store;
		}

		ChangeApplierIT.Control control() {
			return new ChangeApplierIT.Control(this.last, this.last);
		}

		void assertTarget() throws SQLException {
			List<List<String>> accounts = new ArrayList<>();
			this.accounts.forEach((id, bal) -> accounts.add(List.of(id.toString(), bal.toString())));
			assertThat(texts("SELECT id, bal FROM public.accounts ORDER BY id")).isEqualTo(accounts);
			List<List<String>> uniq = new ArrayList<>();
			this.uniq.forEach((id, u) -> uniq.add(List.of(id.toString(), u)));
			assertThat(texts("SELECT id, u FROM public.uniq ORDER BY id")).isEqualTo(uniq);
			List<List<String>> log = new ArrayList<>();
			this.log.stream().sorted().forEach((n) -> log.add(List.of(n.toString())));
			assertThat(texts("SELECT n FROM public.log ORDER BY n")).isEqualTo(log);
		}

	}

	private List<List<String>> texts(String sql) throws SQLException {
		return ChangeApplierIT.texts(this.target, sql);
	}

	private static List<Value> row(String... texts) {
		return Arrays.stream(texts).map((text) -> (text != null) ? Value.text(text) : Value.NULL).toList();
	}

	private static RelationShape.Column key(String name) {
		return ChangeApplierIT.key(name);
	}

	private static RelationShape.Column col(String name) {
		return ChangeApplierIT.col(name);
	}

}

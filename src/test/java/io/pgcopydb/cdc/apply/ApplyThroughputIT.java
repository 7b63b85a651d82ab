package io.pgcopydb.cdc.apply;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.cdc.store.ChangeReader;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.cdc.store.ChangeWriter;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An informal measure, not a timed test: a backlog of pgbench-like transactions (three
 * updates and an insert each) through an in-memory reader into the target; prints the
 * rate and checks the result is the one the transactions make. Runs only when asked:
 * {@code -Dapply.transactions=N}. With {@code -Dapply.store=true} the transactions go
 * through the change store first (written to change files, untimed, then read back by its
 * reader while they are applied), the path of the streaming job;
 * {@code -Dapply.sessions=N} applies them with N sessions, and
 * {@code -Dapply.workload=simple} makes them simple-update transactions (no hot row: what
 * several sessions can spread).
 */
@ExtendWith(PostgresExtension.class)
class ApplyThroughputIT {

	private static final int TRANSACTIONS = Integer.getInteger("apply.transactions", 0);

	/**
	 * Transactions applied first and not timed: a follow process applies its backlog with
	 * compiled code, not while the JIT compiler still takes a core.
	 */
	private static final int WARMUP = Integer.getInteger("apply.warmup", 20_000);

	/**
	 * Whether apply reads the transactions from change files, as the streaming job does.
	 */
	private static final boolean STORE = Boolean.getBoolean("apply.store");

	/** Apply sessions ({@code --apply-jobs}); more than one reads from change files. */
	private static final int SESSIONS = Integer.getInteger("apply.sessions", 1);

	/**
	 * {@code simple}: pgbench's simple-update (an account updated, a history row
	 * inserted: no hot row); else tpcb-like (a branch of 20 and a teller of 200 too).
	 */
	private static final boolean SIMPLE = "simple".equals(System.getProperty("apply.workload"));

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	@TempDir
	Path dir;

	@Test
	void aPgbenchLikeBacklogIsAppliedAndTheRateReported(PgServers servers) throws Exception {
		assumeTrue(TRANSACTIONS > 0,
				"a benchmark, not part of the suite: run it with -Dapply.transactions=N (see jobs/README.md)");
		assumeTrue(SESSIONS == 1 || STORE, "several sessions read from change files: add -Dapply.store=true");
		String unique = UUID.randomUUID().toString().substring(0, 8);
		String db = "apply_rate_" + unique;
		String origin = "pgcopydb_rate_it_" + unique;
		servers.target().createDatabase(db);
		try {
			servers.target()
				.execute(db, "CREATE TABLE branches (bid int PRIMARY KEY, bbalance int, filler char(88));"
						+ "CREATE TABLE tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));"
						+ "CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));"
						+ "CREATE TABLE history (tid int, bid int, aid int, delta int, mtime timestamp,"
						+ " filler char(22));" + "INSERT INTO branches SELECT g, 0 FROM generate_series(1, 20) g;"
						+ "INSERT INTO tellers SELECT g, (g - 1) / 10 + 1, 0 FROM generate_series(1, 200) g;"
						+ "INSERT INTO accounts SELECT g, (g - 1) / 100000 + 1, 0 FROM generate_series(1, 2000000) g;"
						+ "SELECT pg_replication_origin_create('" + origin + "')");
			// autovacuum's CPU would count as apply's in the server's figure
			servers.target()
				.execute(db,
						"ALTER TABLE branches SET (autovacuum_enabled = off);"
								+ "ALTER TABLE tellers SET (autovacuum_enabled = off);"
								+ "ALTER TABLE accounts SET (autovacuum_enabled = off);"
								+ "ALTER TABLE history SET (autovacuum_enabled = off)");
			servers.target().execute(db, "VACUUM ANALYZE");
			Backlog backlog = backlog();
			Lsn warm = backlog.warm();
			Lsn last = backlog.last();
			Function<Lsn, ChangeReader> readers = backlog.readers();
			long sum = backlog.sum();
			PgEndpoint target = new PgEndpoint(Side.TARGET,
					ConnectionString.parse(servers.target().uri(db), Side.TARGET.option()));
			double seconds;
			double client;
			double thread;
			double server;
			ApplyOptions options = ApplyOptions.DEFAULTS.withSessions(SESSIONS);
			try (ChangeApplier applier = new ChangeApplier(target, origin, options,
					(SESSIONS > 1) ? this.dir.resolve("changes") : null)) {
				if (warm != null) {
					assertThat(applier.apply(readers.apply(applier.originPosition()),
							new ChangeApplierIT.Control(warm, warm)))
						.isTrue();
				}
				double serverBefore = serverCpuSeconds(target);
				long clientBefore = clientCpuNanos();
				long threadBefore = THREADS.getCurrentThreadCpuTime();
				long start = System.nanoTime();
				assertThat(
						applier.apply(readers.apply(applier.originPosition()), new ChangeApplierIT.Control(last, last)))
					.isTrue();
				seconds = (System.nanoTime() - start) / 1e9;
				client = (clientCpuNanos() - clientBefore) / 1e9;
				thread = (THREADS.getCurrentThreadCpuTime() - threadBefore) / 1e9;
				server = serverCpuSeconds(target) - serverBefore;
			}
			// on a shared machine the wall-clock rate follows the load; CPU per
			// transaction does not
			System.out.printf(
					"apply%s, %d session(s), %s: %d pgbench-like transactions (after %d untimed) in %.2f s: %.0f tx/s; CPU %.1f us/tx in this JVM (%.1f in the"
							+ " applying thread, the rest GC and JIT), %.1f us/tx"
							+ " in the target server; load average %.1f%n",
					STORE ? " from change files" : "", SESSIONS, SIMPLE ? "simple-update" : "tpcb-like", TRANSACTIONS,
					WARMUP, seconds, TRANSACTIONS / seconds, client * 1e6 / TRANSACTIONS, thread * 1e6 / TRANSACTIONS,
					server * 1e6 / TRANSACTIONS, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
			try (var connection = target.connect("test");
					var rs = connection.createStatement()
						.executeQuery("SELECT count(*), sum(delta) FROM public.history")) {
				rs.next();
				assertThat(rs.getLong(1)).isEqualTo(WARMUP + TRANSACTIONS);
				assertThat(rs.getLong(2)).isEqualTo(sum);
			}
		}
		finally {
			servers.target()
				.execute("postgres", "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin"
						+ " WHERE roname LIKE '" + origin + "%'");
			servers.target().dropDatabase(db);
		}
	}

	/** The transactions to apply: the untimed ones, then the timed ones. */
	private Backlog backlog() throws InterruptedException {
		ChangeApplierIT.Stream stream = new ChangeApplierIT.Stream()
			.relation(shape(1, "branches", "bid", "bbalance", "filler"))
			.relation(shape(2, "tellers", "tid", "bid", "tbalance", "filler"))
			.relation(shape(3, "accounts", "aid", "bid", "abalance", "filler"))
			.relation(new RelationShape(4, "public", "history", 'f',
					List.of(col("tid"), col("bid"), col("aid"), col("delta"), col("mtime"), col("filler"))));
		SplittableRandom random = new SplittableRandom(42);
		long sum = 0;
		for (int i = 0; i < WARMUP + TRANSACTIONS; i++) {
			int aid = random.nextInt(2_000_000) + 1;
			int tid = random.nextInt(200) + 1;
			int bid = random.nextInt(20) + 1;
			int delta = random.nextInt(-5000, 5001);
			sum += delta;
			String d = Integer.toString(delta);
			stream.transaction((tx) -> {
				tx.add(new ChangeEvent.Update(3, null, false,
						List.of(v(aid), v((aid - 1) / 100000 + 1), Value.text(d), Value.NULL)));
				if (SIMPLE) {
					tx.add(new ChangeEvent.Insert(4, List.of(v(tid), v(bid), v(aid), Value.text(d),
							Value.text("2026-01-01 00:00:00.123456"), Value.NULL)));
					return;
				}
				tx.add(new ChangeEvent.Update(2, null, false,
						List.of(v(tid), v((tid - 1) / 10 + 1), Value.text(d), Value.NULL)));
				tx.add(new ChangeEvent.Update(1, null, false, List.of(v(bid), Value.text(d), Value.NULL)));
				tx.add(new ChangeEvent.Insert(4, List.of(v(tid), v(bid), v(aid), Value.text(d),
						Value.text("2026-01-01 00:00:00.123456"), Value.NULL)));
			});
		}
		// through the store, the events are not held in memory while they are applied
		Function<Lsn, ChangeReader> readers = STORE ? write(stream)::reader : (after) -> stream.reader(after, -1);
		return new Backlog(readers, (WARMUP > 0) ? stream.endOf(WARMUP) : null, stream.last(), sum);
	}

	/**
	 * @param warm the end of the untimed transactions, or null
	 * @param last the end of the last transaction
	 * @param sum the sum of the deltas the transactions insert
	 */
	private record Backlog(Function<Lsn, ChangeReader> readers, Lsn warm, Lsn last, long sum) {
	}

	/** The change store in {@link #dir} holding every transaction of {@code stream}. */
	private ChangeStore write(ChangeApplierIT.Stream stream) throws InterruptedException {
		ChangeStore store = ChangeStore.open(this.dir.resolve("changes"));
		try (ChangeWriter writer = store.writer(); ChangeReader events = stream.reader(Lsn.INVALID, -1)) {
			ChangeEvent event;
			while ((event = events.next(java.time.Duration.ZERO)) != null) {
				writer.write(event);
			}
			writer.sync();
		}
		return store;
	}

	/** This JVM's CPU time (the applier, its GC and JIT). */
	private static long clientCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * The target server's CPU time from /proc: the postmaster with its reaped children
	 * (the apply backend once it exits) and the children alive now.
	 */
	private static double serverCpuSeconds(PgEndpoint target) throws Exception {
		long postmaster;
		try (var connection = target.connect("test");
				var rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
			rs.next();
			postmaster = Long.parseLong(stat(rs.getLong(1))[1]);
		}
		String[] own = stat(postmaster);
		long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13])
				+ Long.parseLong(own[14]);
		try (var processes = Files.list(Path.of("/proc"))) {
			for (Path process : processes.filter((p) -> p.getFileName().toString().matches("\\d+")).toList()) {
				try {
					String[] fields = stat(Long.parseLong(process.getFileName().toString()));
					if (Long.parseLong(fields[1]) == postmaster) {
						ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
					}
				}
				catch (java.io.IOException gone) {
					// exited meanwhile: counted in the postmaster's reaped time
				}
			}
		}
		return ticks / 100.0;
	}

	/** /proc/pid/stat from the field after the command name (state, ppid, ...). */
	private static String[] stat(long pid) throws java.io.IOException {
		String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		return text.substring(text.lastIndexOf(')') + 2).split(" ");
	}

	private static Value v(int n) {
		return Value.text(Integer.toString(n));
	}

	private static RelationShape shape(long id, String name, String key, String... others) {
		List<RelationShape.Column> columns = new java.util.ArrayList<>();
		columns.add(new RelationShape.Column(key, 23, null, true));
		for (String other : others) {
			columns.add(col(other));
		}
		return new RelationShape(id, "public", name, 'd', columns);
	}

	private static RelationShape.Column col(String name) {
		return new RelationShape.Column(name, 0, null, false);
	}

}

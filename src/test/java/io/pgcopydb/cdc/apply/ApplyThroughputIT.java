package io.pgcopydb.cdc.apply;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An informal measure, not a timed test: a backlog of pgbench-like transactions (three
 * updates and an insert each) through an in-memory reader into the target; prints the
 * rate and checks the result is the one the transactions make.
 */
@ExtendWith(PostgresExtension.class)
class ApplyThroughputIT {

	private static final int TRANSACTIONS = Integer.getInteger("apply.transactions", 20_000);

	@Test
	void aPgbenchLikeBacklogIsAppliedAndTheRateReported(PgServers servers) throws Exception {
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
			servers.target().execute(db, "VACUUM ANALYZE");
			ChangeApplierIT.Stream stream = new ChangeApplierIT.Stream()
				.relation(shape(1, "branches", "bid", "bbalance", "filler"))
				.relation(shape(2, "tellers", "tid", "bid", "tbalance", "filler"))
				.relation(shape(3, "accounts", "aid", "bid", "abalance", "filler"))
				.relation(new RelationShape(4, "public", "history", 'f',
						List.of(col("tid"), col("bid"), col("aid"), col("delta"), col("mtime"), col("filler"))));
			SplittableRandom random = new SplittableRandom(42);
			long sum = 0;
			for (int i = 0; i < TRANSACTIONS; i++) {
				int aid = random.nextInt(2_000_000) + 1;
				int tid = random.nextInt(200) + 1;
				int bid = random.nextInt(20) + 1;
				int delta = random.nextInt(-5000, 5001);
				sum += delta;
				String d = Integer.toString(delta);
				stream.transaction((tx) -> {
					tx.add(new ChangeEvent.Update(3, null, false,
							List.of(v(aid), v((aid - 1) / 100000 + 1), Value.text(d), Value.NULL)));
					tx.add(new ChangeEvent.Update(2, null, false,
							List.of(v(tid), v((tid - 1) / 10 + 1), Value.text(d), Value.NULL)));
					tx.add(new ChangeEvent.Update(1, null, false, List.of(v(bid), Value.text(d), Value.NULL)));
					tx.add(new ChangeEvent.Insert(4, List.of(v(tid), v(bid), v(aid), Value.text(d),
							Value.text("2026-01-01 00:00:00.123456"), Value.NULL)));
				});
			}
			PgEndpoint target = new PgEndpoint(Side.TARGET,
					ConnectionString.parse(servers.target().uri(db), Side.TARGET.option()));
			ChangeApplierIT.Control control = new ChangeApplierIT.Control(stream.last(), stream.last());
			long start = System.nanoTime();
			try (ChangeApplier applier = new ChangeApplier(target, origin)) {
				assertThat(applier.apply(stream.reader(applier.originPosition(), -1), control)).isTrue();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			System.out.printf("apply: %d pgbench-like transactions in %.2f s: %.0f tx/s%n", TRANSACTIONS, seconds,
					TRANSACTIONS / seconds);
			try (var connection = target.connect("test");
					var rs = connection.createStatement()
						.executeQuery("SELECT count(*), sum(delta) FROM public.history")) {
				rs.next();
				assertThat(rs.getLong(1)).isEqualTo(TRANSACTIONS);
				assertThat(rs.getLong(2)).isEqualTo(sum);
			}
		}
		finally {
			servers.target()
				.execute("postgres", "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin"
						+ " WHERE roname = '" + origin + "'");
			servers.target().dropDatabase(db);
		}
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

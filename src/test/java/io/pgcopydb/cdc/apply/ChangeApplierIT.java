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
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Apply of hand-built change streams on the shared target server: what a user checks on
 * the target afterwards. Each test has its own database and replication origin, dropped
 * afterwards (origins are cluster-wide).
 */
@ExtendWith(PostgresExtension.class)
class ChangeApplierIT {

	private PgServers servers;

	private String db;

	private String origin;

	private PgEndpoint target;

	@BeforeEach
	void createDatabaseAndOrigin(PgServers servers) {
		this.servers = servers;
		String unique = UUID.randomUUID().toString().substring(0, 8);
		this.db = "apply_" + unique;
		this.origin = "pgcopydb_apply_it_" + unique;
		servers.target().createDatabase(this.db);
		// hostile database settings: the apply session pins its own
		servers.target()
			.execute("postgres", "ALTER DATABASE " + this.db + " SET DateStyle = 'SQL, DMY';" + "ALTER DATABASE "
					+ this.db + " SET IntervalStyle = 'sql_standard';" + "ALTER DATABASE " + this.db
					+ " SET TimeZone = 'Asia/Tokyo';" + "ALTER DATABASE " + this.db + " SET extra_float_digits = 0;"
					+ "ALTER DATABASE " + this.db + " SET bytea_output = 'escape'");
		servers.target().execute(this.db, "SELECT pg_replication_origin_create('" + this.origin + "')");
		this.target = new PgEndpoint(Side.TARGET,
				ConnectionString.parse(servers.target().uri(this.db), Side.TARGET.option()));
	}

	@AfterEach
	void dropDatabaseAndOrigin() {
		try {
			this.servers.target().dropOrigins(this.origin);
		}
		finally {
			this.servers.target().dropDatabase(this.db);
			this.servers.source().dropDatabase(this.db);
		}
	}

	@Test
	void everyTypeRoundTripsAsTheSourceRenderedIt() throws Exception {
		String table = "CREATE TABLE public.types (id bigint PRIMARY KEY, n numeric, f float8, b bytea, a int[],"
				+ " t text[], j json, jb jsonb, ts timestamptz, i interval, p point, x xml, d date)";
		String rows = "INSERT INTO public.types VALUES"
				+ " (1, 123456789012345678901234567890.123456789, -0::float8, '\\x00ff10'::bytea, '{1,NULL,3}',"
				+ "  '{\"a b\",\"c\\\"d\",NULL}', '{\"k\": [1, 2.50]}', '{\"k\": [1, 2.50]}',"
				+ "  '2024-02-29 23:59:59.123456+05:30', '1 year 2 mons -3 days 04:05:06.789', '(1.5,-2)',"
				+ "  '<a>x</a>', '2024-12-31'),"
				+ " (9223372036854775807, 'NaN', 'NaN', '\\x', '{}', '{}', 'null', '[]', 'infinity', '-1 mins', '(0,0)',"
				+ "  'text', '0001-01-01 BC'),"
				+ " (3, -0.000000000000000000001, 0.1, NULL, '{{1,2},{3,4}}', '{\"\"}', '\"s\"', '{}',"
				+ "  '1970-01-01 00:00:00+00', '0', '(1e-300,1e300)', NULL, 'infinity'),"
				+ " (4, 1e100, '-Infinity', '\\x5c', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
				+ " (5, 1, 1.7976931348623157e308, '\\x27', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";
		this.servers.source().createDatabase(this.db);
		this.servers.source().execute(this.db, table + ";" + rows);
		this.servers.target().execute(this.db, table);
		PgEndpoint source = new PgEndpoint(Side.SOURCE,
				ConnectionString.parse(this.servers.source().uri(this.db), Side.SOURCE.option()));
		List<List<String>> rendered = texts(source, "SELECT * FROM public.types ORDER BY id");
		RelationShape shape = new RelationShape(10, "public", "types", 'd', List.of(key("id"), col("n"), col("f"),
				col("b"), col("a"), col("t"), col("j"), col("jb"), col("ts"), col("i"), col("p"), col("x"), col("d")));
		Stream stream = new Stream().relation(shape);
		stream.transaction((tx) -> rendered.forEach((r) -> tx.add(new ChangeEvent.Insert(10, values(r)))));
		// and every row found again by each of its values (REPLICA IDENTITY FULL): a
		// delete of each, then the insert back
		RelationShape full = new RelationShape(11, "public", "types", 'f', shape.columns());
		stream.relation(full);
		stream.transaction((tx) -> rendered.forEach((r) -> {
			tx.add(new ChangeEvent.Delete(11, values(r), true));
			tx.add(new ChangeEvent.Insert(11, values(r)));
		}));

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT * FROM public.types ORDER BY id")).isEqualTo(rendered);
		assertThat(count("public.types")).isEqualTo(5);
	}

	@Test
	void unchangedToastKeyChangesAndIdentityAlwaysKeysKeepEveryValue() throws Exception {
		this.servers.target()
			.execute(this.db, "CREATE TABLE public.docs (id int PRIMARY KEY, big text, n int);"
					+ "CREATE TABLE public.ids (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, big text, n int,"
					+ " twice int GENERATED ALWAYS AS (n * 2) STORED)");
		String big = "x".repeat(100_000);
		Stream stream = new Stream()
			.relation(new RelationShape(1, "public", "docs", 'd', List.of(key("id"), col("big"), col("n"))))
			.relation(new RelationShape(2, "public", "ids", 'd', List.of(key("id"), col("big"), col("n"))));
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Insert(1, row(v("1"), v(big), v("1"))));
			tx.add(new ChangeEvent.Insert(2, row(v("10"), v(big), v("1"))));
		});
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Update(1, null, false, row(v("1"), Value.UNCHANGED, v("2"))));
			tx.add(new ChangeEvent.Update(1, row(v("1"), Value.NULL, Value.NULL), false,
					row(v("5"), Value.UNCHANGED, v("3"))));
			tx.add(new ChangeEvent.Update(2, null, false, row(v("10"), Value.UNCHANGED, v("2"))));
			tx.add(new ChangeEvent.Update(2, row(v("10"), Value.NULL, Value.NULL), false,
					row(v("20"), Value.UNCHANGED, v("3"))));
		});

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT id, length(big), n FROM public.docs"))
			.containsExactly(List.of("5", "100000", "3"));
		assertThat(texts(this.target, "SELECT id, length(big), n, twice FROM public.ids"))
			.containsExactly(List.of("20", "100000", "3", "6"));
	}

	@Test
	void setBasedRunsApplyLikeTheSourceWithNullsArraysByteaJsonAndUnchangedToast() throws Exception {
		String table = "CREATE TABLE public.wide (id bigint PRIMARY KEY, n numeric, f float8, b bytea, a int[],"
				+ " t text[], j json, ts timestamptz, big text)";
		this.servers.source().createDatabase(this.db);
		this.servers.source()
			.execute(this.db, table + "; INSERT INTO public.wide SELECT g, g * 1.5,"
					+ " CASE WHEN g % 3 = 0 THEN NULL ELSE g / 7.0 END,"
					+ " CASE WHEN g % 4 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 4, '0') || '5c27', 'hex') END,"
					+ " CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY[g, NULL, -g] END,"
					+ " ARRAY['a b', 'c\"d', NULL, g::text], json_build_object('k', g, 's', 'x \"y'),"
					+ " '2024-02-29 23:59:59.123456+05:30'::timestamptz + g * interval '1 day', repeat('x', 3000) || g"
					+ " FROM generate_series(1, 40) g");
		this.servers.target().execute(this.db, table);
		PgEndpoint source = new PgEndpoint(Side.SOURCE,
				ConnectionString.parse(this.servers.source().uri(this.db), Side.SOURCE.option()));
		String all = "SELECT * FROM public.wide ORDER BY id";
		List<List<String>> inserted = texts(source, all);
		this.servers.source()
			.execute(this.db,
					"UPDATE public.wide SET n = -n, f = NULL, b = '\\x00ff'::bytea, a = '{{1,2},{3,4}}',"
							+ " j = '[1, 2.50]', t = NULL WHERE id <= 20;"
							+ "UPDATE public.wide SET n = n + 1, big = 'y' || id, a = NULL WHERE id > 20");
		List<List<String>> updated = texts(source, all);
		this.servers.source().execute(this.db, "DELETE FROM public.wide WHERE id % 4 = 1");
		RelationShape shape = new RelationShape(1, "public", "wide", 'd',
				List.of(key("id"), col("n"), col("f"), col("b"), col("a"), col("t"), col("j"), col("ts"), col("big")));
		Stream stream = new Stream().relation(shape);
		stream.transaction((tx) -> inserted.forEach((r) -> tx.add(new ChangeEvent.Insert(1, values(r)))));
		stream.transaction((tx) -> updated.forEach((r) -> {
			List<Value> newRow = new ArrayList<>(values(r));
			if (Long.parseLong(r.get(0)) <= 20) {
				// big is TOASTed and unchanged: it must keep the inserted value
				newRow.set(8, Value.UNCHANGED);
			}
			tx.add(new ChangeEvent.Update(1, null, false, newRow));
		}));
		stream.transaction((tx) -> updated.stream()
			.filter((r) -> Long.parseLong(r.get(0)) % 4 == 1)
			.forEach((r) -> tx.add(new ChangeEvent.Delete(1, row(v(r.get(0)), Value.NULL, Value.NULL, Value.NULL,
					Value.NULL, Value.NULL, Value.NULL, Value.NULL, Value.NULL), false))));

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, all)).isEqualTo(texts(source, all));
		assertThat(count("public.wide")).isEqualTo(30);
	}

	@Test
	void setBasedRunsOnIdentityAlwaysAndPartitionedTargets() throws Exception {
		this.servers.target()
			.execute(this.db,
					"CREATE TABLE public.ids (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int,"
							+ " twice int GENERATED ALWAYS AS (n * 2) STORED);"
							+ "CREATE TABLE public.m (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);"
							+ "CREATE TABLE public.m1 PARTITION OF public.m FOR VALUES FROM (0) TO (10);"
							+ "CREATE TABLE public.m2 PARTITION OF public.m FOR VALUES FROM (10) TO (100)");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "ids", 'd', List.of(key("id"), col("n"))))
			.relation(new RelationShape(2, "public", "m", 'd', List.of(key("id"), col("v"))));
		stream.transaction((tx) -> {
			for (int i = 1; i <= 20; i++) {
				tx.add(new ChangeEvent.Insert(1, row(v(Integer.toString(100 + i)), v(Integer.toString(i)))));
				tx.add(new ChangeEvent.Insert(2, row(v(Integer.toString(i)), v("a" + i))));
			}
		});
		stream.transaction((tx) -> {
			for (int i = 1; i <= 20; i++) {
				tx.add(new ChangeEvent.Update(1, null, false, row(v(Integer.toString(100 + i)), v("-" + i))));
				tx.add(new ChangeEvent.Update(2, null, false, row(v(Integer.toString(i)), v("b" + i))));
			}
			for (int i = 1; i <= 10; i++) {
				tx.add(new ChangeEvent.Delete(2, row(v(Integer.toString(2 * i)), Value.NULL), false));
			}
		});

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT count(*), sum(n), sum(twice), min(id), max(id) FROM public.ids"))
			.containsExactly(List.of("20", "-210", "-420", "101", "120"));
		assertThat(texts(this.target, "SELECT string_agg(v, ',' ORDER BY id) FROM public.m"))
			.containsExactly(List.of("b1,b3,b5,b7,b9,b11,b13,b15,b17,b19"));
		assertThat(texts(this.target, "SELECT count(*) FROM public.m2")).containsExactly(List.of("5"));
	}

	@Test
	void aUniqueValueSwappedBetweenTwoRowsInOneTransactionApplies() throws Exception {
		this.servers.target()
			.execute(this.db, "CREATE TABLE public.u (id int PRIMARY KEY, code int UNIQUE);"
					+ "INSERT INTO public.u VALUES (1, 10), (2, 20)");
		Stream stream = new Stream()
			.relation(new RelationShape(1, "public", "u", 'd', List.of(key("id"), col("code"))));
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Update(1, null, false, row(v("1"), v("-1"))));
			tx.add(new ChangeEvent.Update(1, null, false, row(v("2"), v("10"))));
			tx.add(new ChangeEvent.Update(1, null, false, row(v("1"), v("20"))));
		});

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT id, code FROM public.u ORDER BY id")).containsExactly(List.of("1", "20"),
				List.of("2", "10"));
	}

	@Test
	void replicaIdentityFullChangesTouchOneOfTwoIdenticalRows() throws Exception {
		this.servers.target()
			.execute(this.db, "CREATE TABLE public.dup (a int, j json);"
					+ "INSERT INTO public.dup VALUES (1, '{\"k\": 1}'), (1, '{\"k\": 1}'), (2, '[]'), (2, '[]')");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "dup", 'f', List.of(col("a"), col("j"))));
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Delete(1, row(v("1"), v("{\"k\": 1}")), true));
			tx.add(new ChangeEvent.Update(1, row(v("2"), v("[]")), true, row(v("3"), v("[]"))));
		});

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT a, j::text FROM public.dup ORDER BY a"))
			.containsExactly(List.of("1", "{\"k\": 1}"), List.of("2", "[]"), List.of("3", "[]"));
	}

	@Test
	void truncateEmptiesAPartitionedTarget() throws Exception {
		this.servers.target()
			.execute(this.db,
					"CREATE TABLE public.m (id int, v text) PARTITION BY RANGE (id);"
							+ "CREATE TABLE public.m1 PARTITION OF public.m FOR VALUES FROM (0) TO (10);"
							+ "CREATE TABLE public.m2 PARTITION OF public.m FOR VALUES FROM (10) TO (20);"
							+ "INSERT INTO public.m VALUES (1, 'a'), (15, 'b')");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "m", 'f', List.of(col("id"), col("v"))));
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Truncate(List.of(1L), false, false));
			tx.add(new ChangeEvent.Insert(1, row(v("12"), v("c"))));
		});
		stream.transaction((tx) -> tx.add(new ChangeEvent.Update(1, row(v("12"), v("c")), true, row(v("2"), v("d")))));

		assertThat(applyAll(stream)).isTrue();

		assertThat(texts(this.target, "SELECT tableoid::regclass::text, id, v FROM public.m"))
			.containsExactly(List.of("public.m1", "2", "d"));
	}

	@Test
	void aRestartAfterAFailureMidwayAppliesEveryTransactionOnce() throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "log", 'f', List.of(col("n"))));
		for (int i = 1; i <= 100; i++) {
			String n = Integer.toString(i);
			stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v(n)))));
		}
		ApplyOptions small = new ApplyOptions(7, 1 << 20, Duration.ofMinutes(1), 1 << 20, true);
		Control control = new Control(stream.last(), stream.last());

		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, small)) {
			ChangeReader failing = stream.reader(applier.originPosition(), 250);
			assertThatThrownBy(() -> applier.apply(failing, control)).hasMessageContaining("reader failed");
		}
		long applied = count("public.log");
		assertThat(applied).isBetween(1L, 99L);

		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, small)) {
			Lsn from = applier.originPosition();
			assertThat(from).isEqualTo(stream.endOf((int) applied));
			assertThat(applier.apply(stream.reader(from, -1), control)).isTrue();
			assertThat(applier.originPosition()).isEqualTo(stream.last());
		}
		assertThat(texts(this.target, "SELECT count(*), count(DISTINCT n), min(n), max(n) FROM public.log"))
			.containsExactly(List.of("100", "100", "1", "100"));
	}

	@Test
	void aTerminatedApplySessionIsOpenedAgainAndGoesOnFromTheOrigin() throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "log", 'f', List.of(col("n"))));
		for (int i = 1; i <= 60; i++) {
			String n = Integer.toString(i);
			stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v(n)))));
		}
		ApplyOptions small = new ApplyOptions(5, 1 << 20, Duration.ofMinutes(1), 1 << 20, true);
		Control control = new Control(stream.last(), stream.last());
		int[] opened = { 0 };
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin, small)) {
			boolean done = applier.apply((after) -> {
				opened[0]++;
				// the first reader ends the apply session in the middle of the stream
				return (opened[0] == 1) ? stream.reader(after, 100, this::terminateApplySession)
						: stream.reader(after, -1);
			}, control);
			assertThat(done).isTrue();
		}
		assertThat(opened[0]).isEqualTo(2);
		assertThat(texts(this.target, "SELECT count(*), count(DISTINCT n) FROM public.log"))
			.containsExactly(List.of("60", "60"));
	}

	@Test
	void onAnIdleSourceTheTargetIsCaughtUpToWhatWasReceivedAndTheOriginStaysAtTheLastCommit() throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "log", 'f', List.of(col("n"))));
		for (int i = 1; i <= 3; i++) {
			String n = Integer.toString(i);
			stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v(n)))));
		}
		// keepalives of an idle source moved receive's durable position past the last
		// commit
		Lsn keepalive = new Lsn(stream.last().value() + 0x2000);
		Control control = new Control(keepalive, keepalive);
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			assertThat(applier.apply(stream.reader(applier.originPosition(), -1), control)).isTrue();
			assertThat(applier.originPosition()).isEqualTo(stream.last());
		}
		assertThat(control.applied).isEqualTo(stream.last());
		assertThat(control.caughtUp).isEqualTo(keepalive);
		assertThat(count("public.log")).isEqualTo(3);
	}

	@Test
	void endposInTheMiddleOfTheStreamAppliesUpToItAndNoFurther() throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		Stream stream = new Stream().relation(new RelationShape(1, "public", "log", 'f', List.of(col("n"))));
		for (int i = 1; i <= 10; i++) {
			String n = Integer.toString(i);
			stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v(n)))));
		}
		Control control = new Control(stream.endOf(5), stream.last());
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			assertThat(applier.apply(stream.reader(applier.originPosition(), -1), control)).isTrue();
			assertThat(applier.originPosition()).isEqualTo(stream.endOf(5));
		}
		assertThat(count("public.log")).isEqualTo(5);
		assertThat(control.applied).isEqualTo(stream.endOf(5));
	}

	@Test
	void transactionsWithoutACommitLsnAtBeginApplyOnceFromTheChangeStore(@TempDir Path dir) throws Exception {
		// test_decoding gives no commit LSN at BEGIN; the origin starts at the slot's
		// consistent point, before the first transaction
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		this.servers.target().execute(this.db, "SELECT pg_replication_origin_advance('" + this.origin + "', '0/1000')");
		ChangeStore store = ChangeStore.open(dir.resolve("cdc"));
		List<Lsn> ends = new ArrayList<>();
		try (ChangeWriter writer = store.writer()) {
			for (int i = 1; i <= 10; i++) {
				Lsn end = new Lsn(0x10000L * i + 0x30);
				writer.write(new ChangeEvent.Begin(700 + i, Lsn.INVALID, null));
				writer.write(new ChangeEvent.Relation(new RelationShape(1, "public", "log", 'f', List.of(col("n")))));
				writer.write(new ChangeEvent.Insert(1, row(v(Integer.toString(i)))));
				writer.write(new ChangeEvent.Commit(Lsn.INVALID, end, Instant.now()));
				ends.add(end);
			}
			writer.sync();
		}
		Control control = new Control(ends.get(6), ends.get(9));
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			assertThat(applier.apply(store::reader, control)).isTrue();
			assertThat(applier.originPosition()).isEqualTo(ends.get(6));
		}
		assertThat(texts(this.target, "SELECT string_agg(n::text, ',' ORDER BY n) FROM public.log"))
			.containsExactly(List.of("1,2,3,4,5,6,7"));
		// endpos between two commits: nothing past it, and a second run goes on once
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			assertThat(applier.apply(store::reader, new Control(new Lsn(ends.get(7).value() + 8), ends.get(9))))
				.isTrue();
			assertThat(applier.originPosition()).isEqualTo(ends.get(7));
			assertThat(applier.apply(store::reader, new Control(ends.get(9), ends.get(9)))).isTrue();
		}
		assertThat(texts(this.target, "SELECT count(*), count(DISTINCT n), max(n) FROM public.log"))
			.containsExactly(List.of("10", "10", "10"));
	}

	@Test
	void endposIsNotReachedWhileTheChangeFilesHoldATransactionBeforeIt(@TempDir Path dir) throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.log (n int)");
		ChangeStore store = ChangeStore.open(dir.resolve("cdc"));
		Lsn end = new Lsn(0x10030);
		try (ChangeWriter writer = store.writer()) {
			writer.write(new ChangeEvent.Begin(700, Lsn.INVALID, null));
			writer.write(new ChangeEvent.Relation(new RelationShape(1, "public", "log", 'f', List.of(col("n")))));
			writer.write(new ChangeEvent.Insert(1, row(v("1"))));
			writer.write(new ChangeEvent.Commit(Lsn.INVALID, end, Instant.now()));
			writer.sync();
		}
		int[] opened = { 0 };
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			// a reader that lost its place returns nothing, while receive holds endpos
			assertThat(applier.apply((after) -> (opened[0]++ == 0) ? new ChangeReader() {

				@Override
				public ChangeEvent next(Duration wait) {
					return null;
				}

				@Override
				public void close() {
				}
			} : store.reader(after), new Control(end, end))).isTrue();
			assertThat(applier.originPosition()).isEqualTo(end);
		}
		assertThat(count("public.log")).isEqualTo(1);
	}

	@Test
	void endposInsideATransactionAppliesEveryTransactionEndingBeforeItOnly() throws Exception {
		for (boolean commitLsnKnown : new boolean[] { true, false }) {
			this.servers.target().execute(this.db, "DROP TABLE IF EXISTS public.log; CREATE TABLE public.log (n int)");
			this.servers.target()
				.execute(this.db, "SELECT pg_replication_origin_advance('" + this.origin + "', '0/0')");
			Stream stream = new Stream().relation(new RelationShape(1, "public", "log", 'f', List.of(col("n"))));
			stream.commitLsnKnown = commitLsnKnown;
			for (int i = 1; i <= 10; i++) {
				String n = Integer.toString(i);
				stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v(n)))));
			}
			// after the 6th transaction's first change, before its commit record
			Lsn endpos = new Lsn(stream.endOf(5).value() + 0x400);
			Control control = new Control(endpos, stream.last());
			try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
				assertThat(applier.apply(stream.reader(applier.originPosition(), -1), control))
					.as("commit LSN known at Begin: %s", commitLsnKnown)
					.isTrue();
				assertThat(applier.originPosition()).isEqualTo(stream.endOf(5));
			}
			assertThat(count("public.log")).as("commit LSN known at Begin: %s", commitLsnKnown).isEqualTo(5);
		}
	}

	@Test
	void aTableMissingOnTheTargetStopsWithTheRemedy() throws Exception {
		Stream stream = new Stream().relation(new RelationShape(1, "public", "gone", 'd', List.of(key("id"))));
		stream.transaction((tx) -> tx.add(new ChangeEvent.Insert(1, row(v("1")))));
		assertThatThrownBy(() -> applyAll(stream)).isInstanceOf(BadStateException.class)
			.hasMessageContaining("\"public\".\"gone\"")
			.hasMessageContaining("--resume");
	}

	@Test
	void aValueTooLongForANarrowerTargetColumnIsRefusedInSetBasedRunsNotCut() throws Exception {
		this.servers.target().execute(this.db, "CREATE TABLE public.narrow (id int PRIMARY KEY, c varchar(2))");
		Stream stream = new Stream()
			.relation(new RelationShape(1, "public", "narrow", 'd', List.of(key("id"), col("c"))));
		stream.transaction((tx) -> {
			tx.add(new ChangeEvent.Insert(1, row(v("1"), v("ab"))));
			tx.add(new ChangeEvent.Insert(1, row(v("2"), v("abc"))));
		});
		assertThatThrownBy(() -> applyAll(stream)).isInstanceOf(DatabaseException.class)
			.hasMessageContaining("\"public\".\"narrow\"")
			.hasMessageContaining("22001");
		assertThat(count("public.narrow")).isZero();
	}

	private boolean applyAll(Stream stream) throws InterruptedException {
		Control control = new Control(stream.last(), stream.last());
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			return applier.apply(stream.reader(applier.originPosition(), -1), control);
		}
	}

	private void terminateApplySession() {
		this.servers.target()
			.execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + this.db
					+ "' AND application_name LIKE '%apply'");
	}

	private long count(String table) throws SQLException {
		return Long.parseLong(texts(this.target, "SELECT count(*) FROM " + table).get(0).get(0));
	}

	/** The rows as text, read in a session with the pinned settings. */
	static List<List<String>> texts(PgEndpoint endpoint, String sql) throws SQLException {
		List<List<String>> rows = new ArrayList<>();
		try (Connection connection = endpoint.connect("test");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			int columns = rs.getMetaData().getColumnCount();
			while (rs.next()) {
				List<String> row = new ArrayList<>();
				for (int i = 1; i <= columns; i++) {
					row.add(rs.getString(i));
				}
				rows.add(row);
			}
		}
		return rows;
	}

	private static List<Value> values(List<String> texts) {
		return texts.stream().map((text) -> (text != null) ? Value.text(text) : Value.NULL).toList();
	}

	private static Value v(String text) {
		return Value.text(text);
	}

	private static List<Value> row(Value... values) {
		return Arrays.asList(values);
	}

	static RelationShape.Column key(String name) {
		return new RelationShape.Column(name, 0, null, true);
	}

	static RelationShape.Column col(String name) {
		return new RelationShape.Column(name, 0, null, false);
	}

	/** A change stream built by hand: transactions at made-up, increasing LSNs. */
	static final class Stream {

		private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

		private final List<ChangeEvent> events = new ArrayList<>();

		private final List<Lsn> ends = new ArrayList<>();

		private long next = 0x1000000;

		/** false: test_decoding's stream, no commit LSN at Begin nor in the Commit. */
		boolean commitLsnKnown = true;

		Stream relation(RelationShape shape) {
			this.events.add(new ChangeEvent.Relation(shape));
			return this;
		}

		void transaction(Consumer<List<ChangeEvent>> changes) {
			Lsn commitLsn = this.commitLsnKnown ? new Lsn(this.next + 0x800) : Lsn.INVALID;
			Lsn endLsn = new Lsn(this.next + 0x830);
			Instant time = START.plusSeconds(this.ends.size());
			this.events.add(new ChangeEvent.Begin(this.ends.size() + 1000, commitLsn, time));
			changes.accept(this.events);
			this.events.add(new ChangeEvent.Commit(commitLsn, endLsn, time));
			this.ends.add(endLsn);
			this.next += 0x1000;
		}

		/** The end LSN of the {@code n}th transaction (from 1). */
		Lsn endOf(int n) {
			return this.ends.get(n - 1);
		}

		Lsn last() {
			return this.ends.get(this.ends.size() - 1);
		}

		ChangeReader reader(Lsn after, int failAfter) {
			return reader(after, failAfter, null);
		}

		/**
		 * A reader of the transactions ending after {@code after}, as the store gives
		 * them (relations always); after {@code failAfter} events (unless negative) it
		 * runs {@code onFail} once, or throws when there is none.
		 */
		ChangeReader reader(Lsn after, int failAfter, Runnable onFail) {
			List<ChangeEvent> kept = new ArrayList<>();
			boolean skipping = false;
			for (ChangeEvent event : this.events) {
				if (event instanceof ChangeEvent.Begin begin) {
					skipping = begin.finalLsn().isBefore(after);
				}
				if (!skipping || event instanceof ChangeEvent.Relation) {
					kept.add(event);
				}
			}
			Iterator<ChangeEvent> iterator = kept.iterator();
			return new ChangeReader() {

				private int read;

				@Override
				public ChangeEvent next(Duration wait) {
					if (this.read++ == failAfter) {
						if (onFail == null) {
							throw new IllegalStateException("reader failed");
						}
						onFail.run();
					}
					return iterator.hasNext() ? iterator.next() : null;
				}

				@Override
				public void close() {
				}
			};
		}

	}

	/** Apply allowed, no stop, a fixed endpos and received position. */
	static final class Control implements ApplyControl {

		private final Lsn endpos;

		private final Lsn received;

		volatile Lsn applied = Lsn.INVALID;

		volatile Lsn caughtUp = Lsn.INVALID;

		Control(Lsn endpos, Lsn received) {
			this.endpos = endpos;
			this.received = received;
		}

		@Override
		public Lsn endpos() {
			return this.endpos;
		}

		@Override
		public boolean applyAllowed() {
			return true;
		}

		@Override
		public Lsn receivedThrough() {
			return this.received;
		}

		@Override
		public boolean stopRequested() {
			return false;
		}

		@Override
		public void applied(Lsn endLsn, Instant commitTime) {
			this.applied = endLsn;
		}

		@Override
		public void caughtUp(Lsn through) {
			this.caughtUp = through;
		}

	}

}

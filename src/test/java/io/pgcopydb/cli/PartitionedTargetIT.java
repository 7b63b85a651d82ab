package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tutorial's step-by-step flow with the DBA's most common schema edit between
 * {@code restore pre-data} and {@code copy data}: a plain table partitioned on the
 * target, and the reverse, partitions merged into one plain table. Every row arrives
 * once, in the partition its key says, also after a kill or a failure in the middle of
 * the copy; keys and indexes are built on the target's shape.
 */
@ExtendWith(PostgresExtension.class)
class PartitionedTargetIT {

	private static final int EVENTS = 900_000;

	@Test
	void plainTablePartitionedOnTheTargetGetsEveryRowRoutedOnceAcrossAKill(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "part_target";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE TABLE public.kinds (kind text PRIMARY KEY);"
					+ "INSERT INTO public.kinds SELECT 'k' || g FROM generate_series(0, 6) g;"
					+ "CREATE TABLE public.events (id bigserial PRIMARY KEY, at date NOT NULL,"
					+ " kind text NOT NULL REFERENCES public.kinds, payload text);"
					+ " CREATE INDEX events_kind_idx ON public.events (kind);"
					+ "CREATE TABLE public.notes (id int PRIMARY KEY, event_id bigint REFERENCES public.events (id));"
					+ "INSERT INTO public.events (at, kind, payload) SELECT date '2023-01-01' + g % 900, 'k' || g % 7,"
					+ " repeat(md5(g::text), 2) FROM generate_series(1, " + EVENTS + ") g;"
					+ "INSERT INTO public.notes SELECT g, g * 10 FROM generate_series(1, 1000) g; ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);
		// coproc ( pgcopydb snapshot ): the resume after the kill reads the same snapshot
		PgCopyDbRun.Running coproc = PgCopyDbRun.start(env, inDir(dir, "snapshot"));
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Files.exists(dir.resolve("snapshot")) && !Files.readString(dir.resolve("snapshot")).isBlank());
		run(env, dir, "dump", "schema");
		run(env, dir, "restore", "pre-data");

		// schema-changes.sql: events partitioned by its key; renamed into place, so its
		// sequence is named after the new table and only its column finds it
		servers.target()
			.execute(db, "DROP TABLE public.events;"
					+ "CREATE TABLE public.events_new (id bigserial, at date NOT NULL, kind text NOT NULL, payload text)"
					+ " PARTITION BY RANGE (id);"
					+ "CREATE TABLE public.events_1 PARTITION OF public.events_new FOR VALUES FROM (MINVALUE) TO (300001);"
					+ "CREATE TABLE public.events_2 PARTITION OF public.events_new FOR VALUES FROM (300001) TO (600001);"
					+ "CREATE TABLE public.events_3 PARTITION OF public.events_new FOR VALUES FROM (600001) TO (MAXVALUE);"
					+ "ALTER TABLE public.events_new RENAME TO events");

		PgCopyDbRun.Running copy = PgCopyDbRun.start(env, inDir(dir, "copy", "data"));
		awaitCopyInto(servers.target(), db, "\"public\".\"events\"");
		copy.process().destroyForcibly();
		PgCopyDbRun killed = copy.finish();
		assertThat(killed.exitCode()).isEqualTo(137);
		assertThat(killed.stderr())
			.contains("Rows of public.events go into \"public\".\"events\" (routed to its partitions)");

		run(env, dir, "copy", "data", "--resume");
		run(env, dir, "restore", "post-data", "--resume");
		coproc.process().destroy();
		assertThat(coproc.finish().exitCode()).isZero();

		assertThat(rows(servers.target(), db, "public.events")).as("every row once")
			.isEqualTo(rows(servers.source(), db, "public.events"));
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT p || '=' || n FROM (SELECT tableoid::regclass::text AS p, count(*) AS n FROM public.events"
						+ " GROUP BY 1) s ORDER BY 1"))
			.as("rows routed to the partition their key says")
			.containsExactly("events_1=300000", "events_2=300000", "events_3=300000");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT conname || ' ' || contype::text || ' ' || convalidated FROM pg_constraint"
						+ " WHERE conrelid = 'public.events'::regclass UNION ALL SELECT conname || ' ' || contype::text"
						+ " || ' ' || convalidated FROM pg_constraint"
						+ " WHERE conrelid = 'public.notes'::regclass AND conparentid = 0 ORDER BY 1"))
			.as("the primary key built on the partitioned table, the foreign keys restored onto and from it,"
					+ " valid (the target partitioned events: its key cannot be created NOT VALID there)")
			.containsExactly("events_kind_fkey f true", "events_pkey p true", "notes_event_id_fkey f true",
					"notes_pkey p true");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT c.relname || ' ' || c.relkind::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
						+ " WHERE i.indrelid = 'public.events'::regclass ORDER BY 1"))
			.as("partitioned indexes, one per partition below each")
			.containsExactly("events_kind_idx I", "events_pkey I");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT count(*) FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid"
						+ " WHERE h.inhparent IN ('public.events_kind_idx'::regclass, 'public.events_pkey'::regclass)"))
			.containsExactly("6");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT last_value FROM public.events_new_id_seq"))
			.as("the sequence of the recreated column is set")
			.isEqualTo(CloneIT.strings(servers.source(), db, "SELECT last_value FROM public.events_id_seq"));
		assertThat(rows(servers.target(), db, "public.notes")).isEqualTo(rows(servers.source(), db, "public.notes"));
		CloneIT.cleanup(servers, db);
	}

	@Test
	void partitionsMergedIntoOnePlainTableAreCopiedAsOneUnitAcrossAFailure(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "part_merged";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		// m_3 holds half the rows of the others: it is copied last in the unit
		servers.source()
			.execute(db, "CREATE TABLE public.m (id int NOT NULL, k int NOT NULL, v text, PRIMARY KEY (id, k))"
					+ " PARTITION BY RANGE (k);"
					+ "CREATE TABLE public.m_1 PARTITION OF public.m FOR VALUES FROM (0) TO (100);"
					+ "CREATE TABLE public.m_2 PARTITION OF public.m FOR VALUES FROM (100) TO (200);"
					+ "CREATE TABLE public.m_3 PARTITION OF public.m FOR VALUES FROM (200) TO (300);"
					+ "CREATE INDEX m_v_idx ON public.m (v); CREATE INDEX m_2_id_idx ON public.m_2 (id);"
					+ "COMMENT ON INDEX public.m_2_id_idx IS 'only on m_2';"
					+ "INSERT INTO public.m SELECT g, g % 250, md5(g::text) FROM generate_series(1, 50000) g;"
					+ "CREATE TABLE public.other (id int PRIMARY KEY); INSERT INTO public.other VALUES (1), (2);"
					+ "ANALYZE");
		Map<String, String> env = CloneIT.sides(servers, db);
		run(env, dir, "dump", "schema");
		run(env, dir, "restore", "pre-data");

		// schema-changes.sql: one plain table instead of the partitions, refusing m_3's
		// last rows at first
		servers.target()
			.execute(db, "DROP TABLE public.m; CREATE TABLE public.m (id int NOT NULL, k int NOT NULL, v text,"
					+ " CONSTRAINT not_yet CHECK (k < 249))");

		PgCopyDbRun failed = PgCopyDbRun.run(env, inDir(dir, "copy", "data"));
		assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
		assertThat(failed.errorLines()).first().asString().contains("not_yet");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.m"))
			.as("the rows of m_1 and m_2, copied before m_3 failed, were rolled back with it")
			.containsExactly("0");

		servers.target().execute(db, "ALTER TABLE public.m DROP CONSTRAINT not_yet");
		// the source does not change here: a new snapshot reads the same rows
		PgCopyDbRun resumed = run(env, dir, "copy", "data", "--resume", "--not-consistent");
		assertThat(resumed.stderr()).contains("Not building index public.m_2_id_idx");
		PgCopyDbRun postData = run(env, dir, "restore", "post-data", "--resume");
		assertThat(postData.stderr()).contains("Left out", "INDEX ATTACH public m_1_pkey", "INDEX public m_2_id_idx",
				"COMMENT public INDEX m_2_id_idx");

		assertThat(rows(servers.target(), db, "public.m")).as("every row of the three partitions, once")
			.isEqualTo(rows(servers.source(), db, "public.m"));
		assertThat(rows(servers.target(), db, "public.other")).isEqualTo(rows(servers.source(), db, "public.other"));
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
						+ " WHERE i.indrelid = 'public.m'::regclass ORDER BY 1"))
			.as("the parent's key and index restored on the plain table")
			.containsExactly("m_pkey", "m_v_idx");
		CloneIT.cleanup(servers, db);
	}

	/** Runs a step command in {@code dir} and expects it to succeed. */
	private static PgCopyDbRun run(Map<String, String> env, Path dir, String... args) {
		PgCopyDbRun run = PgCopyDbRun.run(env, inDir(dir, args));
		assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run).isZero();
		return run;
	}

	private static List<String> inDir(Path dir, String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add("--dir=" + dir);
		return all;
	}

	/** "count:md5" of a table's rows in key order, as a user would compare them. */
	private static String rows(PgServer server, String db, String table) throws Exception {
		return CloneIT
			.strings(server, db,
					"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))" + " FROM "
							+ table + " t")
			.get(0);
	}

	private static void awaitCopyInto(PgServer target, String db, String relation) {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
			try (Connection connection = target.connect("postgres");
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
							+ "' AND state = 'active' AND query LIKE 'COPY " + relation + "%'")) {
				rs.next();
				return rs.getInt(1) > 0;
			}
		});
	}

}

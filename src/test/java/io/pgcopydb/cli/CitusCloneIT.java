package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.copy.CopyResult;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TableCopier;
import io.pgcopydb.snapshot.SourceSnapshot;
import io.pgcopydb.testsupport.CitusServers;
import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Citus to Citus, on real Citus 12.1 clusters ({@link CitusServers}; skipped with the
 * reason where {@code ../shared/citus} is absent). The source has every kind of Citus
 * table: a reference table, two colocated hash-distributed tables with a foreign key
 * between them, a hash-distributed table with a shard count of its own, one with a
 * mixed-case name and distribution column, a distributed partitioned table colocated with
 * it, two colocated single-shard tables, a Citus-local table, a schema distributed by
 * schema-based sharding, and a columnar table. What a DBA checks after the migration:
 * each table has the same kind, distribution column, shard count and colocation grouping
 * on the target, the rows are identical, and the foreign keys hold on the target.
 */
@ExtendWith(PostgresExtension.class)
class CitusCloneIT {

	/**
	 * Each Citus table: name, method, distribution column, replication model, shards, and
	 * its colocation group named by the group's first table (group ids differ between
	 * clusters).
	 */
	private static final String DISTRIBUTION = """
			SELECT format('%s %s %s %s shards=%s group=%s', p.logicalrelid::regclass, p.partmethod,
			              coalesce(column_to_column_name(p.logicalrelid, p.partkey), '-'), p.repmodel,
			              (SELECT count(*) FROM pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid),
			              CASE WHEN p.colocationid = 0 THEN 'none'
			                   ELSE (SELECT min(q.logicalrelid::regclass::text) FROM pg_dist_partition q
			                          WHERE q.colocationid = p.colocationid) END)
			  FROM pg_dist_partition p ORDER BY 1""";

	private static final String SCHEMAS = "SELECT nspname FROM pg_dist_schema JOIN pg_namespace n ON n.oid = schemaid"
			+ " ORDER BY 1";

	private static CitusServers citus;

	@BeforeAll
	static void startCitus() {
		citus = CitusServers.start();
	}

	@AfterAll
	static void stopCitus() {
		if (citus != null) {
			citus.close();
		}
	}

	@Test
	void cloneGivesTheTargetTheSourcesDistributionAndRows(@TempDir Path tmp) throws Exception {
		citus.createCluster("single_src", false);
		// a fresh database of a server with Citus loaded: no extension, no node yet
		citus.coordinator().createDatabase("single_tgt");
		PgServer server = citus.coordinator();
		fill(server, "single_src");
		// hostile: the source database shows its shards (a table per shard) to sessions
		// named like ours, pg_dump's included
		server.execute("single_src",
				"ALTER DATABASE single_src SET citus.show_shards_for_app_name_prefixes = 'pgcopydb'");

		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--source", server.uri("single_src"), "--target",
				server.uri("single_tgt"), "--dir", tmp.resolve("work").toString());

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).contains(
				"The target server has Citus loaded: the pre-data restore creates the"
						+ " citus extension in single_tgt",
				"Not marking events_pkey clustered: public.events is a Citus table on the target");
		assertThat(userTablesWithShardsShown(server, "single_tgt"))
			.as("tables on the target, shards shown, the target's own shards left out")
			.containsExactlyElementsOf(userTablesWithShardsShown(server, "single_src"))
			.contains("public.customers", "tenant_a.items")
			.hasSize(14);
		// the database's citus.* settings come last, after the distribution
		assertThat(CloneIT.strings(server, "single_tgt",
				"SELECT unnest(setconfig) FROM pg_db_role_setting"
						+ " WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = 'single_tgt')"))
			.containsExactly("citus.show_shards_for_app_name_prefixes=pgcopydb");
		assertThat(clone.stderr()).contains("Citus distribution: public.customers is now distributed (by id, 4 shards",
				"Citus distribution: tenant_a is now a distributed schema (schema-based sharding)");
		assertSameDistribution(server, "single_src", server, "single_tgt");
		assertThat(CloneIT.strings(server, "single_tgt", DISTRIBUTION)).contains(
				"countries n - t shards=1 group=countries", "customers h id s shards=4 group=customers",
				"orders h customer_id s shards=4 group=customers", "events h id s shards=6 group=events",
				"loners2 n - s shards=1 group=loners", "notes n - s shards=1 group=none");
		assertSameRows(server, "single_src", server, "single_tgt");
		assertForeignKeysHold(server, "single_tgt");
	}

	@Test
	void tutorialFlowWithThePrintedScriptKeepsTheDbasEdit(@TempDir Path tmp) throws Exception {
		PgServer server = citus.coordinator();
		Map<String, String> env = stepByStep("tutorial", tmp);

		// coproc ( pgcopydb snapshot )
		PgCopyDbRun.Running coproc = holdSnapshot(env, tmp);
		// rows written after the snapshot: not in the copy (the coordinator's own shards
		// are read in the snapshot's session, which a COPY of the table itself would not
		// do)
		server.execute("tutorial_src",
				"INSERT INTO customers (country, name) SELECT 'FR', 'late' FROM" + " generate_series(1, 10)");
		server.execute("tutorial_src",
				"INSERT INTO orders (customer_id, total) SELECT 1, -1 FROM" + " generate_series(1, 5)");
		assertThat(PgCopyDbRun.run(env, "dump", "schema", "--resume").exitCode()).isZero();
		assertThat(PgCopyDbRun.run(env, "restore", "pre-data", "--resume").exitCode()).isZero();

		// the script, printed, edited by the DBA (events gets 2 shards), run with psql
		PgCopyDbRun list = PgCopyDbRun.run(env, "list", "distribution");
		assertThat(list.exitCode()).as(list.toString()).isZero();
		assertThat(list.stdout()).contains("SELECT pg_catalog.create_reference_table('public.countries')",
				"SELECT pg_catalog.create_distributed_table('public.orders', 'customer_id', colocate_with :="
						+ " 'public.customers')",
				"SELECT pg_catalog.create_distributed_table('public.\"Mixed Case\"', 'Key Col', colocate_with := 'none',"
						+ " shard_count := 3)",
				"SELECT pg_catalog.create_distributed_table('public.loners', NULL, colocate_with := 'none')",
				"SELECT pg_catalog.citus_add_local_table_to_metadata('public.notes')",
				"SELECT pg_catalog.citus_schema_distribute('tenant_a')")
			.doesNotContain("measures_2024", "'<none>'");
		Path script = tmp.resolve("schema-changes.sql");
		String edited = list.stdout()
			.replace("'public.events', 'id', colocate_with := 'none', shard_count := 6",
					"'public.events', 'id', colocate_with := 'none', shard_count := 2");
		assertThat(edited).isNotEqualTo(list.stdout());
		Files.writeString(script, edited);
		server.psql("tutorial_tgt", script);

		PgCopyDbRun copy = PgCopyDbRun.run(env, "copy", "data", "--resume");
		assertThat(copy.exitCode()).as(copy.toString()).isZero();
		assertThat(copy.stderr()).contains("public.events is already distributed by id, 2 shards (the source's is"
				+ " distributed, by id, 6 shards", "kept as it is");
		assertThat(PgCopyDbRun.run(env, "restore", "post-data", "--resume").exitCode()).isZero();
		coproc.process().destroy();
		coproc.finish();

		assertThat(CloneIT.strings(server, "tutorial_tgt", DISTRIBUTION))
			.contains("events h id s shards=2 group=events")
			.containsAll(CloneIT.strings(server, "tutorial_src", DISTRIBUTION)
				.stream()
				.filter((row) -> !row.startsWith("events "))
				.toList());
		assertThat(CloneIT.strings(server, "tutorial_tgt",
				"SELECT (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM orders)"))
			.containsExactly("1000/5000");
		server.execute("tutorial_src", "DELETE FROM orders WHERE total = -1");
		server.execute("tutorial_src", "DELETE FROM customers WHERE name = 'late'");
		assertSameRows(server, "tutorial_src", server, "tutorial_tgt");
		assertForeignKeysHold(server, "tutorial_tgt");
	}

	/**
	 * The distribution is a stage of the run: stopped in the middle (SIGTERM while a
	 * table to distribute is locked on the target), the resume skips what was distributed
	 * and does the rest.
	 */
	@Test
	void distributionStoppedMidwayIsFinishedByTheResume(@TempDir Path tmp) throws Exception {
		PgServer server = citus.coordinator();
		Map<String, String> env = stepByStep("stop", tmp);
		PgCopyDbRun.Running snapshot = holdSnapshot(env, tmp);
		assertThat(PgCopyDbRun.run(env, "dump", "schema", "--resume").exitCode()).isZero();
		assertThat(PgCopyDbRun.run(env, "restore", "pre-data", "--resume").exitCode()).isZero();

		// a DBA's mistake on the target: customers distributed by a text column, which
		// orders (by a bigint) cannot be colocated with
		server.execute("stop_tgt", "SELECT create_distributed_table('customers', 'country')");
		PgCopyDbRun refused = PgCopyDbRun.run(env, "copy", "data", "--resume");
		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(7);
		assertThat(refused.errorLines()).first()
			.asString()
			.contains(
					"distributing public.orders (distributed, by customer_id, 4 shards, colocated with"
							+ " public.customers) on the target failed: ",
					"cannot colocate", "then rerun with --resume");
		assertThat(CloneIT.strings(server, "stop_tgt", "SELECT count(*) FROM orders")).containsExactly("0");
		server.execute("stop_tgt", "SELECT undistribute_table('customers')");

		PgCopyDbRun stopped;
		try (Connection blocker = server.connect("stop_tgt"); Statement statement = blocker.createStatement()) {
			blocker.setAutoCommit(false);
			statement.execute("LOCK TABLE public.events IN ACCESS EXCLUSIVE MODE");
			PgCopyDbRun.Running copy = PgCopyDbRun.start(env, "copy", "data", "--resume");
			await().atMost(Duration.ofMinutes(1))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> !CloneIT.strings(server, "postgres", "SELECT pid FROM pg_stat_activity WHERE datname ="
						+ " 'stop_tgt' AND wait_event_type = 'Lock' AND query LIKE '%create_distributed_table(''public.events''%'")
					.isEmpty());
			copy.process().destroy();
			stopped = copy.finish();
			blocker.rollback();
		}
		assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
		assertThat(stopped.stderr()).contains("Citus distribution: public.customers is now distributed");
		assertThat(CloneIT.strings(server, "stop_tgt",
				"SELECT count(*) FROM pg_dist_partition WHERE logicalrelid =" + " 'public.events'::regclass"))
			.containsExactly("0");

		PgCopyDbRun resumed = PgCopyDbRun.run(env, "copy", "data", "--resume");
		assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
		assertThat(resumed.stderr()).contains(
				"Citus distribution: public.customers is already distributed by id, 4 shards on the target: kept",
				"Citus distribution: public.events is now distributed (by id, 6 shards");
		assertThat(PgCopyDbRun.run(env, "restore", "post-data", "--resume").exitCode()).isZero();
		snapshot.process().destroy();
		snapshot.finish();
		assertSameDistribution(server, "stop_src", server, "stop_tgt");
		assertSameRows(server, "stop_src", server, "stop_tgt");
	}

	@Test
	void multiNodeSourceAndTargetPlaceShardsOnBothNodes(@TempDir Path tmp) throws Exception {
		citus.createCluster("multi_src", true);
		citus.createCluster("multi_tgt", true);
		PgServer server = citus.coordinator();
		fill(server, "multi_src");
		// writes are quiesced: nothing writes to the source during the clone

		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--source", server.uri("multi_src"), "--target",
				server.uri("multi_tgt"), "--dir", tmp.resolve("work").toString());

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).contains("shards on 1 worker node(s) (127.0.0.1:" + citus.worker().port() + ")",
				"consistent only while writes to the source are stopped");
		assertSameDistribution(server, "multi_src", server, "multi_tgt");
		assertThat(
				CloneIT.strings(server, "multi_tgt",
						"SELECT n.groupid || ':' || (count(*) > 0) FROM pg_dist_placement pl JOIN pg_dist_node n"
								+ " USING (groupid) GROUP BY n.groupid ORDER BY 1"))
			.containsExactly("0:true", "1:true");
		assertThat(CloneIT.strings(citus.worker(), "multi_tgt",
				"SELECT count(*) > 0 FROM pg_dist_placement WHERE groupid = 1"))
			.containsExactly("t");
		assertSameRows(server, "multi_src", server, "multi_tgt");
		// what a DBA runs before the cut-over: the one difference is the CLUSTER ON mark
		// that Citus refuses on a Citus table (the clone warned about it)
		PgCopyDbRun compareData = PgCopyDbRun.run(Map.of(), "compare", "data", "--source", server.uri("multi_src"),
				"--target", server.uri("multi_tgt"));
		assertThat(compareData.exitCode()).as(compareData.toString()).isZero();
		PgCopyDbRun compareSchema = PgCopyDbRun.run(Map.of(), "compare", "schema", "--source", server.uri("multi_src"),
				"--target", server.uri("multi_tgt"));
		assertThat(compareSchema.exitCode()).as(compareSchema.toString()).isEqualTo(10);
		assertThat(compareSchema.stdout()).contains("index  public.events_pkey  clustered   true    (not set)",
				"1 difference(s) in 1 object(s)");
		assertForeignKeysHold(server, "multi_tgt");
	}

	@Test
	void targetWithoutCitusIsRefusedUnlessPlainTablesAreAsked(PgServers servers, @TempDir Path tmp) throws Exception {
		citus.createCluster("toplain_src", false);
		PgServer source = citus.coordinator();
		fill(source, "toplain_src");
		PgServer plain = servers.target();
		plain.dropDatabase("citus_plain");
		plain.createDatabase("citus_plain");

		PgCopyDbRun refused = PgCopyDbRun.run(Map.of(), "clone", "--source", source.uri("toplain_src"), "--target",
				plain.uri("citus_plain"), "--dir", tmp.resolve("refused").toString());

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
		assertThat(refused.errorLines()).hasSize(1)
			.first()
			.asString()
			.contains("the source distributes 11 tables with Citus (", "public.customers",
					"the target database citus_plain has no citus extension", "install Citus on the target",
					"--skip-citus-distribution");
		assertThat(CloneIT.strings(plain, "citus_plain",
				"SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
			.containsExactly("0");

		PgCopyDbRun plainTables = PgCopyDbRun.run(Map.of(), "clone", "--source", source.uri("toplain_src"), "--target",
				plain.uri("citus_plain"), "--dir", tmp.resolve("plain").toString(), "--skip-citus-distribution");

		assertThat(plainTables.exitCode()).as(plainTables.toString()).isZero();
		assertThat(plainTables.stderr()).contains("--skip-citus-distribution: the source's 11 Citus tables");
		assertThat(CloneIT.strings(plain, "citus_plain", "SELECT extname FROM pg_extension ORDER BY 1"))
			.doesNotContain("citus");
		assertSameRows(source, "toplain_src", plain, "citus_plain");
		PgCopyDbRun compare = PgCopyDbRun.run(Map.of(), "compare", "schema", "--source", source.uri("toplain_src"),
				"--target", plain.uri("citus_plain"), "--skip-citus-distribution");
		assertThat(compare.exitCode()).as(compare.toString()).isZero();
		plain.dropDatabase("citus_plain");
	}

	@Test
	void followFromCitusIsRefusedWithTheReason(@TempDir Path tmp) throws Exception {
		citus.createCluster("follow_src", false);
		citus.createCluster("follow_tgt", false);
		PgServer server = citus.coordinator();
		fill(server, "follow_src");

		PgCopyDbRun follow = PgCopyDbRun.run(Map.of(), "clone", "--follow", "--source", server.uri("follow_src"),
				"--target", server.uri("follow_tgt"), "--dir", tmp.resolve("work").toString());

		assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(3);
		assertThat(follow.errorLines()).hasSize(1)
			.first()
			.asString()
			.contains("is a Citus database with 13 tables in Citus's metadata: --follow cannot follow it",
					"the coordinator's snapshot does not cover reads of shards on workers");
		assertThat(CloneIT.strings(server, "postgres", "SELECT count(*) FROM pg_replication_slots"))
			.containsExactly("0");
	}

	/**
	 * Why the copy reads a Citus table through a query: in a session that imported the
	 * run's snapshot, COPY of the distributed table itself fetches its shards over new
	 * connections, which see rows committed after the snapshot; COPY (SELECT ...) reads
	 * the coordinator's own shards in the session, in the snapshot. (In a run, a session
	 * that already read a local shard in its transaction stays local, which hides this in
	 * most runs: hence a test of the copier itself.)
	 */
	@Test
	void aCitusTableIsReadInTheRunsSnapshot() throws Exception {
		citus.createCluster("snap_src", false);
		PgServer server = citus.coordinator();
		fill(server, "snap_src");
		server.createDatabase("snap_tgt");
		server.execute("snap_tgt", "CREATE TABLE customers (id bigint, country text, name text)");
		long oid = Long.parseLong(CloneIT.strings(server, "snap_src", "SELECT 'customers'::regclass::oid").get(0));
		SourceTable table = new SourceTable(oid, "public", "customers", "id, country, name", "", true, 0);
		try (Connection exporter = server.connect("snap_src")) {
			exporter.setAutoCommit(false);
			String snapshot;
			try (Statement statement = exporter.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				try (ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
					rs.next();
					snapshot = rs.getString(1);
				}
			}
			server.execute("snap_src",
					"INSERT INTO customers (country, name) SELECT 'FR', 'late' FROM" + " generate_series(1, 10)");

			assertThat(copy(server, snapshot, table, true)).as("COPY (SELECT ...) in the snapshot").isEqualTo(1000);
			assertThat(copy(server, snapshot, table, false)).as("COPY of the table itself, in Citus 12.1")
				.isEqualTo(1010);
		}
	}

	private static long oid(SourceTable table) {
		return table.oid();
	}

	private static long copy(PgServer server, String snapshot, SourceTable table, boolean throughQuery)
			throws Exception {
		try (Connection source = server.connect("snap_src"); Connection target = server.connect("snap_tgt")) {
			SourceSnapshot.begin(source, snapshot);
			CopyResult result = new TableCopier(64 * 1024).copy(
					source, target, List.of(new TableCopier.Load(table,
							CopyTarget.sameTable(oid(table), "\"public\".\"customers\""), false, throughQuery)),
					(bytes) -> {
					});
			source.rollback();
			return result.rows();
		}
	}

	/**
	 * Source {@code <name>_src}, filled, and target {@code <name>_tgt}, single-node Citus
	 * clusters, named in the tutorial's environment variables, --dir under {@code tmp}.
	 */
	private static Map<String, String> stepByStep(String name, Path tmp) {
		citus.createCluster(name + "_src", false);
		citus.createCluster(name + "_tgt", false);
		fill(citus.coordinator(), name + "_src");
		return Map.of("PGCOPYDB_SOURCE_PGURI", citus.coordinator().uri(name + "_src"), "PGCOPYDB_TARGET_PGURI",
				citus.coordinator().uri(name + "_tgt"), "TMPDIR", tmp.toString());
	}

	/** {@code coproc ( pgcopydb snapshot )}, once the snapshot is published in --dir. */
	private static PgCopyDbRun.Running holdSnapshot(Map<String, String> env, Path tmp) {
		PgCopyDbRun.Running holder = PgCopyDbRun.start(env, "snapshot");
		Path published = tmp.resolve("pgcopydb").resolve("snapshot");
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Files.exists(published) && !Files.readString(published).isBlank());
		return holder;
	}

	/**
	 * Every kind of Citus table, with rows; tables made before they are distributed, as a
	 * DBA does.
	 */
	private static void fill(PgServer server, String db) {
		// one statement at a time: a multi-node cluster refuses some of them in one
		// transaction
		for (String statement : FILL.split(";\n")) {
			if (!statement.isBlank()) {
				server.execute(db, statement);
			}
		}
	}

	private static final String FILL = """
			CREATE TABLE countries (code text PRIMARY KEY, name text);
			CREATE TABLE customers (id bigserial PRIMARY KEY, country text, name text);
			CREATE TABLE orders (customer_id bigint, id bigserial, total numeric, PRIMARY KEY (customer_id, id));
			CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);
			CREATE TABLE "Mixed Case" ("Key Col" int PRIMARY KEY, v text);
			CREATE TABLE measures (tenant int, at date, v float8) PARTITION BY RANGE (at);
			CREATE TABLE measures_2024 PARTITION OF measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
			CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
			CREATE TABLE loners (id int PRIMARY KEY, body text);
			CREATE TABLE loners2 (id int PRIMARY KEY, body text);
			CREATE TABLE notes (id int PRIMARY KEY, body text);
			CREATE TABLE colstore (id int, v text) USING columnar;
			ALTER TABLE events CLUSTER ON events_pkey;
			SELECT create_reference_table('countries');
			SELECT create_distributed_table('customers', 'id', shard_count := 4);
			SELECT create_distributed_table('orders', 'customer_id', colocate_with := 'customers');
			SELECT create_distributed_table('events', 'id', colocate_with := 'none', shard_count := 6);
			SELECT create_distributed_table('"Mixed Case"', 'Key Col', colocate_with := 'none', shard_count := 3);
			SELECT create_distributed_table('measures', 'tenant', colocate_with := '"Mixed Case"');
			SELECT create_distributed_table('loners', NULL, colocate_with := 'none');
			SELECT create_distributed_table('loners2', NULL, colocate_with := 'loners');
			SELECT citus_add_local_table_to_metadata('notes');
			ALTER TABLE customers ADD FOREIGN KEY (country) REFERENCES countries (code);
			ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
			CREATE INDEX events_g ON events ((payload ->> 'g'));
			CREATE SCHEMA tenant_a;
			SELECT citus_schema_distribute('tenant_a');
			CREATE SCHEMA tenant_empty;
			SELECT citus_schema_distribute('tenant_empty');
			CREATE TABLE tenant_a.items (id int PRIMARY KEY, name text);
			CREATE TABLE tenant_a.tags (id int PRIMARY KEY, item int REFERENCES tenant_a.items (id));
			INSERT INTO countries VALUES ('FR', 'France'), ('DE', 'Germany');
			INSERT INTO customers (country, name)
			  SELECT CASE WHEN g % 2 = 0 THEN 'FR' ELSE 'DE' END, 'c' || g FROM generate_series(1, 1000) g;
			INSERT INTO orders (customer_id, total) SELECT 1 + g % 1000, g FROM generate_series(1, 5000) g;
			INSERT INTO events SELECT g, jsonb_build_object('g', g) FROM generate_series(1, 3000) g;
			INSERT INTO "Mixed Case" SELECT g, 'v' || g FROM generate_series(1, 100) g;
			INSERT INTO measures SELECT g % 10, date '2024-06-01' + g % 400, g FROM generate_series(1, 2000) g;
			INSERT INTO loners SELECT g, 'l' || g FROM generate_series(1, 70) g;
			INSERT INTO loners2 SELECT g, 'm' || g FROM generate_series(1, 20) g;
			INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 50) g;
			INSERT INTO colstore SELECT g, 'x' || g FROM generate_series(1, 500) g;
			INSERT INTO tenant_a.items SELECT g, 'i' || g FROM generate_series(1, 30) g;
			INSERT INTO tenant_a.tags SELECT g, g FROM generate_series(1, 30) g;
			""";

	private static void assertSameDistribution(PgServer source, String sourceDb, PgServer target, String targetDb)
			throws SQLException {
		List<String> expected = CloneIT.strings(source, sourceDb, DISTRIBUTION);
		assertThat(expected).hasSize(13);
		assertThat(CloneIT.strings(target, targetDb, DISTRIBUTION)).containsExactlyElementsOf(expected);
		assertThat(CloneIT.strings(target, targetDb, SCHEMAS)).containsExactly("tenant_a", "tenant_empty")
			.containsExactlyElementsOf(CloneIT.strings(source, sourceDb, SCHEMAS));
	}

	/**
	 * The tables of the database with Citus's shards shown, less those its own metadata
	 * names as its shards: shards copied as tables would be in the list.
	 */
	private static List<String> userTablesWithShardsShown(PgServer server, String db) throws SQLException {
		try (Connection connection = server.connect(db); Statement statement = connection.createStatement()) {
			statement.execute("SET citus.override_table_visibility = off");
			List<String> tables = new java.util.ArrayList<>();
			try (ResultSet rs = statement.executeQuery("SELECT n.nspname || '.' || c.relname FROM pg_class c"
					+ " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
					+ " AND n.nspname IN ('public', 'tenant_a') AND c.relname NOT IN (SELECT (parse_ident("
					+ "shard_name(logicalrelid, shardid)))[array_length(parse_ident(shard_name(logicalrelid, shardid)),"
					+ " 1)] FROM pg_dist_shard) ORDER BY 1")) {
				while (rs.next()) {
					tables.add(rs.getString(1));
				}
			}
			return tables;
		}
	}

	/** Row count and checksum of each table, through the coordinators. */
	private static void assertSameRows(PgServer source, String sourceDb, PgServer target, String targetDb)
			throws SQLException {
		try (Connection from = source.connect(sourceDb); Connection to = target.connect(targetDb)) {
			// shards hidden, whatever the database says (the single-node test shows them)
			for (Connection connection : List.of(from, to)) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET citus.show_shards_for_app_name_prefixes = ''");
				}
			}
			var expected = DatabaseComparison.tableChecksums(from);
			assertThat(expected).containsKey("public.orders").containsKey("tenant_a.tags");
			assertThat(DatabaseComparison.tableChecksums(to)).isEqualTo(expected);
		}
	}

	/** The foreign keys exist on the distributed tables and hold for new rows. */
	private static void assertForeignKeysHold(PgServer server, String db) throws SQLException {
		try (Connection connection = server.connect(db); Statement statement = connection.createStatement()) {
			assertThatThrownBy(() -> statement.execute("INSERT INTO orders (customer_id, total) VALUES (999999, 1)"))
				.hasMessageContaining("violates foreign key constraint");
			assertThatThrownBy(() -> statement.execute("INSERT INTO tenant_a.tags VALUES (1000, 999999)"))
				.hasMessageContaining("violates foreign key constraint");
			statement.execute("INSERT INTO orders (customer_id, total) VALUES (1, 1)");
		}
	}

}

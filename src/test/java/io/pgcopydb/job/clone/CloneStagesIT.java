package io.pgcopydb.job.clone;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.schema.PgToolLocator;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clone job's stages run alone, through spring-batch-test, against real servers:
 * without the command line, the launcher or the packaged jar. The target's schema is made
 * by hand here (what {@code restore pre-data} would do), so that each test runs only the
 * stages it is about and checks what they left in the JobRepository and on the target.
 */
@ExtendWith(PostgresExtension.class)
class CloneStagesIT {

	private static final String SOURCE_SCHEMA = """
			CREATE SCHEMA sales;
			CREATE TABLE public.small (id integer PRIMARY KEY, label text);
			INSERT INTO public.small SELECT g, 'small ' || g FROM generate_series(1, 100) g;
			CREATE TABLE public.big (id bigint PRIMARY KEY, payload text NOT NULL);
			INSERT INTO public.big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
			CREATE INDEX big_payload ON public.big (payload);
			CREATE TABLE sales."Order Lines" (line integer, qty numeric(10, 2));
			INSERT INTO sales."Order Lines" SELECT g, g / 7.0 FROM generate_series(1, 1000) g;
			ANALYZE;
			""";

	/** The tables without their indexes and constraints, as pre-data leaves them. */
	private static final String TARGET_TABLES = """
			CREATE SCHEMA sales;
			CREATE TABLE public.small (id integer NOT NULL, label text);
			CREATE TABLE public.big (id bigint NOT NULL, payload text NOT NULL);
			CREATE TABLE sales."Order Lines" (line integer, qty numeric(10, 2));
			""";

	private final StopSignal stop = new StopSignal();

	private PgServers servers;

	private String db;

	@AfterEach
	void dropDatabases() {
		if (this.servers != null) {
			this.servers.source().dropDatabase(this.db);
			this.servers.target().dropDatabase(this.db);
		}
	}

	@Test
	void copyDataAloneCopiesEveryPlannedTableAndLeavesTheOtherStagesToDo(PgServers servers, @TempDir Path dir)
			throws Exception {
		prepare(servers, "stage_copy_data", TARGET_TABLES);

		try (ConfigurableApplicationContext context = context(dir, EnumSet.of(Stage.TABLE_DATA))) {
			JobExecution execution = testUtils(context).startJob();

			assertThat(RunOutcome.isPaused(execution)).as("%s", execution).isTrue();
			assertThat(execution.getExitStatus().getExitDescription()).contains("still to do", "restore pre-data",
					"copy indexes", "restore post-data");
			assertThat(stepNames(execution)).containsExactlyInAnyOrder("snapshot", "catalog", "distribute",
					"planTargets", "prepareSlices", "copyData", "extensionData", copyTable("public.small"),
					copyTable("public.big"), copyTable("sales.\"Order Lines\""));
			assertThat(execution.getStepExecutions()).allSatisfy(
					(step) -> assertThat(step.getStatus()).as(step.getStepName()).isEqualTo(BatchStatus.COMPLETED));
			assertThat(partition(execution, copyTable("public.big")).getWriteCount()).isEqualTo(50_000);
		}
		assertThat(rowCounts(servers.target())).isEqualTo(rowCounts(servers.source()));
		assertThat(count(servers.target(), "SELECT count(*) FROM pg_indexes WHERE schemaname IN ('public', 'sales')"))
			.as("no index stage ran")
			.isZero();
	}

	@Test
	void aTableThatFailsIsTheOnlyPartitionARestartCopiesAgain(PgServers servers, @TempDir Path dir) throws Exception {
		prepare(servers, "stage_copy_restart",
				TARGET_TABLES + "ALTER TABLE public.small ADD COLUMN required integer NOT NULL;");

		try (ConfigurableApplicationContext context = context(dir, EnumSet.of(Stage.TABLE_DATA))) {
			JobExecution failed = testUtils(context).startJob();

			assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(partition(failed, copyTable("public.small")).getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(partition(failed, copyTable("public.big")).getStatus()).isEqualTo(BatchStatus.COMPLETED);

			servers.target().execute(this.db, "ALTER TABLE public.small DROP COLUMN required");
			JobExecution restarted = context.getBean(JobOperator.class).restart(failed);

			assertThat(RunOutcome.isPaused(restarted)).as("%s", restarted).isTrue();
			assertThat(stepNames(restarted)).filteredOn(PartitionKey::isPartition)
				.as("tables committed before the failure are not copied again")
				.containsExactly(copyTable("public.small"));
		}
		assertThat(rowCounts(servers.target())).isEqualTo(rowCounts(servers.source()));
	}

	@Test
	void eachIndexBuildStartsOnlyAfterItsTableIsCopied(PgServers servers, @TempDir Path dir) throws Exception {
		prepare(servers, "stage_indexes", TARGET_TABLES);
		Map<String, String> indexTables = indexTables(servers.source());

		try (ConfigurableApplicationContext context = context(dir, EnumSet.of(Stage.TABLE_DATA, Stage.INDEXES))) {
			JobExecution execution = testUtils(context).startJob();

			assertThat(RunOutcome.isPaused(execution)).as("%s", execution).isTrue();
			assertThat(indexTables).hasSize(3);
			indexTables.forEach((index, table) -> {
				StepExecution build = partition(execution, index);
				StepExecution copy = partition(execution, table);
				assertThat(build.getStatus()).isEqualTo(BatchStatus.COMPLETED);
				assertThat(build.getStartTime()).as("%s starts after %s ended", index, table)
					.isAfterOrEqualTo(copy.getEndTime());
			});
		}
		assertThat(count(servers.target(), "SELECT count(*) FROM pg_indexes WHERE schemaname IN ('public', 'sales')"))
			.isEqualTo(3);
		assertThat(count(servers.target(),
				"SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
						+ "ON n.oid = c.connamespace WHERE c.contype = 'p' AND n.nspname IN ('public', 'sales')"))
			.as("the PRIMARY KEYs attached to their indexes")
			.isEqualTo(2);
	}

	private void prepare(PgServers servers, String db, String targetTables) {
		this.servers = servers;
		this.db = db;
		servers.source().dropDatabase(db);
		servers.target().dropDatabase(db);
		servers.source().createDatabase(db);
		servers.target().createDatabase(db);
		servers.source().execute(db, SOURCE_SCHEMA);
		servers.target().execute(db, targetTables);
	}

	/**
	 * The clone job's context, as the launcher builds it, for a command running
	 * {@code stages}.
	 */
	private ConfigurableApplicationContext context(Path dir, Set<Stage> stages) {
		PgEndpoint source = endpoint(Side.SOURCE, this.servers.source());
		PgEndpoint target = endpoint(Side.TARGET, this.servers.target());
		WorkDirectory work = new WorkDirectory(dir).create();
		CloneRequest request = new CloneRequest(source, target, work, 2, 2, 1, 2, false, false, false, false, false,
				false, null, new PgToolLocator(null, System.getenv()).locate(source.serverVersion().major()),
				source.serverVersion(), target.serverVersion(), CloneRequest.Mode.FRESH, false, "stages test", stages,
				CloneRequest.ObjectOptions.DEFAULT, io.pgcopydb.filter.Filters.NONE,
				io.pgcopydb.copy.TableSlicer.Options.NONE, false);
		return BatchContext.start(work, this.stop, request, CloneContext.class);
	}

	private PgEndpoint endpoint(Side side, PgServer server) {
		return new PgEndpoint(side, ConnectionString.parse(server.uri(this.db), side.option()));
	}

	private static JobOperatorTestUtils testUtils(ConfigurableApplicationContext context) {
		JobOperatorTestUtils utils = new JobOperatorTestUtils(context.getBean(JobOperator.class),
				context.getBean(JobRepository.class));
		utils.setJob(context.getBean("cloneJob", Job.class));
		return utils;
	}

	private String copyTable(String table) throws SQLException {
		return PartitionKey.object(CloneSteps.COPY_TABLE, oid(this.servers.source(), table)).stepName();
	}

	/** Each index's buildIndex partition, and the copyTable partition of its table. */
	private Map<String, String> indexTables(PgServer source) throws SQLException {
		Map<String, String> pairs = new HashMap<>();
		try (Connection connection = source.connect(this.db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT x.indexrelid, x.indrelid FROM pg_index x "
						+ "JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
						+ "WHERE n.nspname IN ('public', 'sales')")) {
			while (rs.next()) {
				pairs.put(PartitionKey.object(CloneSteps.BUILD_INDEX, rs.getLong(1)).stepName(),
						PartitionKey.object(CloneSteps.COPY_TABLE, rs.getLong(2)).stepName());
			}
		}
		return pairs;
	}

	private long oid(PgServer server, String table) throws SQLException {
		return count(server, "SELECT '" + table.replace("'", "''") + "'::regclass::oid");
	}

	private Map<String, Long> rowCounts(PgServer server) throws SQLException {
		Map<String, Long> counts = new HashMap<>();
		for (String table : List.of("public.small", "public.big", "sales.\"Order Lines\"")) {
			counts.put(table, count(server, "SELECT count(*) FROM " + table));
		}
		return counts;
	}

	private long count(PgServer server, String query) throws SQLException {
		try (Connection connection = server.connect(this.db);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static List<String> stepNames(JobExecution execution) {
		return execution.getStepExecutions().stream().map(StepExecution::getStepName).toList();
	}

	private static StepExecution partition(JobExecution execution, String name) {
		return execution.getStepExecutions()
			.stream()
			.filter((step) -> step.getStepName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " not among " + stepNames(execution)));
	}

}

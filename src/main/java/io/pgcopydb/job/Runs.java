package io.pgcopydb.job;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;

/**
 * The runs recorded in a --dir, for schedulers and operators: list them, show one, read
 * the progress of the last clone, ask a running one to stop, abandon one. Reads go
 * straight to the repository tables in short statements, so they work from a second
 * process while a job runs.
 */
@Component
public class Runs {

	private static final String EXECUTIONS = "SELECT je.JOB_EXECUTION_ID, ji.JOB_NAME, je.STATUS, je.EXIT_CODE, "
			+ "je.START_TIME, je.END_TIME, ji.JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION je "
			+ "JOIN BATCH_JOB_INSTANCE ji ON ji.JOB_INSTANCE_ID = je.JOB_INSTANCE_ID ";

	private final JdbcTemplate jdbc;

	private final JobRepository repository;

	private final JobOperator operator;

	Runs(JdbcTemplate jdbc, JobRepository repository, JobOperator operator) {
		this.jdbc = jdbc;
		this.repository = repository;
		this.operator = operator;
	}

	/** Every job execution recorded, newest first. */
	public List<Run> list() {
		return this.jdbc.query(EXECUTIONS + "ORDER BY je.JOB_EXECUTION_ID DESC", (rs, row) -> run(rs));
	}

	public Run show(long executionId) {
		return this.jdbc.query(EXECUTIONS + "WHERE je.JOB_EXECUTION_ID = ?", (rs, row) -> run(rs), executionId)
			.stream()
			.findFirst()
			.orElseThrow(() -> new BadArgumentsException(
					"no job execution " + executionId + " in this --dir: pgcopydb job list shows the recorded ones"));
	}

	/** The steps of one execution (partitions summed into their manager's line). */
	public List<StepRun> steps(long executionId) {
		return this.jdbc.query("SELECT STEP_NAME, STATUS, START_TIME, END_TIME, WRITE_COUNT FROM BATCH_STEP_EXECUTION "
				+ "WHERE JOB_EXECUTION_ID = ? AND STEP_NAME NOT LIKE '%" + StepNames.PARTITION_SEPARATOR
				+ "%' ORDER BY STEP_EXECUTION_ID", Runs::stepRun, executionId);
	}

	/**
	 * The steps of a whole run: the latest execution of each step in the job instance,
	 * whichever of its executions (one per command, for a step-by-step run) ran it.
	 */
	public List<StepRun> runSteps(long instanceId) {
		return this.jdbc.query("SELECT se.STEP_NAME, se.STATUS, se.START_TIME, se.END_TIME, se.WRITE_COUNT "
				+ "FROM BATCH_STEP_EXECUTION se JOIN (SELECT s.STEP_NAME, MIN(s.STEP_EXECUTION_ID) AS FIRST_ID, "
				+ "MAX(s.STEP_EXECUTION_ID) AS LAST_ID FROM BATCH_STEP_EXECUTION s "
				+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID "
				+ "WHERE je.JOB_INSTANCE_ID = ? AND s.STEP_NAME NOT LIKE '%" + StepNames.PARTITION_SEPARATOR
				+ "%' GROUP BY s.STEP_NAME) g ON se.STEP_EXECUTION_ID = g.LAST_ID ORDER BY g.FIRST_ID", Runs::stepRun,
				instanceId);
	}

	/** Columns: name, status, start, end, write count. */
	private static StepRun stepRun(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new StepRun(rs.getString(1), rs.getString(2), time(rs.getTimestamp(3)), time(rs.getTimestamp(4)),
				rs.getLong(5));
	}

	/**
	 * Asks a running execution to stop: it is recorded STOPPING, and the process running
	 * it notices within a second and stops cleanly.
	 */
	public void stop(long executionId, WorkDirectory dir) {
		Run run = show(executionId);
		if (!BatchStatus.valueOf(run.status()).isRunning()) {
			throw new BadStateException("job execution " + executionId + " is not running (" + run.status() + ")");
		}
		if (!dir.isLocked()) {
			throw new BadStateException("job execution " + executionId + " is recorded " + run.status()
					+ " but no process runs it (it was killed): finish it with pgcopydb clone --resume");
		}
		// only while still running: a run that just ended must not be marked STOPPING
		int updated = this.jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STOPPING', VERSION = VERSION + 1 "
				+ "WHERE JOB_EXECUTION_ID = ? AND STATUS IN ('STARTING', 'STARTED')", executionId);
		if (updated == 0) {
			throw new BadStateException("job execution " + executionId + " ended meanwhile ("
					+ show(executionId).status() + "): nothing to stop");
		}
	}

	/**
	 * Marks an execution that is not running ABANDONED: a restart will never pick it up.
	 */
	public void abandon(long executionId, WorkDirectory dir) throws Exception {
		Run run = show(executionId);
		JobExecution execution = this.repository.getJobExecution(executionId);
		if (execution.getStatus().isRunning()) {
			if (dir.isLocked()) {
				throw new BadStateException("job execution " + executionId + " is running: stop it first with"
						+ " pgcopydb job stop " + executionId);
			}
			execution = this.operator.recover(execution);
		}
		if (BatchStatus.valueOf(run.status()) == BatchStatus.COMPLETED) {
			throw new BadStateException("job execution " + executionId + " completed: there is nothing to abandon");
		}
		this.operator.abandon(execution);
	}

	/** The progress of the last clone recorded, or null when none is. */
	public Progress progress() {
		List<Run> clones = this.jdbc.query(EXECUTIONS + "WHERE ji.JOB_NAME = ? ORDER BY je.JOB_EXECUTION_ID DESC",
				(rs, row) -> run(rs), StepNames.CLONE_JOB);
		if (clones.isEmpty()) {
			return null;
		}
		Run last = clones.get(0);
		long instance = last.instanceId();
		int tables = count("SELECT count(*) FROM PGCOPYDB_PLAN_TABLE WHERE JOB_INSTANCE_ID = ?", instance);
		int indexes = count("SELECT count(*) FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ?", instance);
		int tablesDone = completed(StepNames.COPY_TABLE, instance);
		int indexesDone = completed(StepNames.BUILD_INDEX, instance);
		Long rows = this.jdbc.queryForObject(
				"SELECT COALESCE(SUM(se.WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION se "
						+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
						+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STATUS = 'COMPLETED' AND se.STEP_NAME LIKE ?",
				Long.class, instance, StepNames.COPY_TABLE + StepNames.PARTITION_SEPARATOR + "%");
		List<String> inProgress = this.jdbc
			.query("SELECT t.SCHEMA_NAME || '.' || t.TABLE_NAME FROM BATCH_STEP_EXECUTION se "
					+ "JOIN PGCOPYDB_PLAN_TABLE t ON t.JOB_INSTANCE_ID = ? AND se.STEP_NAME = ? || CAST(t.TABLE_OID AS TEXT) "
					+ "WHERE se.JOB_EXECUTION_ID = ? AND se.STATUS = 'STARTED' ORDER BY 1",
					(rs, row) -> rs.getString(1), instance, StepNames.COPY_TABLE + StepNames.PARTITION_SEPARATOR,
					last.executionId());
		LocalDateTime end = (last.end() != null) ? last.end() : LocalDateTime.now();
		Duration elapsed = (last.start() != null) ? Duration.between(last.start(), end) : Duration.ZERO;
		return new Progress(last, elapsed, tables, tablesDone, inProgress, (rows != null) ? rows : 0, indexes,
				indexesDone, runSteps(instance));
	}

	private int completed(String workerStep, long instance) {
		return count("SELECT count(DISTINCT se.STEP_NAME) FROM BATCH_STEP_EXECUTION se "
				+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
				+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STATUS = 'COMPLETED' AND se.STEP_NAME LIKE '" + workerStep
				+ StepNames.PARTITION_SEPARATOR + "%'", instance);
	}

	private int count(String sql, long instance) {
		Integer count = this.jdbc.queryForObject(sql, Integer.class, instance);
		return (count != null) ? count : 0;
	}

	private static Run run(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), time(rs.getTimestamp(5)),
				time(rs.getTimestamp(6)), rs.getLong(7));
	}

	private static LocalDateTime time(java.sql.Timestamp value) {
		return (value == null) ? null : value.toLocalDateTime();
	}

	/** One job execution. */
	public record Run(long executionId, String job, String status, String exitCode, LocalDateTime start,
			LocalDateTime end, long instanceId) {
	}

	/** One step of an execution. */
	public record StepRun(String name, String status, LocalDateTime start, LocalDateTime end, long count) {
	}

	/** Where the last clone stands: what {@code pgcopydb list progress} shows. */
	public record Progress(Run run, Duration elapsed, int tablesTotal, int tablesDone, List<String> tablesInProgress,
			long rows, int indexesTotal, int indexesDone, List<StepRun> steps) {
	}

}

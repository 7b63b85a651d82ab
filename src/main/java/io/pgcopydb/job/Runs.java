package io.pgcopydb.job;

import java.time.LocalDateTime;
import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.progress.RunSummary;

/**
 * The runs recorded in a --dir, for schedulers and operators: list them, show one, ask a
 * running one to stop, abandon one (a job's own progress queries live with the job).
 * Reads go straight to the repository tables in short statements, so they work from a
 * second process while a job runs.
 */
public class Runs {

	/** The job parameter recording a run's --dir. */
	public static final String DIR_PARAMETER = "dir";

	/** The job parameter recording the host a run's --dir is on. */
	public static final String HOST_PARAMETER = "host";

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
			.orElseThrow(() -> noSuchExecution(executionId));
	}

	/**
	 * The execution's status and job, read without a JobRepository (for {@code job stop},
	 * which starts no Spring context): its consistency is not read.
	 */
	private static Run show(JdbcTemplate jdbc, long executionId) {
		return jdbc
			.query(EXECUTIONS + "WHERE je.JOB_EXECUTION_ID = ?",
					(rs, row) -> new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
							time(rs.getTimestamp(5)), time(rs.getTimestamp(6)), rs.getLong(7), null),
					executionId)
			.stream()
			.findFirst()
			.orElseThrow(() -> noSuchExecution(executionId));
	}

	private static BadArgumentsException noSuchExecution(long executionId) {
		return new BadArgumentsException(
				"no job execution " + executionId + " in this --dir: pgcopydb job list shows the recorded ones");
	}

	/** The steps of one execution (partitions summed into their manager's line). */
	public List<StepRun> steps(long executionId) {
		return this.jdbc.query("SELECT STEP_NAME, STATUS, START_TIME, END_TIME, WRITE_COUNT FROM BATCH_STEP_EXECUTION "
				+ "WHERE JOB_EXECUTION_ID = ? AND STEP_NAME NOT LIKE '%" + PartitionKey.SEPARATOR
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
				+ "WHERE je.JOB_INSTANCE_ID = ? AND s.STEP_NAME NOT LIKE '%" + PartitionKey.SEPARATOR
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
		stop(this.jdbc, executionId, dir);
	}

	/**
	 * As {@link #stop(long, WorkDirectory)}, over a bare connection to the repository:
	 * {@code job stop} needs no Spring context, whose start took seconds of the command's
	 * 8-10 s on a busy machine.
	 */
	static void stop(JdbcTemplate jdbc, long executionId, WorkDirectory dir) {
		Run run = show(jdbc, executionId);
		if (!BatchStatus.valueOf(run.status()).isRunning()) {
			throw new BadStateException("job execution " + executionId + " is not running (" + run.status() + ")");
		}
		if (!dir.isLocked()) {
			throw new BadStateException("job execution " + executionId + " is recorded " + run.status()
					+ " but no process runs it (it was killed): finish it with pgcopydb " + run.job() + " --resume");
		}
		// only while still running: a run that just ended must not be marked STOPPING
		int updated = jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STOPPING', VERSION = VERSION + 1 "
				+ "WHERE JOB_EXECUTION_ID = ? AND STATUS IN ('STARTING', 'STARTED')", executionId);
		if (updated == 0) {
			throw new BadStateException("job execution " + executionId + " ended meanwhile ("
					+ show(jdbc, executionId).status() + "): nothing to stop");
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

	/** The last execution of {@code job}, or null when none is recorded. */
	public Run last(String job) {
		return this.jdbc
			.query(EXECUTIONS + "WHERE ji.JOB_NAME = ? ORDER BY je.JOB_EXECUTION_ID DESC", (rs, row) -> run(rs), job)
			.stream()
			.findFirst()
			.orElse(null);
	}

	/**
	 * Checks that {@code executionId} is the last execution of {@code job} in
	 * {@code dir}: a command that finishes a run by its id acts on the last run only.
	 */
	public void requireLast(String job, long executionId, WorkDirectory dir) {
		Run last = last(job);
		if (last == null || last.executionId() != executionId) {
			throw new BadStateException("job execution " + executionId + " is not the last " + job + " of --dir "
					+ dir.root() + ((last == null) ? "" : " (that is " + last.executionId() + ")")
					+ ": job restart finishes the last " + job + "; see pgcopydb job list");
		}
	}

	/**
	 * Refuses to continue, from another --dir or host, a run kept in a shared repository:
	 * its schema archives, change files and logs are in the --dir it was started from.
	 */
	public static void requireSameDirectory(WorkDirectory dir, JobExecution last) {
		requireSameDirectory(dir, last, false);
	}

	/**
	 * As above; a distributed clone ({@code anyHost}) may be finished from another host
	 * that has the --dir at the same path (shared storage, or a copy of it): its
	 * manager's host may be the one that died.
	 */
	public static void requireSameDirectory(WorkDirectory dir, JobExecution last, boolean anyHost) {
		if (dir.sharedRepository() == null || last == null) {
			return;
		}
		String recordedDir = last.getJobParameters().getString(DIR_PARAMETER);
		String recordedHost = last.getJobParameters().getString(HOST_PARAMETER);
		String host = SharedRepository.hostName();
		boolean sameDir = recordedDir == null || recordedDir.equals(dir.root().toString());
		boolean sameHost = anyHost || recordedHost == null || recordedHost.equals(host);
		if (!sameDir || !sameHost) {
			throw new BadStateException("the run " + dir.sharedRepository().schema() + " was started from --dir "
					+ recordedDir + ((recordedHost != null) ? " on host " + recordedHost : "")
					+ " (its schema archives, change files and logs are there): finish it from that --dir"
					+ (sameHost ? "" : " on that host (with --distributed, any host with that --dir)")
					+ ", or name another run with --run-name");
		}
	}

	private Run run(java.sql.ResultSet rs) throws java.sql.SQLException {
		long id = rs.getLong(1);
		return new Run(id, rs.getString(2), rs.getString(3), rs.getString(4), time(rs.getTimestamp(5)),
				time(rs.getTimestamp(6)), rs.getLong(7), notConsistent(id));
	}

	/**
	 * What the execution's context records under {@link RunSummary#NOT_CONSISTENT_KEY}
	 * (the run was resumed from a new snapshot), or null.
	 */
	private String notConsistent(long executionId) {
		JobExecution execution = this.repository.getJobExecution(executionId);
		return (execution != null) ? execution.getExecutionContext().getString(RunSummary.NOT_CONSISTENT_KEY, null)
				: null;
	}

	private static LocalDateTime time(java.sql.Timestamp value) {
		return (value == null) ? null : value.toLocalDateTime();
	}

	/**
	 * One job execution.
	 *
	 * @param notConsistent why the run's tables are not from one snapshot (it was resumed
	 * with --not-consistent from a new one), or null when they are
	 */
	public record Run(long executionId, String job, String status, String exitCode, LocalDateTime start,
			LocalDateTime end, long instanceId, String notConsistent) {

		public boolean consistent() {
			return this.notConsistent == null;
		}

	}

	/** One step of an execution. */
	public record StepRun(String name, String status, LocalDateTime start, LocalDateTime end, long count) {
	}

}

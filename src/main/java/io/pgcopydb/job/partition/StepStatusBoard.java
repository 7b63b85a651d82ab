package io.pgcopydb.job.partition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the JobRepository says about the steps of one job instance, read in one query:
 * which steps ever completed (in this execution or an earlier one that a restart skips),
 * which were ever attempted, and each step's status in the current execution. A run reads
 * it to decide what a continuation must redo or check; the {@link LiveStatus} of a
 * running execution starts from it.
 */
@Component
public class StepStatusBoard {

	private static final String QUERY = "SELECT se.STEP_NAME, se.STATUS, se.JOB_EXECUTION_ID FROM BATCH_STEP_EXECUTION se "
			+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID WHERE je.JOB_INSTANCE_ID = ?";

	private final JdbcTemplate jdbc;

	public StepStatusBoard(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public Snapshot read(long jobInstanceId, long currentJobExecutionId) {
		Set<String> completed = new HashSet<>();
		Set<String> attempted = new HashSet<>();
		Map<String, BatchStatus> current = new HashMap<>();
		this.jdbc.query(QUERY, (rs) -> {
			String name = rs.getString(1);
			BatchStatus status = BatchStatus.valueOf(rs.getString(2));
			attempted.add(name);
			if (status == BatchStatus.COMPLETED) {
				completed.add(name);
			}
			if (rs.getLong(3) == currentJobExecutionId) {
				current.put(name, status);
			}
		}, jobInstanceId);
		return new Snapshot(completed, attempted, current);
	}

	/**
	 * How many executions of {@code stepName} the instance has that started running, the
	 * running one included: more than one means an earlier one may have done part of its
	 * work. A partition planned but never started (a run stopped before its turn) has an
	 * execution without a start time, and is not counted.
	 */
	public int startedExecutions(long jobInstanceId, String stepName) {
		Integer count = this.jdbc.queryForObject(
				"SELECT count(*) FROM BATCH_STEP_EXECUTION se "
						+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
						+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STEP_NAME = ? AND se.START_TIME IS NOT NULL",
				Integer.class, jobInstanceId, stepName);
		return (count != null) ? count : 0;
	}

	/**
	 * The steps whose name starts with {@code prefix} that started running in some
	 * execution of the instance and never completed in any.
	 */
	public Set<String> startedNotCompleted(long jobInstanceId, String prefix) {
		return new HashSet<>(this.jdbc.queryForList("SELECT DISTINCT se.STEP_NAME FROM BATCH_STEP_EXECUTION se "
				+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
				+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STEP_NAME LIKE ? AND se.START_TIME IS NOT NULL "
				+ "AND NOT EXISTS (SELECT 1 FROM BATCH_STEP_EXECUTION done "
				+ "JOIN BATCH_JOB_EXECUTION dje ON dje.JOB_EXECUTION_ID = done.JOB_EXECUTION_ID "
				+ "WHERE dje.JOB_INSTANCE_ID = je.JOB_INSTANCE_ID AND done.STEP_NAME = se.STEP_NAME "
				+ "AND done.STATUS = 'COMPLETED')", String.class, jobInstanceId, prefix + "%"));
	}

	/**
	 * One reading of the board.
	 *
	 * @param completed steps completed in any execution of the instance
	 * @param attempted steps with an execution of any status in the instance
	 * @param current each step's status in the current execution
	 */
	public record Snapshot(Set<String> completed, Set<String> attempted,
			Map<String, BatchStatus> current) implements StatusView {

		@Override
		public boolean isCompleted(String stepName) {
			return this.completed.contains(stepName);
		}

		/** Started at least once in this instance, whatever became of it. */
		public boolean wasAttempted(String stepName) {
			return this.attempted.contains(stepName);
		}

		/**
		 * Failed, stopped or abandoned in the current execution: it will not complete in
		 * this run.
		 */
		@Override
		public boolean hasFailed(String stepName) {
			return StatusView.failed(this.current.get(stepName));
		}

		/**
		 * Ended in this execution, or completed earlier so this execution will not run
		 * it.
		 */
		@Override
		public boolean hasEnded(String stepName) {
			return StatusView.ended(this.current.get(stepName), this.completed.contains(stepName));
		}

	}

}

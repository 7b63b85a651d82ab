package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.StepStatusBoard;

/**
 * Readies each split table before its slices copy, on every execution of the run (a
 * resumed one included), while none of them runs:
 * <ul>
 * <li>a table none of whose slices has completed is emptied: its slices then start from
 * nothing, whatever an earlier attempt or command left;
 * <li>a table split by CTID, some of whose slices completed while another one ran and did
 * not complete (it may have committed before the process died), is emptied and sliced
 * anew: a new generation, whose partitions all run again, since a CTID slice's rows
 * cannot be told apart on the target;
 * <li>a table split by key keeps its completed slices: a slice that ran before deletes
 * its own range first ({@link CopyTableTasklet}).
 * </ul>
 * No row is lost or doubled either way.
 */
class PrepareSlicesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(PrepareSlicesTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	private final StepStatusBoard board;

	PrepareSlicesTasklet(CloneRequest request, Sessions sessions, ClonePlan plan, StepStatusBoard board) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
		this.board = board;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		Map<Long, List<TableSlice>> slices = this.plan.slices(instance);
		if (slices.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		Map<Long, Integer> generations = this.plan.generations(instance);
		StepStatusBoard.Snapshot status = this.board.read(instance, Executions.step(chunkContext).getJobExecutionId());
		Set<String> interrupted = this.board.startedNotCompleted(instance,
				CloneSteps.COPY_TABLE + PartitionKey.SEPARATOR);
		try (Connection target = this.sessions.target("prepare split tables")) {
			for (Map.Entry<Long, List<TableSlice>> entry : slices.entrySet()) {
				SourceTable table = this.plan.table(instance, entry.getKey());
				CopyTarget copyTarget = this.plan.target(instance, table);
				int generation = generations.getOrDefault(table.oid(), 1);
				List<String> names = entry.getValue()
					.stream()
					.map((slice) -> PartitionKey.slice(CloneSteps.COPY_TABLE, table.oid(), generation, slice.number())
						.stepName())
					.toList();
				long completed = names.stream().filter(status::isCompleted).count();
				List<String> unfinished = names.stream().filter(interrupted::contains).toList();
				if (completed == 0) {
					empty(target, copyTarget);
					logger.debug("Emptied {} for its {} slices", copyTarget.relation(), names.size());
				}
				else if (entry.getValue().get(0).kind() == TableSlice.Kind.CTID && !unfinished.isEmpty()) {
					int next = this.plan.nextGeneration(instance, table.oid());
					empty(target, copyTarget);
					logger.info("{}: {} did not complete and may have committed; a slice by page range cannot be"
							+ " redone alone, so the table was emptied and its {} slices copy again (generation {})",
							table.displayName(), String.join(", ", unfinished), names.size(), next);
				}
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("emptying the split tables before their slices copy", ex);
		}
		return RepeatStatus.FINISHED;
	}

	private static void empty(Connection target, CopyTarget copyTarget) throws SQLException {
		try (Statement statement = target.createStatement()) {
			statement.execute(copyTarget.truncate());
		}
	}

}

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
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * Readies each split table before its slices copy, on every execution of the run (a
 * resumed one included), while none of them runs:
 * <ul>
 * <li>a table none of whose slices has completed is emptied: its slices then start from
 * nothing, whatever an earlier attempt or command left;
 * <li>a table split by CTID, some of whose slices completed, is emptied and sliced anew
 * (a new generation, whose partitions all run again) when another of its slices may have
 * committed without being recorded (it was marked just before its commit, see
 * {@link ClonePlan#markCommitting}), or when this run reads another snapshot than its
 * slices did (--not-consistent: page ranges then select other rows): a CTID slice's rows
 * cannot be told apart on the target. A slice that failed before its commit left nothing
 * and runs again alone;
 * <li>a table split by key keeps its completed slices: a slice that ran before deletes
 * its own range first ({@link CopyTableTasklet}).
 * </ul>
 * No row is lost or doubled either way. It also warns when this command's split options
 * differ from those the run's slices were cut with.
 */
class PrepareSlicesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(PrepareSlicesTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	private final StepStatusBoard board;

	private final RunSnapshot snapshot;

	PrepareSlicesTasklet(CloneRequest request, Sessions sessions, ClonePlan plan, StepStatusBoard board,
			RunSnapshot snapshot) {
		this.snapshot = snapshot;
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
		this.board = board;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		Map<Long, List<TableSlice>> slices = this.plan.slices(instance);
		warnOnOtherOptions(chunkContext);
		if (slices.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		String snapshotId = this.snapshot.id();
		Map<Long, Integer> generations = this.plan.generations(instance);
		Map<Long, String> snapshots = this.plan.slicingSnapshots(instance);
		Set<String> committing = this.plan.committing(instance);
		Set<String> interrupted = this.board.startedNotCompleted(instance,
				CloneSteps.COPY_TABLE + PartitionKey.SEPARATOR);
		StepStatusBoard.Snapshot status = this.board.read(instance, Executions.step(chunkContext).getJobExecutionId());
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
				if (completed == names.size()) {
					continue;
				}
				if (completed == 0) {
					empty(target, copyTarget, instance, table);
					this.plan.slicingReads(instance, table.oid(), snapshotId);
					continue;
				}
				String readBefore = snapshots.get(table.oid());
				// slices that ran before the commit marks existed (no snapshot recorded
				// either): any one that started and did not complete may have committed
				List<String> inDoubt = names.stream()
					.filter((name) -> (readBefore == null ? interrupted.contains(name) : committing.contains(name))
							&& !status.isCompleted(name))
					.toList();
				boolean otherSnapshot = readBefore != null && !readBefore.equals(snapshotId);
				if (entry.getValue().get(0).kind() == TableSlice.Kind.CTID && (!inDoubt.isEmpty() || otherSnapshot)) {
					int next = this.plan.nextGeneration(instance, table.oid(), snapshotId);
					empty(target, copyTarget, instance, table);
					logger.info(
							"{}: {}; a slice by page range cannot be redone alone, so the table was emptied and its"
									+ " {} slices copy again (generation {})",
							table.displayName(),
							inDoubt.isEmpty()
									? "its slices read snapshot " + readBefore + ", this run reads " + snapshotId
											+ " (--not-consistent): pages hold other rows in it"
									: String.join(", ", inDoubt) + " may have committed before the run stopped",
							names.size(), next);
				}
				else {
					this.plan.slicingReads(instance, table.oid(), snapshotId);
				}
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("emptying the split tables before their slices copy", ex);
		}
		return RepeatStatus.FINISHED;
	}

	/** Slices are cut once per run: a later command's other options do not apply. */
	private void warnOnOtherOptions(ChunkContext chunkContext) {
		String recorded = Executions.jobContext(chunkContext).getString(PlanTargetsTasklet.SPLIT_OPTIONS_KEY, null);
		String now = this.request.split().describe();
		if (recorded != null && !recorded.equals(now)) {
			logger.warn("This run cut its tables into slices with {}: the split options of this command ({}) apply to"
					+ " a new run only (--restart)", recorded, now);
		}
	}

	/** Empties a split table; its slices' commit marks go with its rows. */
	private void empty(Connection target, CopyTarget copyTarget, long instance, SourceTable table) throws SQLException {
		try (Statement statement = target.createStatement()) {
			statement.execute(copyTarget.truncate());
		}
		this.plan.clearCommitting(instance, table.oid());
		logger.debug("Emptied {} for its slices", copyTarget.relation());
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TableVacuum;
import io.pgcopydb.job.partition.PartitionKey;

/**
 * VACUUM ANALYZE of one copied table, once its indexes are built: of the relation its
 * rows landed in ({@link CopyTarget}), by the partition of the unit's leader only, so a
 * relation filled by several source tables is vacuumed once. Idempotent.
 */
class VacuumTableTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(VacuumTableTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	VacuumTableTasklet(CloneRequest request, Sessions sessions, ClonePlan plan) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		PartitionKey key = PartitionKey.parse(Executions.step(chunkContext).getStepName());
		if (key.bundle() > 0) {
			return vacuumBundle(instance, key.bundle());
		}
		SourceTable table = this.plan.table(instance, key.objectOid());
		CopyTarget copyTarget = this.plan.target(instance, table);
		if (!copyTarget.leadsUnit()) {
			logger.debug("{} is vacuumed with its copy unit, {}", table.displayName(), copyTarget.unitRelation());
			return RepeatStatus.FINISHED;
		}
		boolean frozen = frozen(copyTarget) && !this.plan.slices(instance).containsKey(table.oid())
				&& !citusOnTarget(instance, table);
		try (Connection target = this.sessions.target("vacuum " + table.displayName())) {
			if (frozen) {
				TableVacuum.analyze(target, copyTarget.unitRelation());
			}
			else {
				TableVacuum.vacuumAnalyze(target, copyTarget.unitRelation());
			}
		}
		catch (SQLException ex) {
			throw this.request.target()
				.failure((frozen ? "ANALYZE of " : "VACUUM ANALYZE of ") + copyTarget.unitRelation(), ex);
		}
		logger.debug("{} {}", frozen ? "Analyzed (copied frozen)" : "Vacuumed", copyTarget.unitRelation());
		return RepeatStatus.FINISHED;
	}

	/**
	 * A Citus table on the target: Citus does not pass FREEZE on to the COPY into its
	 * shards (their visibility maps stay empty), so it gets a VACUUM ANALYZE, which the
	 * coordinator runs on every shard.
	 */
	private boolean citusOnTarget(long instance, SourceTable table) {
		return this.plan.citusPlan(instance).distributed(table.oid());
	}

	/**
	 * Every row of the unit was written by COPY FREEZE into a plain table emptied in the
	 * same transaction, on a target where that sets the visibility map: ANALYZE is all
	 * the table needs. A routed or partitioned unit, a split table (its slices copy
	 * without FREEZE) and an older target get VACUUM ANALYZE.
	 */
	private boolean frozen(CopyTarget copyTarget) {
		return copyTarget.freeze() && !copyTarget.unitPartitioned()
				&& TableVacuum.freezeSetsVisibilityMap(this.request.target().serverVersion().major());
	}

	/**
	 * The tables of a bundle, one after the other in one session: ANALYZE only, on any
	 * target. They are smaller than 1 MB, and their rows came in by a plain COPY (COPY
	 * FREEZE only where an earlier attempt had left rows, see
	 * {@link io.pgcopydb.copy.TableCopier#copyEach}); a VACUUM of each would set their
	 * visibility maps at the price of two new files per table (10,000 tables of 5 rows
	 * here: 40-45 s against 2 s for ANALYZE), and autovacuum does that later.
	 */
	private RepeatStatus vacuumBundle(long instance, int bundle) {
		List<SourceTable> tables = this.plan.bundle(instance, bundle);
		String relation = null;
		try (Connection target = this.sessions.target("vacuum of bundle " + bundle)) {
			for (SourceTable table : tables) {
				relation = table.qualifiedName();
				TableVacuum.analyze(target, relation);
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("ANALYZE of " + relation, ex);
		}
		logger.debug("Analyzed the {} tables of bundle {}", tables.size(), bundle);
		return RepeatStatus.FINISHED;
	}

}

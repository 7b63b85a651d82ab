package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TargetMapping;

/**
 * Resolves where each planned table's rows land on the target as it is now, after restore
 * pre-data and whatever schema change followed it (a table partitioned, partitions
 * merged), and records it in the plan ({@link TargetMapping}, {@link CopyTarget}). It
 * runs before the run's first copy partition and, once COMPLETED, never again: a resumed
 * copy reuses the record, so a retry empties and refills the same units. A failure
 * records nothing that was used; the rerun resolves again.
 */
class PlanTargetsTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(PlanTargetsTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	PlanTargetsTasklet(CloneRequest request, Sessions sessions, ClonePlan plan) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		List<SourceTable> tables = this.plan.copiedTables(instance);
		List<CopyTarget> targets;
		try (Connection target = this.sessions.target("plan targets")) {
			targets = TargetMapping.resolve(tables, new TargetCatalog(target)::relation);
		}
		catch (SQLException ex) {
			throw this.request.target().failure("reading where the tables go on the target", ex);
		}
		this.plan.saveTargets(instance, targets);
		Map<Long, SourceTable> byOid = tables.stream().collect(Collectors.toMap(SourceTable::oid, Function.identity()));
		// a slice fills its own range of its own table: rows that land elsewhere (with
		// their unit's siblings) are copied whole, by the unit
		Set<Long> split = this.plan.slices(instance).keySet();
		Map<Long, Long> unitSizes = targets.stream()
			.collect(Collectors.groupingBy(CopyTarget::unitOid, Collectors.counting()));
		for (CopyTarget target : targets) {
			SourceTable table = byOid.get(target.tableOid());
			if (split.contains(table.oid())
					&& (target.redirected(table.qualifiedName()) || unitSizes.get(target.unitOid()) > 1)) {
				this.plan.unsplit(instance, table.oid());
				logger.info("Copying {} whole, not in slices: its rows go into {}", table.displayName(),
						target.unitRelation());
			}
		}
		long redirected = 0;
		for (CopyTarget target : targets) {
			SourceTable table = byOid.get(target.tableOid());
			if (target.redirected(table.qualifiedName())) {
				redirected++;
				logger.info("Rows of {} go into {}{}, in the copy unit of {} emptied by {}", table.displayName(),
						target.relation(), target.routed() ? " (routed to its partitions)" : "",
						byOid.get(target.unitOid()).displayName(), target.truncate());
			}
		}
		logger.info("Mapped {} tables onto the target: {} into a table of their own name, {} elsewhere", tables.size(),
				tables.size() - redirected, redirected);
		return RepeatStatus.FINISHED;
	}

}

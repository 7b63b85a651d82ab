package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
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
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.copy.TableSlicer;
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

	/** The job context's record of the split options the run's slices were cut with. */
	static final String SPLIT_OPTIONS_KEY = "splitOptions";

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
		planSlices(instance, tables, targets, chunkContext);
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

	/**
	 * Cuts the tables larger than --split-tables-larger-than into slices, reading their
	 * keys' bounds in the run's snapshot; records them, and the options, with the plan. A
	 * slice fills its own range of its own table: a table whose rows land elsewhere (in a
	 * unit with others) is copied whole, by its unit.
	 */
	private void planSlices(long instance, List<SourceTable> tables, List<CopyTarget> targets,
			ChunkContext chunkContext) {
		Executions.jobContext(chunkContext).putString(SPLIT_OPTIONS_KEY, this.request.split().describe());
		if (!this.request.split().enabled()) {
			this.plan.saveSlices(instance, List.of());
			return;
		}
		Map<Long, Long> unitSizes = targets.stream()
			.collect(Collectors.groupingBy(CopyTarget::unitOid, Collectors.counting()));
		Map<Long, SourceTable> byOid = tables.stream().collect(Collectors.toMap(SourceTable::oid, Function.identity()));
		List<SourceTable> splittable = targets.stream()
			.filter((target) -> !target.redirected(byOid.get(target.tableOid()).qualifiedName())
					&& unitSizes.get(target.unitOid()) == 1)
			.map((target) -> byOid.get(target.tableOid()))
			.toList();
		List<TableSlice> slices;
		try (Connection source = this.sessions.source("plan slices")) {
			slices = TableSlicer.plan(source, splittable, this.request.split(), this.request.sourceVersion().major());
		}
		catch (SQLException ex) {
			throw this.sessions.sourceFailure("reading the bounds of the tables to split", ex);
		}
		this.plan.saveSlices(instance, slices);
		reportSlices(tables, slices);
	}

	/** One line per split table: how many slices, cut by what. */
	private static void reportSlices(List<SourceTable> tables, List<TableSlice> slices) {
		Map<Long, List<TableSlice>> byTable = slices.stream()
			.collect(Collectors.groupingBy(TableSlice::tableOid, java.util.LinkedHashMap::new, Collectors.toList()));
		for (SourceTable table : tables) {
			List<TableSlice> tableSlices = byTable.get(table.oid());
			if (tableSlices != null) {
				TableSlice first = tableSlices.get(0);
				logger.info("Copying {} ({} MB) as {} slices in parallel, by {}", table.displayName(),
						table.bytes() >> 20, tableSlices.size(), (first.kind() == TableSlice.Kind.KEY)
								? "ranges of its key " + first.keyColumn() : "ranges of pages (CTID)");
			}
		}
	}

}

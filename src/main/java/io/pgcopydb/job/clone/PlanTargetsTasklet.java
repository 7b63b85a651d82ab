package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.pgcopydb.catalog.TargetRelation;
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

	/** Tables smaller than this on the source are copied in bundles. */
	static final long BUNDLED_TABLE_BYTES = 1L << 20;

	/**
	 * Bundles are made when a run copies at least this many small tables: below, the cost
	 * of a partition per table (a few milliseconds) does not matter.
	 */
	static final int BUNDLING_FROM_TABLES = 200;

	/** A bundle copies at most this many tables, in one transaction. */
	static final int BUNDLE_MAX_TABLES = 50;

	/** A bundle copies at most this many bytes of tables (on the source). */
	static final long BUNDLE_MAX_BYTES = 16L << 20;

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
			TargetCatalog catalog = new TargetCatalog(target);
			Map<String, TargetRelation> relations = catalog.relations();
			// a name the listing does not have as such is looked up by itself
			targets = TargetMapping.resolve(tables,
					(name) -> relations.containsKey(name) ? Optional.of(relations.get(name)) : catalog.relation(name));
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
	 * keys' bounds in the run's snapshot, and gathers small tables into bundles; records
	 * both, and the split options, with the plan. A slice or a bundle fills tables of its
	 * own: a table whose rows land elsewhere (in a unit with others) is copied whole, by
	 * its unit.
	 */
	private void planSlices(long instance, List<SourceTable> tables, List<CopyTarget> targets,
			ChunkContext chunkContext) {
		Executions.jobContext(chunkContext).putString(SPLIT_OPTIONS_KEY, this.request.split().describe());
		Map<Long, Long> unitSizes = targets.stream()
			.collect(Collectors.groupingBy(CopyTarget::unitOid, Collectors.counting()));
		Map<Long, SourceTable> byOid = tables.stream().collect(Collectors.toMap(SourceTable::oid, Function.identity()));
		List<SourceTable> ownTables = targets.stream()
			.filter((target) -> !target.redirected(byOid.get(target.tableOid()).qualifiedName())
					&& unitSizes.get(target.unitOid()) == 1)
			.map((target) -> byOid.get(target.tableOid()))
			.toList();
		List<TableSlice> slices = List.of();
		if (this.request.split().enabled()) {
			try (Connection source = this.sessions.source("plan slices")) {
				// a Citus table is read through the coordinator, shard after shard: its
				// pages are the shards', which no CTID range of the coordinator names
				ClonePlan.CitusPlan citus = this.plan.citusPlan(instance);
				slices = TableSlicer.plan(source,
						ownTables.stream().filter((table) -> !citus.readsThroughQuery(table.oid())).toList(),
						this.request.split(), this.request.sourceVersion().major());
			}
			catch (SQLException ex) {
				throw this.sessions.sourceFailure("reading the bounds of the tables to split", ex);
			}
		}
		Set<Long> split = slices.stream().map(TableSlice::tableOid).collect(Collectors.toSet());
		Map<Long, Integer> bundles = bundles(
				ownTables.stream().filter((table) -> !split.contains(table.oid())).toList(), this.request.tableJobs());
		this.plan.saveSlicesAndBundles(instance, slices, bundles);
		reportSlices(tables, slices);
		if (!bundles.isEmpty()) {
			logger.info("Copying {} small tables in {} bundles, each in one transaction", bundles.size(),
					bundles.values().stream().distinct().count());
		}
	}

	/**
	 * Gathers the tables smaller than {@link #BUNDLED_TABLE_BYTES} into bundles of at
	 * most {@link #BUNDLE_MAX_TABLES} tables and {@link #BUNDLE_MAX_BYTES}, enough of
	 * them to keep {@code tableJobs} busy; a bundle holds two tables at least.
	 * @return table OID to bundle number (from 1), in plan order
	 */
	static Map<Long, Integer> bundles(List<SourceTable> tables, int tableJobs) {
		List<SourceTable> small = tables.stream().filter((table) -> table.bytes() < BUNDLED_TABLE_BYTES).toList();
		if (small.size() < BUNDLING_FROM_TABLES) {
			// a partition per table: each shows, fails and resumes on its own
			return Map.of();
		}
		int perBundle = (int) Math.max(2, Math.min(BUNDLE_MAX_TABLES, Math.ceil((double) small.size() / tableJobs)));
		Map<Long, Integer> bundles = new LinkedHashMap<>();
		List<SourceTable> current = new ArrayList<>();
		long bytes = 0;
		int number = 0;
		for (SourceTable table : small) {
			if (current.size() == perBundle || (!current.isEmpty() && bytes + table.bytes() > BUNDLE_MAX_BYTES)) {
				number = close(current, bundles, number);
				bytes = 0;
			}
			current.add(table);
			bytes += table.bytes();
		}
		close(current, bundles, number);
		return bundles;
	}

	/** Records {@code current} as the next bundle, unless it holds one table only. */
	private static int close(List<SourceTable> current, Map<Long, Integer> bundles, int number) {
		if (current.size() < 2) {
			current.clear();
			return number;
		}
		int next = number + 1;
		current.forEach((table) -> bundles.put(table.oid(), next));
		current.clear();
		return next;
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

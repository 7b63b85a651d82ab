package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.database.CitusLayout.CitusTable;
import io.pgcopydb.database.CitusLayout.Kind;
import io.pgcopydb.database.DistributionScript;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;
import io.pgcopydb.signal.WorkSession;

/**
 * Gives the target the source's Citus distribution ({@link DistributionScript}), after
 * the pre-data restore and before any row is copied, so that the rows flow through the
 * target coordinator into the shards. Each statement is its own transaction and does
 * nothing for a table the target already has in Citus's metadata: a failed or stopped
 * step runs again from the start on --resume and skips what is done, and a distribution a
 * DBA made by hand between {@code restore pre-data} and {@code copy data} (the tutorial's
 * flow, another shard count) is kept, with a line saying how it differs.
 */
class DistributeTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(DistributeTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	DistributeTasklet(CloneRequest request, Sessions sessions, ClonePlan plan) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		ClonePlan.CitusPlan recorded = this.plan.citusPlan(Executions.instanceId(chunkContext));
		CitusLayout source = recorded.layout();
		if (!source.distributes()) {
			return RepeatStatus.FINISHED;
		}
		if (recorded.distribute() != this.request.objects().citusDistribution()) {
			logger.warn("The run's first command {} --skip-citus-distribution: the run keeps that choice",
					recorded.distribute() ? "had no" : "had");
		}
		if (!recorded.distribute()) {
			logger.warn("--skip-citus-distribution: the source's {} Citus tables are copied into plain tables",
					source.scripted().size());
			return RepeatStatus.FINISHED;
		}
		DistributionScript script = DistributionScript.of(source);
		script.notes().forEach((note) -> logger.info("Citus distribution: {}", note));
		String doing = "giving the target the source's Citus distribution";
		try (WorkSession work = this.sessions.targetWork("Citus distribution"); Connection target = work.connection()) {
			CitusLayout existing = CitusLayout.read(target);
			if (!existing.present()) {
				throw new BadStateException("the source distributes " + source.scripted().size()
						+ " tables with Citus but the target database "
						+ this.request.target().connectionString().database()
						+ " has no citus extension: create it there"
						+ " (CREATE EXTENSION citus, with its nodes), then rerun with --resume; or start over with"
						+ " --skip-citus-distribution to copy them into plain tables");
			}
			Map<String, CitusTable> onTarget = new HashMap<>();
			existing.tables().forEach((table) -> onTarget.put(table.displayName(), table));
			Set<String> schemasOnTarget = new HashSet<>();
			existing.schemas().forEach((schema) -> schemasOnTarget.add(Identifiers.display(schema)));
			int made = 0;
			int kept = 0;
			for (DistributionScript.Step step : script.statements()) {
				boolean there = (step.kind() == Kind.SCHEMA) ? schemasOnTarget.contains(step.object())
						: onTarget.containsKey(step.object());
				if (there) {
					kept++;
					logger.info("Citus distribution: {} is already {} on the target: kept as it is", step.object(),
							(step.kind() == Kind.SCHEMA) ? Kind.SCHEMA.phrase()
									: describe(onTarget.get(step.object()), step));
					continue;
				}
				long started = System.nanoTime();
				try (Statement statement = target.createStatement()) {
					statement.execute(step.sql());
				}
				catch (SQLException ex) {
					throw new DatabaseException(ExitCode.TARGET,
							"distributing " + step.object() + " (" + step.kind().label() + ", " + step.detail()
									+ ") on the target failed: " + SqlStates.firstLine(ex.getMessage())
									+ "; fix it on the target (or run that statement of pgcopydb list distribution"
									+ " by hand), then rerun with --resume",
							ex.getSQLState(), ex);
				}
				made++;
				logger.info("Citus distribution: {} is now {} ({}), in {} ms", step.object(), step.kind().phrase(),
						step.detail(), (System.nanoTime() - started) / 1_000_000);
			}
			contribution.incrementWriteCount(made);
			logger.info("Gave the target the source's Citus distribution: {} statements run, {} tables or schemas"
					+ " already distributed there", made, kept);
			return RepeatStatus.FINISHED;
		}
		catch (SQLException ex) {
			throw this.request.target().failure(doing, ex);
		}
	}

	/**
	 * How the target already holds a table, in words, with what the source has if other.
	 */
	private static String describe(CitusTable there, DistributionScript.Step wanted) {
		if (there == null) {
			return "distributed";
		}
		String how = there.kind().phrase()
				+ ((there.kind() == Kind.HASH) ? " by " + there.column() + ", " + there.shardCount() + " shards" : "");
		boolean same = there.kind() == wanted.kind() && (there.kind() != Kind.HASH
				|| wanted.detail().startsWith("by " + there.column() + ", " + there.shardCount() + " shards"));
		return same ? how : how + " (the source's is " + wanted.kind().phrase() + ", " + wanted.detail() + ")";
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.CopyFormat;
import io.pgcopydb.copy.CopyException;
import io.pgcopydb.copy.CopyResult;
import io.pgcopydb.copy.TableCopier;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.progress.RunSummary;

/**
 * One copy partition: one table, streamed from the snapshot into the target. The
 * partition completes only after the target committed, so COMPLETED in the JobRepository
 * means the rows are there.
 */
class CopyTableTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(CopyTableTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	private final TableCopier copier;

	private final CopyFormat format;

	private final ProgressTracker progress;

	CopyTableTasklet(CloneRequest request, Sessions sessions, ClonePlan plan, TableCopier copier, CopyFormat format,
			ProgressTracker progress) {
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
		this.copier = copier;
		this.format = format;
		this.progress = progress;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws SQLException {
		SourceTable table = this.plan.table(Executions.instanceId(chunkContext), Executions.partitionOid(chunkContext));
		MDC.put("table", table.displayName());
		ProgressTracker.TableProgress tableProgress = this.progress.tableStarted(table.displayName(), table.bytes());
		long started = System.nanoTime();
		try (Connection source = this.sessions.source("copy " + table.displayName());
				Connection target = this.sessions.target("copy " + table.displayName())) {
			boolean binary = binary(table, target);
			CopyResult result = this.copier.copy(source, target, table, binary, tableProgress);
			tableProgress.done(result.rows());
			contribution.incrementWriteCount(result.rows());
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, result.bytes());
			logger.info("Copied {}: {} rows, {} kB ({}) in {} ms", table.displayName(), result.rows(),
					result.bytes() >> 10, binary ? "binary" : "text", (System.nanoTime() - started) / 1_000_000);
			return RepeatStatus.FINISHED;
		}
		catch (CopyException ex) {
			tableProgress.failed();
			throw this.request.endpoint(ex.side()).failure("copying table " + table.displayName(), ex.getCause());
		}
		catch (RuntimeException ex) {
			tableProgress.failed();
			throw ex;
		}
		finally {
			MDC.remove("table");
		}
	}

	/** Binary COPY where provably safe: the target's column types decide it. */
	private boolean binary(SourceTable table, Connection target) {
		try {
			return TableCopier.useBinary(this.format, table, this.request.sameMajorVersion(), target);
		}
		catch (CopyException ex) {
			throw this.request.target().failure("reading the column types of " + table.displayName(), ex.getCause());
		}
	}

}

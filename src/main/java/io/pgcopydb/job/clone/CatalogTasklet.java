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

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.SourceTable;

/** Reads the source catalog once, in the run's snapshot, and stores the plan. */
class CatalogTasklet implements Tasklet {

	static final String LARGE_OBJECTS_KEY = "largeObjects";

	private static final Logger logger = LoggerFactory.getLogger(CatalogTasklet.class);

	private final Sessions sessions;

	private final ClonePlan plan;

	CatalogTasklet(Sessions sessions, ClonePlan plan) {
		this.sessions = sessions;
		this.plan = plan;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		try (Connection source = this.sessions.source("catalog")) {
			CatalogReader reader = new CatalogReader(source);
			List<SourceTable> tables = reader.tables();
			List<SourceIndex> indexes = reader.indexes();
			List<SourceSequence> sequences = reader.sequences();
			long largeObjects = reader.largeObjectCount();
			source.rollback();
			this.sessions.lockSourceTables(tables);
			this.plan.save(Executions.instanceId(chunkContext), tables, indexes, sequences);
			Executions.jobContext(chunkContext).putLong(LARGE_OBJECTS_KEY, largeObjects);
			long bytes = tables.stream().mapToLong(SourceTable::bytes).sum();
			logger.info("Planned {} tables ({} MB on disk), {} indexes and constraints, {} sequences, {} large objects",
					tables.size(), bytes >> 20, indexes.size(), sequences.size(), largeObjects);
			return RepeatStatus.FINISHED;
		}
		catch (SQLException ex) {
			throw this.sessions.sourceFailure("reading the source catalog", ex);
		}
	}

}

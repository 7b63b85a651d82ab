package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.database.Extensions;

/**
 * The clone's share of extensions beyond CREATE EXTENSION: the rows of their
 * configuration tables (pg_extension_config_dump, with its condition) and the positions
 * of their configuration sequences, read in the run's snapshot. pg_dump keeps them in its
 * data section, which the clone does not restore, so without this step they would be
 * lost. Left out with --skip-extensions, and for each extension the filters leave out.
 */
class ExtensionDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(ExtensionDataTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	ExtensionDataTasklet(CloneRequest request, Sessions sessions) {
		this.request = request;
		this.sessions = sessions;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (!this.request.objects().extensions()) {
			logger.info("Extension configuration rows skipped (--skip-extensions)");
			return RepeatStatus.FINISHED;
		}
		try (Connection source = this.sessions.source("extension data");
				Connection target = this.sessions.target("extension data")) {
			Extensions extensions;
			try {
				extensions = Extensions.read(source).only(this.request::extensionKept);
			}
			catch (SQLException ex) {
				throw this.sessions.sourceFailure("listing the source's extensions", ex);
			}
			long rows = ExtensionsTasklet.copyConfigRows(source, target, extensions);
			contribution.incrementWriteCount(rows);
			if (!extensions.configTables().isEmpty()) {
				logger.info("Copied {} rows of {} extension configuration tables and sequences", rows,
						extensions.configTables().size());
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("copying extension configuration rows", ex);
		}
		return RepeatStatus.FINISHED;
	}

}

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

import io.pgcopydb.database.DatabaseProperties;

/**
 * Gives the target database the source database's settings, its roles' settings in it,
 * its comment and its privileges, last in the run; see {@link DatabaseProperties}. Each
 * statement sets a value, so a retry repeats them harmlessly.
 */
class DatabasePropertiesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(DatabasePropertiesTasklet.class);

	private final CloneRequest request;

	DatabasePropertiesTasklet(CloneRequest request) {
		this.request = request;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (!this.request.objects().dbProperties()) {
			logger.info("Database properties skipped (--skip-db-properties)");
			return RepeatStatus.FINISHED;
		}
		DatabaseProperties properties;
		try (Connection source = this.request.source().connect("database properties")) {
			properties = DatabaseProperties.read(source).without(this.request.noComments(), this.request.noAcl());
		}
		catch (SQLException ex) {
			throw this.request.source().failure("reading the database properties", ex);
		}
		String database = this.request.target().connectionString().database();
		try (Connection target = this.request.target().connect("database properties")) {
			List<String> warnings = properties.apply(target, database);
			warnings.forEach((warning) -> logger.warn("Database property not applied on the target: {}", warning));
			logger.info("Applied {} of the {} properties of the source database (settings, comment, privileges)",
					properties.count() - warnings.size(), properties.count());
			if (!DatabaseProperties.canConnect(target)) {
				logger.warn("The privileges copied from the source leave role \"{}\" without CONNECT on database \"{}\""
						+ " of the target: grant it (GRANT CONNECT ON DATABASE ...) before running pgcopydb on it again",
						this.request.target().connectionString().user(), database);
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("applying the database properties", ex);
		}
		contribution.incrementWriteCount(properties.count());
		return RepeatStatus.FINISHED;
	}

}

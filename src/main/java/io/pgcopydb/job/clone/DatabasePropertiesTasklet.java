package io.pgcopydb.job.clone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

	/**
	 * The properties dump schema recorded in --dir; read from the source when a run
	 * recorded none (null when there is no source either).
	 */
	private DatabaseProperties recorded() {
		Path file = this.request.workDirectory().databaseProperties();
		try {
			if (Files.isRegularFile(file)) {
				return DatabaseProperties.fromJson(Files.readString(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading " + file, ex);
		}
		if (this.request.source() == null) {
			return null;
		}
		try (Connection source = this.request.source().connect("database properties")) {
			return DatabaseProperties.read(source);
		}
		catch (SQLException ex) {
			throw this.request.source().failure("reading the database properties", ex);
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (!this.request.objects().dbProperties()) {
			logger.info("Database properties skipped (--skip-db-properties)");
			return RepeatStatus.FINISHED;
		}
		DatabaseProperties properties = recorded();
		if (properties == null) {
			logger.warn(
					"No database properties recorded in --dir {} and no source to read them from: the"
							+ " database's settings, comment and privileges were not copied",
					this.request.workDirectory().root());
			return RepeatStatus.FINISHED;
		}
		properties = properties.without(this.request.noComments(), this.request.noAcl());
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

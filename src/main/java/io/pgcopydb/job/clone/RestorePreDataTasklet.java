package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.schema.ArchiveToc;
import io.pgcopydb.schema.SchemaArchives;

/**
 * Creates the schema on the target from the pre-data archive. Refuses a target that
 * already holds any of the source's tables, unless --drop-if-exists asks to drop them
 * first (pg_restore --clean --if-exists).
 */
class RestorePreDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RestorePreDataTasklet.class);

	private final CloneRequest request;

	private final ClonePlan plan;

	private final SchemaArchives archives;

	RestorePreDataTasklet(CloneRequest request, ClonePlan plan, SchemaArchives archives) {
		this.request = request;
		this.plan = plan;
		this.archives = archives;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		Set<List<String>> planned = new HashSet<>();
		for (SourceTable table : this.plan.tables(Executions.instanceId(chunkContext))) {
			planned.add(List.of(table.schema(), table.name()));
		}
		prepareTarget(planned);
		WorkDirectory dir = this.request.workDirectory();
		ArchiveToc toc = this.archives.list(dir.preDataArchive(), dir.pgRestoreLog());
		RestorePostDataTasklet.warnUnparsed(toc, dir.preDataArchive().toString());
		dir.write(dir.preDataList(), toc.useList((entry) -> true));
		this.archives.restore(this.request.target().connectionString(), dir.preDataArchive(), dir.preDataList(),
				this.request.restoreOptions(this.request.dropIfExists()), dir.pgRestoreLog());
		logger.info("Restored the pre-data section ({} archive entries) on the {}", toc.entries().size(),
				this.request.target());
		return RepeatStatus.FINISHED;
	}

	/**
	 * @param planned (schema, name) of every table the run copies
	 */
	private void prepareTarget(Set<List<String>> planned) {
		try (Connection target = this.request.target().connect("pre-data check");
				Statement statement = target.createStatement()) {
			List<String> existing = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery(SqlFiles.load("list_target_tables"))) {
				while (rs.next()) {
					if (planned.contains(List.of(rs.getString(1), rs.getString(2)))) {
						existing.add(rs.getString(1) + "." + rs.getString(2));
					}
				}
			}
			if (existing.isEmpty()) {
				return;
			}
			if (!this.request.dropIfExists()) {
				existing.sort(null);
				throw new BadStateException("the " + this.request.target() + " already has " + existing.size()
						+ " of the source's tables (" + existing.get(0) + ((existing.size() > 1) ? ", ..." : "")
						+ "): use --drop-if-exists to drop and recreate them, or clone into an empty database");
			}
			dropForeignKeys(statement, planned);
		}
		catch (SQLException ex) {
			throw this.request.target().failure("checking the target for existing tables", ex);
		}
	}

	/** pre-data holds no foreign keys, so DROP TABLE would refuse while these exist. */
	private void dropForeignKeys(Statement statement, Set<List<String>> planned) throws SQLException {
		List<String> drops = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery(SqlFiles.load("list_target_foreign_keys"))) {
			while (rs.next()) {
				List<String> table = List.of(rs.getString("schema_name"), rs.getString("table_name"));
				List<String> referenced = List.of(rs.getString("referenced_schema"), rs.getString("referenced_table"));
				if (planned.contains(table) || planned.contains(referenced)) {
					drops.add("ALTER TABLE " + Identifiers.qualified(table.get(0), table.get(1))
							+ " DROP CONSTRAINT IF EXISTS " + Identifiers.quote(rs.getString("constraint_name")));
				}
			}
		}
		for (String drop : drops) {
			statement.execute(drop);
		}
		logger.info("--drop-if-exists: dropped {} foreign keys on the target before dropping its tables", drops.size());
	}

}

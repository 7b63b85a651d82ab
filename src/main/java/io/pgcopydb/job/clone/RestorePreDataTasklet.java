package io.pgcopydb.job.clone;

import java.nio.file.Files;
import java.nio.file.Path;
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
import io.pgcopydb.job.StepNames;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.schema.ArchiveToc;
import io.pgcopydb.schema.SchemaArchives;

/**
 * Creates the schema on the target from the pre-data archive; with --drop-if-exists (or
 * when a resumed run redoes it) the archive's objects are dropped first (pg_restore
 * --clean --if-exists). A target already holding the source's tables was refused before
 * the run started ({@link TargetPreflight}).
 */
class RestorePreDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RestorePreDataTasklet.class);

	private final CloneRequest request;

	private final ClonePlan plan;

	private final SchemaArchives archives;

	private final RunState state;

	RestorePreDataTasklet(CloneRequest request, ClonePlan plan, SchemaArchives archives, RunState state) {
		this.request = request;
		this.plan = plan;
		this.archives = archives;
		this.state = state;
	}

	/** A restore command run before {@code dump schema} gets told so. */
	static void requireArchive(Path archive, WorkDirectory dir) {
		if (!Files.isRegularFile(archive)) {
			throw new BadStateException("no schema dump in --dir " + dir.root() + " (" + archive.getFileName()
					+ " is missing): run pgcopydb dump schema with this --dir first");
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		WorkDirectory dir = this.request.workDirectory();
		requireArchive(dir.preDataArchive(), dir);
		Set<List<String>> planned = new HashSet<>();
		for (SourceTable table : this.plan.tables(Executions.instanceId(chunkContext))) {
			planned.add(List.of(table.schema(), table.name()));
		}
		// with --drop-if-exists, and when a resumed run redoes its own partial pre-data,
		// the section's objects are dropped first (TargetPreflight refused the rest)
		boolean clean = this.request.dropIfExists() || this.state.attempted(StepNames.RESTORE_PRE_DATA);
		if (clean) {
			dropForeignKeys(planned);
		}
		ArchiveToc toc = this.archives.list(dir.preDataArchive(), dir.pgRestoreLog());
		RestorePostDataTasklet.warnUnparsed(toc, dir.preDataArchive().toString());
		dir.write(dir.preDataList(), toc.useList((entry) -> true));
		this.archives.restore(this.request.target().connectionString(), dir.preDataArchive(), dir.preDataList(),
				this.request.restoreOptions(false, clean), dir.pgRestoreLog());
		logger.info("Restored the pre-data section ({} archive entries) on the {}", toc.entries().size(),
				this.request.target());
		return RepeatStatus.FINISHED;
	}

	/** pre-data holds no foreign keys, so DROP TABLE would refuse while these exist. */
	private void dropForeignKeys(Set<List<String>> planned) {
		try (Connection target = this.request.target().connect("drop foreign keys");
				Statement statement = target.createStatement()) {
			dropForeignKeys(statement, planned);
		}
		catch (SQLException ex) {
			throw this.request.target().failure("dropping foreign keys on the target", ex);
		}
	}

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
		if (!drops.isEmpty()) {
			logger.info("Dropped {} foreign keys on the target before dropping its tables", drops.size());
		}
	}

}

package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.schema.ArchiveToc;
import io.pgcopydb.schema.SchemaArchives;
import io.pgcopydb.schema.TocEntry;

/**
 * Restores what the job did not build itself from the post-data archive: foreign keys,
 * triggers, rules, policies, comments, exclusion constraints, indexes of partitioned
 * tables, materialized view data. The planned indexes and constraints that the target
 * already has (built by the copy) are commented out of the list by OID; those it does not
 * have, because no index stage ran ({@code restore post-data} before {@code copy
 * indexes}), are restored from the archive.
 */
class RestorePostDataTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RestorePostDataTasklet.class);

	private final CloneRequest request;

	private final ClonePlan plan;

	private final SchemaArchives archives;

	RestorePostDataTasklet(CloneRequest request, ClonePlan plan, SchemaArchives archives) {
		this.request = request;
		this.plan = plan;
		this.archives = archives;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		WorkDirectory dir = this.request.workDirectory();
		RestorePreDataTasklet.requireArchive(dir.postDataArchive(), dir);
		Set<String> onTarget = targetIndexesAndConstraints();
		Set<Long> builtIndexes = new HashSet<>();
		Set<Long> builtConstraints = new HashSet<>();
		for (SourceIndex index : this.plan.indexes(Executions.instanceId(chunkContext))) {
			if (index.backsConstraint()) {
				if (onTarget.contains(key("constraint", index.schema(), index.tableName(), index.constraintName()))) {
					builtConstraints.add(index.constraintOid());
				}
			}
			else if (onTarget.contains(key("index", index.schema(), index.tableName(), index.name()))) {
				builtIndexes.add(index.oid());
			}
		}
		ArchiveToc toc = this.archives.list(dir.postDataArchive(), dir.pgRestoreLog());
		warnUnparsed(toc, dir.postDataArchive().toString());
		int[] skipped = { 0 };
		dir.write(dir.postDataList(), toc.useList((entry) -> {
			boolean built = isBuilt(entry, builtIndexes, builtConstraints);
			if (built) {
				skipped[0]++;
			}
			return !built;
		}));
		this.archives.restore(this.request.target().connectionString(), dir.postDataArchive(), dir.postDataList(),
				this.request.restoreOptions(true, false), dir.pgRestoreLog());
		logger.info("Restored the post-data section: {} archive entries, {} already built by the copy",
				toc.entries().size() - skipped[0], skipped[0]);
		return RepeatStatus.FINISHED;
	}

	private Set<String> targetIndexesAndConstraints() {
		Set<String> found = new HashSet<>();
		try (Connection target = this.request.target().connect("post-data check");
				Statement statement = target.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_target_indexes_and_constraints"))) {
			while (rs.next()) {
				found.add(key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
			}
		}
		catch (SQLException ex) {
			throw this.request.target().failure("listing the indexes and constraints of the target", ex);
		}
		return found;
	}

	private static String key(String kind, String schema, String table, String name) {
		return String.join("\u0000", kind, schema, table, name);
	}

	/** Entries we could not read are restored as they are; an operator should know. */
	static void warnUnparsed(ArchiveToc toc, String archive) {
		for (String line : toc.unparsedLines()) {
			logger.warn("Unrecognized entry in the table of contents of {}, restored as is: {}", archive, line);
		}
	}

	static boolean isBuilt(TocEntry entry, Set<Long> builtIndexes, Set<Long> builtConstraints) {
		return switch (entry.desc()) {
			case "INDEX" -> builtIndexes.contains(entry.objectOid());
			case "CONSTRAINT" -> builtConstraints.contains(entry.objectOid());
			default -> false;
		};
	}

}

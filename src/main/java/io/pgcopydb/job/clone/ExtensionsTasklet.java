package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.database.ExtensionConfigRows;
import io.pgcopydb.database.ExtensionUnavailableException;
import io.pgcopydb.database.Extensions;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.snapshot.SnapshotSource;
import io.pgcopydb.snapshot.SourceSnapshot;

/**
 * {@code copy extensions}: creates the source's extensions the target lacks, each in its
 * schema at its version, then copies the rows of every extension configuration table (in
 * the snapshot held for --dir or given with --snapshot, when there is one). The
 * extensions the filters leave out ([include-only-extension], [exclude-extension]) are
 * left to the target, their configuration rows too. A retry creates what is still missing
 * and copies the rows again, replacing those it copied.
 */
class ExtensionsTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(ExtensionsTasklet.class);

	private final CloneRequest request;

	ExtensionsTasklet(CloneRequest request) {
		this.request = request;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		SnapshotSource snapshot = SnapshotSource.choose(this.request.snapshot(), "with --snapshot",
				this.request.workDirectory());
		try (Connection source = this.request.source().connect("extensions");
				Connection target = this.request.target().connect("extensions")) {
			if (!(snapshot instanceof SnapshotSource.Export)) {
				SourceSnapshot.begin(source, snapshot.id());
				logger.info("Reading the source in {}", snapshot.describe());
			}
			Extensions extensions;
			try {
				extensions = Extensions.read(source)
					.pinned(this.request.objects().requirements())
					.only(this.request::extensionKept);
			}
			catch (SQLException ex) {
				throw this.request.source().failure("listing the source's extensions", ex);
			}
			Extensions.Result result;
			try {
				result = extensions.createMissing(target, this.request.objects().extensionComments());
			}
			catch (ExtensionUnavailableException ex) {
				throw new DatabaseException(ExitCode.TARGET, ex.getMessage(), ex.getSQLState(), ex);
			}
			result.warnings().forEach(logger::warn);
			if (!result.existing().isEmpty()) {
				logger.info("{} extensions already exist on the target: {}", result.existing().size(),
						String.join(", ", result.existing()));
			}
			logger.info("Created {} extensions on the target{}", result.created().size(),
					result.created().isEmpty() ? "" : ": " + String.join(", ", result.created()));
			long rows = copyConfigRows(source, target, extensions);
			contribution.incrementWriteCount(result.created().size());
			logger.info("Copied {} rows of {} extension configuration tables and sequences", rows,
					extensions.configTables().size());
		}
		catch (SQLException ex) {
			throw this.request.target().failure("creating extensions", ex);
		}
		return RepeatStatus.FINISHED;
	}

	/**
	 * The rows of the configuration tables of the extensions the target has, the rest
	 * being left out with them.
	 */
	static long copyConfigRows(Connection source, Connection target, Extensions extensions) throws SQLException {
		Set<String> onTarget = Extensions.installedVersions(target).keySet();
		Map<String, List<Extensions.ConfigTable>> byExtension = new LinkedHashMap<>();
		for (Extensions.ConfigTable table : extensions.configTables()) {
			if (onTarget.contains(table.extension())) {
				byExtension.computeIfAbsent(table.extension(), (name) -> new ArrayList<>()).add(table);
			}
		}
		long rows = 0;
		for (List<Extensions.ConfigTable> tables : byExtension.values()) {
			rows += ExtensionConfigRows.copy(source, target, tables);
		}
		return rows;
	}

}

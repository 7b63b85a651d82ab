package io.pgcopydb.job.clone;

import java.util.Map;
import java.util.Set;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.copy.TableSlicer;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.JobRequest;
import io.pgcopydb.pg.ServerVersion;
import io.pgcopydb.schema.PgTools;
import io.pgcopydb.schema.SchemaArchives;

/**
 * A validated clone request, built by the command line and given to the job's context. It
 * holds the connection strings with their secrets, so it never goes into job parameters:
 * those carry only the redacted identity.
 *
 * @param snapshot a snapshot to adopt ({@code --snapshot}), or null: then the one a
 * {@code pgcopydb snapshot} process holds for --dir, else a new one
 * @param notConsistent {@code --not-consistent}: a resume may read a new snapshot
 * @param command the command as typed ({@code clone}, {@code copy data}), for messages
 * @param stages what this command does; the other stages stay to do in the run
 * @param filters the --filters file ({@link Filters#NONE} without one), --skip-extensions
 * folded in
 * @param split same-table concurrency: which tables are copied as several slices
 * @param distributed {@code --distributed}: copies, builds and VACUUMs are sent to
 * {@code pgcopydb worker} processes through the shared repository
 */
public record CloneRequest(PgEndpoint source, PgEndpoint target, WorkDirectory workDirectory, int tableJobs,
		int indexJobs, int restoreJobs, int largeObjectsJobs, boolean skipLargeObjects, boolean skipVacuum,
		boolean dropIfExists, boolean noOwner, boolean noAcl, boolean noComments, String snapshot, PgTools pgTools,
		ServerVersion sourceVersion, ServerVersion targetVersion, Mode mode, boolean notConsistent, String command,
		Set<Stage> stages, ObjectOptions objects, Filters filters, TableSlicer.Options split,
		boolean distributed) implements JobRequest {

	/**
	 * What the run copies beyond tables, indexes and data, as the --skip-* and --roles
	 * options say.
	 *
	 * @param dbProperties database settings, comment and privileges (not
	 * --skip-db-properties)
	 * @param extensions CREATE EXTENSION and the extensions' configuration rows (not
	 * --skip-extensions)
	 * @param extensionComments COMMENT ON EXTENSION (not --skip-ext-comments)
	 * @param collations collations (not --skip-collations)
	 * @param roles the source cluster's roles (--roles)
	 * @param rolePasswords with their passwords (not --no-role-passwords)
	 * @param requirements extension name to the version {@code copy extensions} creates
	 * (--requirements)
	 * @param citusDistribution a Citus source's distribution made again on the target
	 * (not --skip-citus-distribution, which also leaves out CREATE EXTENSION citus)
	 */
	public record ObjectOptions(boolean dbProperties, boolean extensions, boolean extensionComments, boolean collations,
			boolean roles, boolean rolePasswords, Map<String, String> requirements, boolean citusDistribution) {

		/** Everything but roles, as clone does without options. */
		public static final ObjectOptions DEFAULT = new ObjectOptions(true, true, true, true, false, true, Map.of(),
				true);

	}

	/**
	 * Whether the run creates this extension and copies its configuration rows: not
	 * --skip-extensions, not left out by [include-only-extension] or [exclude-extension]
	 * (one mechanism: {@link Filters#extensionLeftOut}).
	 */
	public boolean extensionKept(String name) {
		if (CITUS.equals(name) && !this.objects.citusDistribution()) {
			return false;
		}
		return this.objects.extensions() && (this.filters.isEmpty() || this.filters.extensionLeftOut(name).isEmpty());
	}

	@Override
	public String describe() {
		return (this.target == null) ? "from " + this.source
				: (this.source == null) ? "to " + this.target : "from " + this.source + " to " + this.target;
	}

	private static final String CITUS = "citus";

	/** What to do with the runs already recorded in --dir. */
	public enum Mode {

		/** A new run; refused while an unfinished run is recorded. */
		FRESH,

		/** Finish the last unfinished run ({@code --resume}). */
		RESUME,

		/**
		 * Abandon the last run, if unfinished, and start a new one ({@code --restart}).
		 */
		RESTART

	}

	/**
	 * The same request reading the source in {@code snapshotId}: {@code clone --follow}
	 * gives the clone the snapshot exported with the slot, known once the slot exists.
	 */
	public CloneRequest withSnapshot(String snapshotId) {
		return new CloneRequest(this.source, this.target, this.workDirectory, this.tableJobs, this.indexJobs,
				this.restoreJobs, this.largeObjectsJobs, this.skipLargeObjects, this.skipVacuum, this.dropIfExists,
				this.noOwner, this.noAcl, this.noComments, snapshotId, this.pgTools, this.sourceVersion,
				this.targetVersion, this.mode, this.notConsistent, this.command, this.stages, this.objects,
				this.filters, this.split, this.distributed);
	}

	/** The same request with another mode ({@code clone --follow} decides per half). */
	public CloneRequest withMode(Mode other) {
		return new CloneRequest(this.source, this.target, this.workDirectory, this.tableJobs, this.indexJobs,
				this.restoreJobs, this.largeObjectsJobs, this.skipLargeObjects, this.skipVacuum, this.dropIfExists,
				this.noOwner, this.noAcl, this.noComments, this.snapshot, this.pgTools, this.sourceVersion,
				this.targetVersion, other, this.notConsistent, this.command, this.stages, this.objects, this.filters,
				this.split, this.distributed);
	}

	/** Both servers run the same major version (asked of them when not known yet). */
	public boolean sameMajorVersion() {
		return this.source.serverVersion().major() == this.target.serverVersion().major();
	}

	public boolean resuming() {
		return this.mode == Mode.RESUME;
	}

	/** {@code clone} or {@code copy db}, as opposed to a step command. */
	public boolean wholeClone() {
		return this.stages.equals(Stage.ALL);
	}

	public boolean includes(Stage stage) {
		return this.stages.contains(stage);
	}

	/**
	 * The identity of one side as recorded in the run's job parameters: user, host, port
	 * and database, without password or options. A resume must match it.
	 */
	public static String identity(PgEndpoint endpoint) {
		return (endpoint == null) ? ""
				: endpoint.connectionString().user() + "@" + endpoint.connectionString().endpoint();
	}

	public PgEndpoint endpoint(Side side) {
		return (side == Side.SOURCE) ? this.source : this.target;
	}

	/**
	 * pg_restore switches for a schema section.
	 * @param singleTransaction all or nothing, without --jobs
	 * @param clean drop the section's objects first (--clean --if-exists)
	 */
	public SchemaArchives.RestoreOptions restoreOptions(boolean singleTransaction, boolean clean) {
		return new SchemaArchives.RestoreOptions(this.restoreJobs, singleTransaction, clean, this.noOwner, this.noAcl,
				this.noComments);
	}

}

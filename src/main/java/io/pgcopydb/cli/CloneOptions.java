package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.copy.TableSlicer;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.Launcher;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.clone.CloneJob;
import io.pgcopydb.job.clone.CloneRequest;
import io.pgcopydb.job.clone.CloneSteps;
import io.pgcopydb.job.clone.ObjectsJob;
import io.pgcopydb.job.clone.Stage;
import io.pgcopydb.job.stream.CloneFollowJob;
import io.pgcopydb.job.stream.CloneFollowRequest;
import io.pgcopydb.job.stream.FollowJob;
import io.pgcopydb.job.stream.FollowRequest;
import io.pgcopydb.job.stream.FollowSteps;
import io.pgcopydb.pg.ServerVersion;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.schema.PgToolLocator;
import io.pgcopydb.schema.PgTools;

/**
 * The options of every command that runs stages of the clone job ({@code clone},
 * {@code copy data}, {@code restore pre-data}, {@code job restart}...), and the request
 * they make. Checks what a user can get wrong (connection strings, servers, credentials,
 * pg_dump) before the job starts, so those fail in seconds with a one-line message; the
 * {@link Launcher} does the rest.
 */
final class CloneOptions {

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database connection string, URI or key=value (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = "--target", paramLabel = "<uri>",
			description = "Target database connection string, URI or key=value (default: $PGCOPYDB_TARGET_PGURI).")
	String target;

	@Mixin
	WorkDirOptions workDir;

	@Option(names = "--table-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_TABLE_JOBS:-4}",
			description = "Tables copied in parallel, also VACUUM jobs (default: ${DEFAULT-VALUE}; $PGCOPYDB_TABLE_JOBS).")
	int tableJobs;

	@Option(names = "--index-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_INDEX_JOBS:-4}",
			description = "Indexes built in parallel (default: ${DEFAULT-VALUE}; $PGCOPYDB_INDEX_JOBS).")
	int indexJobs;

	@Option(names = "--restore-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_RESTORE_JOBS:-4}",
			description = "pg_restore --jobs for the schema sections (default: ${DEFAULT-VALUE}; $PGCOPYDB_RESTORE_JOBS).")
	int restoreJobs;

	@Option(names = "--large-objects-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_LARGE_OBJECTS_JOBS:-4}",
			description = "Large objects copied in parallel sessions (default: ${DEFAULT-VALUE};"
					+ " $PGCOPYDB_LARGE_OBJECTS_JOBS).")
	int largeObjectsJobs;

	@Option(names = { "--split-tables-larger-than", "--split-at" }, paramLabel = "<size>",
			defaultValue = "${env:PGCOPYDB_SPLIT_TABLES_LARGER_THAN:-0}",
			description = "Copy each table larger than this (with its TOAST) as several slices in parallel: by its"
					+ " integer key, else by page ranges; 10GB, 500 MB, 1024 kB or bytes (default 0: never;"
					+ " $PGCOPYDB_SPLIT_TABLES_LARGER_THAN).")
	String splitTablesLargerThan;

	@Option(names = "--split-max-parts", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_SPLIT_MAX_PARTS:-0}",
			description = "At most this many slices per table (default: --table-jobs; $PGCOPYDB_SPLIT_MAX_PARTS).")
	int splitMaxParts;

	@Option(names = "--skip-split-by-ctid",
			description = "Split only tables with an integer key, never by page ranges ($PGCOPYDB_SKIP_CTID_SPLIT).")
	boolean skipSplitByCtid;

	@Option(names = { "--skip-large-objects", "--skip-blobs" }, description = "Do not copy large objects.")
	boolean skipLargeObjects;

	@Option(names = "--skip-vacuum", description = "Do not VACUUM ANALYZE the copied tables ($PGCOPYDB_SKIP_VACUUM).")
	boolean skipVacuum;

	@Option(names = "--drop-if-exists",
			description = "Drop the target's copies of the source's objects first ($PGCOPYDB_DROP_IF_EXISTS).")
	boolean dropIfExists;

	@Option(names = "--no-owner", description = "Do not restore object ownership (pg_restore --no-owner).")
	boolean noOwner;

	@Option(names = "--no-acl", description = "Do not restore privileges (pg_restore --no-acl).")
	boolean noAcl;

	@Option(names = "--no-comments", description = "Do not restore comments (pg_restore --no-comments).")
	boolean noComments;

	@Option(names = "--skip-db-properties",
			description = "Do not copy the database's settings (ALTER DATABASE ... SET, ALTER ROLE ... IN DATABASE"
					+ " ... SET), comment and privileges.")
	boolean skipDbProperties;

	@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
			description = "Leave objects out, as pgcopydb's INI filter file says ([include-only-table],"
					+ " [exclude-schema], [exclude-table-data]...; see jobs/README.md).")
	java.nio.file.Path filters;

	@Option(names = "--skip-extensions",
			description = "Leave extensions out: no CREATE EXTENSION, no configuration rows (create them first, e.g."
					+ " with pgcopydb copy extensions, so that the clone can run as a non-superuser).")
	boolean skipExtensions;

	@Option(names = "--skip-ext-comments",
			description = "Do not restore COMMENT ON EXTENSION (managed services refuse it).")
	boolean skipExtComments;

	@Option(names = "--skip-collations", description = "Do not create collations (they must exist on the target).")
	boolean skipCollations;

	@Option(names = "--skip-citus-distribution",
			description = "From a Citus source: copy the Citus tables into plain tables, without CREATE EXTENSION"
					+ " citus (nor citus_columnar where the target cannot create it); by default the target must"
					+ " have Citus, and gets the source's distribution before the data.")
	boolean skipCitusDistribution;

	@Option(names = "--requirements", paramLabel = "<file>",
			description = "copy extensions: the version of each extension, as list extensions --requirements"
					+ " writes it (JSON).")
	Path requirements;

	@Option(names = "--roles",
			description = "First create the source cluster's roles missing on the target (same as pgcopydb copy"
					+ " roles).")
	boolean roles;

	@Option(names = "--no-role-passwords",
			description = "With --roles: leave passwords out (for a source connection that cannot read them).")
	boolean noRolePasswords;

	@Option(names = "--snapshot", paramLabel = "<id>", defaultValue = "${env:PGCOPYDB_SNAPSHOT}",
			description = "Use this exported snapshot instead of exporting one ($PGCOPYDB_SNAPSHOT).")
	String snapshot;

	@Option(names = "--distributed",
			description = "Send copies, index builds and VACUUMs to pgcopydb worker processes on any hosts, through"
					+ " the shared repository (--repository-url); this process keeps the snapshot, the schema and"
					+ " the dependency order.")
	boolean distributed;

	@Option(names = "--resume",
			description = "Continue the run of --dir after an interruption: completed steps, tables and indexes are "
					+ "kept; a pre-data restore that did not complete is redone with pg_restore --clean.")
	boolean resume;

	@Option(names = "--restart", description = "Abandon the last run of --dir, if unfinished, and start a new one.")
	boolean restart;

	@Option(names = "--not-consistent",
			description = "Allow --resume with a new snapshot when the original one is gone "
					+ "(tables copied before and after the interruption then reflect different moments).")
	boolean notConsistent;

	@Option(names = "--pg-bin", paramLabel = "<dir>",
			description = "Directory of pg_dump and pg_restore ($PGCOPYDB_PG_BIN; else pg_config, PATH, "
					+ "/usr/lib/postgresql/*/bin).")
	Path pgBin;

	/**
	 * Runs {@code stages} of the clone job in --dir, as --resume and --restart say.
	 * @param command the command as typed, for messages
	 */
	int launch(String command, Set<Stage> stages) {
		LogSetup.init(this.workDir.debug);
		return Launcher.launch(CloneJob.DEFINITION, request(command, stages, mode()));
	}

	/**
	 * {@code clone --follow}: the clone, in the snapshot of the follow's slot, and the
	 * follow, in one process ({@link CloneFollowJob}).
	 */
	int launchFollow(FollowOptions stream) {
		LogSetup.init(this.workDir.debug);
		if (this.notConsistent) {
			throw new BadArgumentsException("clone --follow takes no --not-consistent: a clone copied from another"
					+ " snapshot than the slot's would double or lose changes; start over with --restart");
		}
		if (this.distributed) {
			throw new BadArgumentsException("clone --follow runs in one process: it takes no --distributed (run"
					+ " clone --distributed, then follow)");
		}
		if (blankToNull(this.snapshot) != null) {
			throw new BadArgumentsException("clone --follow takes no --snapshot: the clone reads the snapshot"
					+ " exported with the follow's slot");
		}
		CloneRequest clone = request("clone", Stage.ALL, mode());
		FollowRequest.Mode followMode = this.resume ? FollowRequest.Mode.RESUME
				: this.restart ? FollowRequest.Mode.RESTART : FollowRequest.Mode.FRESH;
		FollowRequest follow = stream.request(clone.source(), clone.target(), clone.workDirectory(), clone.filters(),
				followMode, FollowRequest.ALL, true, false, "clone --follow");
		return Launcher.launch(CloneFollowJob.DEFINITION, new CloneFollowRequest(clone, follow));
	}

	/**
	 * Runs one of the {@link ObjectsJob}s ({@code copy roles}, {@code copy extensions}):
	 * a run of its own in --dir, which the clone's runs do not see.
	 */
	int launchObjects(String command, ObjectsJob job) {
		LogSetup.init(this.workDir.debug);
		if (this.resume || this.restart) {
			throw new BadArgumentsException(command + " starts a new run each time (it skips what exists):"
					+ " it takes no --resume or --restart");
		}
		return Launcher.launch(job, request(command, Set.of(), CloneRequest.Mode.FRESH));
	}

	/**
	 * Resumes the last clone of --dir, whose execution id is {@code executionId}
	 * ({@code job restart ID}).
	 */
	int resume(long executionId) {
		LogSetup.init(this.workDir.debug);
		if (this.restart) {
			throw new BadArgumentsException("job restart resumes the run: it takes no --restart");
		}
		WorkDirectory dir = this.workDir.workDirectory();
		RunRepository.read(dir, (runs) -> {
			runs.requireLast(CloneSteps.JOB, executionId, dir);
			return executionId;
		});
		return Launcher.launch(CloneJob.DEFINITION, request("clone", Stage.ALL, CloneRequest.Mode.RESUME));
	}

	/** Sets up logging, before a command reads the repository of --dir. */
	void init() {
		LogSetup.init(this.workDir.debug);
	}

	/**
	 * {@code job restart ID} of a {@code clone --follow} (its clone's or its follow's
	 * execution): {@code clone --follow --resume}.
	 */
	int resumeCloneFollow(String job, long executionId, FollowOptions stream) {
		WorkDirectory dir = this.workDir.workDirectory();
		RunRepository.read(dir, (runs) -> {
			runs.requireLast(job, executionId, dir);
			return executionId;
		});
		this.resume = true;
		return launchFollow(stream);
	}

	/**
	 * {@code job restart ID} of a follow run by {@code command} ({@code follow},
	 * {@code stream receive}, {@code stream apply}): the same command with
	 * {@code --resume}, the same steps.
	 */
	int resumeFollow(long executionId, FollowOptions stream, String command) {
		WorkDirectory dir = this.workDir.workDirectory();
		RunRepository.read(dir, (runs) -> {
			runs.requireLast(FollowSteps.JOB, executionId, dir);
			return executionId;
		});
		Set<FollowRequest.Part> parts = switch (command) {
			case "stream receive" -> FollowRequest.RECEIVE_PARTS;
			case "stream apply" -> FollowRequest.APPLY_PARTS;
			default -> FollowRequest.ALL;
		};
		Filters filterFile = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
		FollowRequest request = stream.request(Endpoints.of(Side.SOURCE, this.source),
				Endpoints.of(Side.TARGET, this.target), dir.create(), filterFile, FollowRequest.Mode.RESUME, parts,
				false, true, command);
		return Launcher.launch(FollowJob.DEFINITION, request);
	}

	private CloneRequest request(String command, Set<Stage> stages, CloneRequest.Mode mode) {
		positive("--table-jobs", this.tableJobs);
		positive("--index-jobs", this.indexJobs);
		positive("--restore-jobs", this.restoreJobs);
		positive("--large-objects-jobs", this.largeObjectsJobs);
		if (this.resume && this.restart) {
			throw new BadArgumentsException("--resume and --restart exclude each other: --resume finishes the last"
					+ " clone of --dir, --restart throws it away");
		}
		String snapshotId = blankToNull(this.snapshot);
		WorkDirectory work = this.workDir.workDirectory().create();
		if (this.distributed && work.sharedRepository() == null) {
			throw new BadArgumentsException("--distributed sends partitions to workers through a shared repository:"
					+ " give it with " + SharedRepository.URL_OPTION + " (or " + SharedRepository.URL_VARIABLE + ")");
		}
		// a command needs only the sides its stages use: dump schema no target, restore
		// no source; the other side is neither read nor recorded (nor compared on resume)
		boolean needsSource = stages.isEmpty() || stages.stream().anyMatch(Stage::readsSource);
		boolean needsTarget = stages.isEmpty() || !stages.equals(Set.of(Stage.DUMP_SCHEMA));
		PgEndpoint sourceEndpoint = needsSource ? Endpoints.of(Side.SOURCE, this.source) : null;
		PgEndpoint targetEndpoint = needsTarget ? Endpoints.of(Side.TARGET, this.target) : null;
		ServerVersion sourceVersion = needsSource ? sourceEndpoint.serverVersion() : null;
		ServerVersion targetVersion = needsTarget ? targetEndpoint.serverVersion() : null;
		ServerVersion toolsFor = (sourceVersion != null) ? sourceVersion : targetVersion;
		PgTools tools = new PgToolLocator(this.pgBin, System.getenv()).locate(toolsFor.major());
		return new CloneRequest(sourceEndpoint, targetEndpoint, work, this.tableJobs, this.indexJobs, this.restoreJobs,
				this.largeObjectsJobs, this.skipLargeObjects, this.skipVacuum || envFlag("PGCOPYDB_SKIP_VACUUM"),
				this.dropIfExists || envFlag("PGCOPYDB_DROP_IF_EXISTS"), this.noOwner, this.noAcl, this.noComments,
				snapshotId, tools, sourceVersion, targetVersion, mode, this.notConsistent, command, stages, objects(),
				filters(), split(), this.distributed);
	}

	/** The same-table concurrency options, checked. */
	TableSlicer.Options split() {
		return split(this.splitTablesLargerThan, this.splitMaxParts, this.tableJobs,
				this.skipSplitByCtid || envFlag("PGCOPYDB_SKIP_CTID_SPLIT") || envFlag("PGCOPYDB_SKIP_SPLIT_BY_CTID"));
	}

	static TableSlicer.Options split(String threshold, int maxParts, int tableJobs, boolean skipCtid) {
		if (maxParts < 0) {
			throw new BadArgumentsException(
					"--split-max-parts must be 0 (as many as --table-jobs) or more, got " + maxParts);
		}
		long bytes = SizeOption.parse("--split-tables-larger-than", threshold);
		return new TableSlicer.Options(bytes, (maxParts == 0) ? tableJobs : maxParts, !skipCtid);
	}

	private Filters filters() {
		Filters filters = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
		return this.skipExtensions ? filters.skippingExtensions() : filters;
	}

	private CloneRequest.ObjectOptions objects() {
		return new CloneRequest.ObjectOptions(!this.skipDbProperties, !this.skipExtensions, !this.skipExtComments,
				!this.skipCollations, this.roles, !this.noRolePasswords,
				(this.requirements != null) ? Json.readRequirements(this.requirements) : Map.of(),
				!this.skipCitusDistribution);
	}

	private CloneRequest.Mode mode() {
		return this.resume ? CloneRequest.Mode.RESUME
				: this.restart ? CloneRequest.Mode.RESTART : CloneRequest.Mode.FRESH;
	}

	private static void positive(String option, int value) {
		if (value < 1) {
			throw new BadArgumentsException(option + " must be at least 1, got " + value);
		}
	}

	static boolean envFlag(String name) {
		String value = System.getenv(name);
		return value != null && (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on")
				|| value.equalsIgnoreCase("yes") || value.equals("1"));
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}

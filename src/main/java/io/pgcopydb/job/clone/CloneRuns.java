package io.pgcopydb.job.clone;

import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.Runs;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.progress.StallWatcher;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.snapshot.RunSnapshot;
import io.pgcopydb.snapshot.SnapshotSource;

/**
 * Chooses and runs the clone job execution a command asks for, from what the
 * JobRepository of --dir records. Every command ({@code clone}, {@code copy data},
 * {@code restore pre-data}...) runs stages of the same clone job, so one job instance is
 * one migration, however many commands it takes:
 * <ul>
 * <li>with no unfinished run, a new job instance starts;
 * <li>a run paused between two step commands is continued by the next one;
 * <li>a run interrupted inside a stage (failed, killed, stopped) is continued only with
 * {@code --resume}: Spring Batch skips its COMPLETED steps and partitions and reruns the
 * rest;
 * <li>{@code --restart} abandons the last run if unfinished and starts a new one.
 * </ul>
 * The caller holds the directory's lock, so a run recorded as running is stale (its
 * process is gone, e.g. after kill -9): it is recovered (marked FAILED) first, and what
 * earlier processes left working is ended ({@link LeftoverWork}).
 */
class CloneRuns {

	private static final Logger logger = LoggerFactory.getLogger(CloneRuns.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final Job cloneJob;

	private final StepStatusBoard board;

	private final RunState state;

	private final RunSnapshot snapshot;

	private final StopSignal stop;

	private final StallWatcher stallWatcher;

	private final ClonePlan plan;

	private final RemoteWork remoteWork;

	private final DataSource dataSource;

	CloneRuns(JobOperator operator, JobRepository repository, Job cloneJob, StepStatusBoard board, RunState state,
			RunSnapshot snapshot, StopSignal stop, StallWatcher stallWatcher, ClonePlan plan, RemoteWork remoteWork,
			DataSource dataSource) {
		this.plan = plan;
		this.remoteWork = remoteWork;
		this.dataSource = dataSource;
		this.stop = stop;
		this.stallWatcher = stallWatcher;
		this.operator = operator;
		this.repository = repository;
		this.cloneJob = cloneJob;
		this.board = board;
		this.state = state;
		this.snapshot = snapshot;
	}

	/**
	 * Runs the job as {@code request} says, synchronously; returns its execution. The
	 * stall watcher watches the sessions of the checks before the run and of the run.
	 */
	JobExecution run(CloneRequest request) throws Exception {
		JobExecution execution = null;
		try (StallWatcher watching = this.stallWatcher.start()) {
			this.remoteWork.starting();
			execution = runWatched(request);
			// the partitions that workers ran are in the repository, not in this object
			return this.remoteWork.distributed() ? this.repository.getJobExecution(execution.getId()) : execution;
		}
		finally {
			this.remoteWork.finish(execution);
		}
	}

	private JobExecution runWatched(CloneRequest request) throws Exception {
		JobExecution last = lastExecution();
		if (last != null && last.getStatus().isRunning()) {
			logger.warn("Job execution {} is recorded {} but its process is gone: recovering it", last.getId(),
					last.getStatus());
			SharedRepository shared = request.workDirectory().sharedRepository();
			if (shared != null) {
				// workers may still run partitions of the dead manager's execution
				RemoteWork.takeOver(this.dataSource, shared, last.getId(), this.stop);
			}
			last = this.operator.recover(last);
		}
		new LeftoverWork(request.workDirectory().processRecords(), this.stop).end(request.source(), request.target());
		if (request.mode() == CloneRequest.Mode.RESTART) {
			return start(request, isUnfinished(last) ? last : null);
		}
		if (isUnfinished(last)) {
			Runs.requireSameDirectory(request.workDirectory(), last, request.distributed());
			return continueRun(request, last);
		}
		if (request.resuming()) {
			String dir = request.workDirectory().root().toString();
			if (last == null && request.wholeClone()) {
				throw new BadStateException("nothing to resume: no clone is recorded in --dir " + dir
						+ "; run without --resume to start one");
			}
			if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
				// a complete run of other databases is not "this" run finished: a
				// scheduler reusing a --dir must hear about it, not get exit 0
				checkSameRun(request, last);
				checkSameFilters(request, last);
				logger.info("The clone recorded in --dir {} already completed (job execution {}): nothing to resume",
						dir, last.getId());
				return last;
			}
			if (last != null && last.getStatus() == BatchStatus.ABANDONED) {
				throw new BadStateException("the last clone in --dir " + dir + " was abandoned (job execution "
						+ last.getId() + "): use --restart to start a new one");
			}
			logger.info("Nothing to resume in --dir {}: starting a new run", dir);
		}
		return start(request, null);
	}

	/**
	 * Starts a new run; with --restart, {@code abandoned} is the unfinished run it
	 * replaces, abandoned only once the new run's checks passed.
	 */
	private JobExecution start(CloneRequest request, JobExecution abandoned) throws Exception {
		this.state.set(Set.of(), Set.of());
		if (abandoned != null && needsSchemaDump(request, Set.of())) {
			throw new BadStateException("--restart would start a new run, which has no schema dump to restore: run"
					+ " pgcopydb dump schema --restart first (the current run in --dir is kept meanwhile)");
		}
		checkSchemaDumped(request, Set.of());
		resolveSnapshot(request);
		if (request.includes(Stage.RESTORE_PRE_DATA)) {
			TargetPreflight.check(request, checkedSnapshot(request), this.snapshot, this.stop);
		}
		DatabasePreflight.check(request, this.stop);
		if (abandoned != null) {
			logger.info("--restart: abandoning job execution {} ({})", abandoned.getId(), abandoned.getStatus());
			this.operator.abandon(abandoned);
		}
		return this.operator.start(this.cloneJob, parameters(request));
	}

	private JobExecution continueRun(CloneRequest request, JobExecution last) throws Exception {
		String dir = request.workDirectory().root().toString();
		boolean paused = RunOutcome.isPaused(last);
		if (!request.resuming() && (!paused || request.wholeClone())) {
			throw new BadStateException("an unfinished clone is recorded in --dir " + dir + " (job execution "
					+ last.getId() + ", " + (paused ? RunOutcome.PAUSED : last.getStatus())
					+ "): use --resume to finish it, or --restart to start over");
		}
		checkSameRun(request, last);
		checkSameFilters(request, last);
		StepStatusBoard.Snapshot done = this.board.read(last.getJobInstance().getId(), -1);
		checkSchemaDumped(request, done.completed());
		checkDataBeforePostData(request, done);
		this.state.set(done.attempted(), done.completed());
		resolveSnapshot(request);
		if (this.state.snapshot() instanceof SnapshotSource.Export && !request.notConsistent()
				&& this.state.resumesSourceReads(request)) {
			throw new BadStateException("cannot resume consistently: the snapshot of the interrupted run ended with"
					+ " its process; pass --snapshot <id> with a snapshot still held (pgcopydb snapshot), or"
					+ " --not-consistent to resume from a new one");
		}
		if (request.includes(Stage.RESTORE_PRE_DATA) && !done.wasAttempted(CloneSteps.RESTORE_PRE_DATA)) {
			TargetPreflight.check(request, checkedSnapshot(request), this.snapshot, this.stop,
					this.plan.filterPlan(last.getJobInstance().getId()));
		}
		boolean firstCopy = request.includes(Stage.TABLE_DATA) && !done.wasAttempted(CloneSteps.COPY_DATA);
		boolean firstRestore = request.includes(Stage.RESTORE_PRE_DATA)
				&& !done.wasAttempted(CloneSteps.RESTORE_PRE_DATA);
		if (firstCopy || firstRestore) {
			DatabasePreflight.check(request, this.stop);
		}
		if (paused) {
			logger.info("Continuing the run of job execution {} with {}", last.getId(),
					Stage.describe(request.stages()));
		}
		else {
			logger.info("Resuming job execution {} ({}): completed steps, tables and indexes are kept", last.getId(),
					last.getStatus());
		}
		return this.operator.restart(last);
	}

	/**
	 * The snapshot the run reads: --snapshot, else the one a {@code pgcopydb snapshot}
	 * process holds for --dir, else a new export. Looked up once the context is up, so
	 * that a holder started in the background just before this command (as the tutorial
	 * does) has taken its lock; it is waited for until it has published its snapshot.
	 */
	private void resolveSnapshot(CloneRequest request) {
		SnapshotSource source = (request.snapshot() != null || this.state.readsSource(request))
				? SnapshotSource.choose(request.snapshot(), "with --snapshot", request.workDirectory())
				: new SnapshotSource.Export();
		if (!(source instanceof SnapshotSource.Export)) {
			logger.info("Using {}", source.describe());
		}
		this.state.snapshot(source);
	}

	/**
	 * The snapshot a preflight may read the source in: one given or held, checked
	 * importable now, when this execution reads the source; else null. A snapshot that is
	 * gone is refused here, before anything is recorded.
	 */
	private String checkedSnapshot(CloneRequest request) {
		SnapshotSource source = this.state.snapshot();
		if (source instanceof SnapshotSource.Export || !this.state.readsSource(request)) {
			return null;
		}
		return this.snapshot.take(source);
	}

	/**
	 * A restore command needs the schema dump of its run: refused before anything is
	 * recorded, so that the user's next command is simply {@code dump schema}.
	 */
	private static void checkSchemaDumped(CloneRequest request, Set<String> completed) {
		if (needsSchemaDump(request, completed)) {
			throw new BadStateException("the run in --dir " + request.workDirectory().root()
					+ " has no schema dump to restore: run pgcopydb dump schema with this --dir first");
		}
	}

	private static boolean needsSchemaDump(CloneRequest request, Set<String> completed) {
		boolean restores = request.includes(Stage.RESTORE_PRE_DATA) || request.includes(Stage.RESTORE_POST_DATA);
		return restores && !request.includes(Stage.DUMP_SCHEMA) && !completed.contains(CloneSteps.DUMP_SCHEMA);
	}

	/**
	 * Post-data puts foreign keys and triggers on the target: the table data of the run
	 * can no longer be copied (TRUNCATE refuses referenced tables, COPY fires triggers).
	 */
	private static void checkDataBeforePostData(CloneRequest request, StepStatusBoard.Snapshot done) {
		if (request.includes(Stage.TABLE_DATA) && !done.isCompleted(CloneSteps.COPY_DATA)
				&& done.wasAttempted(CloneSteps.RESTORE_POST_DATA)) {
			throw new BadStateException("the run in --dir " + request.workDirectory().root()
					+ " already restored post-data (foreign keys, triggers), so its table data can no longer be"
					+ " copied: copy data before restore post-data; to start over use --restart --drop-if-exists");
		}
	}

	/**
	 * Job context key: the SHA-256 of the run's normalised filters (--skip-extensions
	 * included), recorded by its first command; "" for a run with neither --filters nor
	 * --skip-extensions.
	 */
	static final String FILTERS_DIGEST_KEY = "filters.digest";

	/** Job context key: the run's normalised filters, recorded by its first command. */
	static final String FILTERS_KEY = "filters.normalized";

	private static final String SKIP_EXTENSIONS = "--skip-extensions";

	/** The digest a run records for {@code filters}: "" for none. */
	static String digest(Filters filters) {
		return filters.isEmpty() ? "" : filters.digest();
	}

	/** The normalised text a run records for {@code filters}: "" for none. */
	static String normalized(Filters filters) {
		return filters.isEmpty() ? "" : filters.normalized();
	}

	/**
	 * Every command of a run leaves out what its first command's filters and
	 * --skip-extensions left out: the plan was made once, in the run's snapshot, from
	 * them. A command whose filters differ (compared as written: a regex entry is not
	 * expanded) is refused before anything runs, naming the difference. A run recorded
	 * before filters were recorded is not compared.
	 */
	static void checkSameFilters(CloneRequest request, JobExecution last) {
		String recorded = last.getExecutionContext().getString(FILTERS_DIGEST_KEY, null);
		String now = digest(request.filters());
		if (recorded == null || recorded.equals(now)) {
			return;
		}
		String recordedText = last.getExecutionContext().getString(FILTERS_KEY, "");
		String remedy = "start a new run with --restart";
		if (recorded.isEmpty()) {
			throw new BadStateException("the run in --dir " + request.workDirectory().root()
					+ " was started without --filters or --skip-extensions (recorded at its first command): run"
					+ " without " + given(request.filters()) + ", or " + remedy);
		}
		boolean hadFilters = recordedText.lines().anyMatch((line) -> line.startsWith("["));
		boolean hadSkip = recordedText.startsWith(SKIP_EXTENSIONS + "\n");
		String pass = "pass " + (hadFilters ? "the run's filter file (digest " + shortDigest(recorded) + ")" : "")
				+ ((hadFilters && hadSkip) ? " and " : "") + (hadSkip ? SKIP_EXTENSIONS : "");
		if (now.isEmpty()) {
			throw new BadStateException("the run in --dir " + request.workDirectory().root() + " was started with "
					+ (hadFilters ? "--filters" : "") + ((hadFilters && hadSkip) ? " and " : "")
					+ (hadSkip ? SKIP_EXTENSIONS : "") + " (recorded at its first command): " + pass + ", or "
					+ remedy);
		}
		List<String> differences = request.filters().differencesFrom(recordedText);
		String what = differences.isEmpty() ? "digest " + shortDigest(now) : String.join(", ", differences);
		String subject = differences.stream().anyMatch((difference) -> difference.endsWith(SKIP_EXTENSIONS))
				? "--filters or --skip-extensions differ" : "--filters differ";
		throw new BadStateException(
				subject + " from the run's (recorded at its first command): " + what + "; " + pass + " or " + remedy);
	}

	/** What a command passed that a run without filters had not: its options. */
	private static String given(Filters filters) {
		String file = (filters.file() != null) ? "--filters " + filters.file() : "";
		String skip = filters.skipsExtensions() ? SKIP_EXTENSIONS : "";
		return (file.isEmpty() || skip.isEmpty()) ? file + skip : file + " and " + skip;
	}

	private static String shortDigest(String digest) {
		return (digest.length() > 12) ? digest.substring(0, 12) : digest;
	}

	/** Job context key: the identity of one side, once a command of the run used it. */
	static String identityKey(Side side) {
		return "identity." + side.label();
	}

	/**
	 * A resume must copy between the same databases as the run it finishes: each side is
	 * compared with what the run recorded, in its job parameters or, for a side its first
	 * command did not use, when a later command first used it. A side this command does
	 * not use is not compared.
	 */
	private static void checkSameRun(CloneRequest request, JobExecution last) {
		for (Side side : Side.values()) {
			String now = CloneRequest.identity(request.endpoint(side));
			String then = String.valueOf(last.getJobParameters().getString(side.label()));
			if (then.isEmpty() || "null".equals(then)) {
				then = last.getExecutionContext().getString(identityKey(side), "");
			}
			if (now.isEmpty() || then.isEmpty()) {
				continue;
			}
			if (!now.equals(then)) {
				throw new BadStateException(
						"cannot resume: " + side.option() + " is " + now + " but the run recorded in --dir used " + then
								+ ": pass the same " + side.option() + ", or use --restart to start over");
			}
		}
	}

	private static boolean isUnfinished(JobExecution execution) {
		return execution != null && execution.getStatus() != BatchStatus.COMPLETED
				&& execution.getStatus() != BatchStatus.ABANDONED;
	}

	private JobExecution lastExecution() {
		JobInstance instance = this.repository.getLastJobInstance(CloneSteps.JOB);
		return (instance != null) ? this.repository.getLastJobExecution(instance) : null;
	}

	private static JobParameters parameters(CloneRequest request) {
		return new JobParametersBuilder().addString("source", CloneRequest.identity(request.source()))
			.addString("target", CloneRequest.identity(request.target()))
			.addLong("run.id", System.currentTimeMillis())
			.addString(Runs.DIR_PARAMETER, request.workDirectory().root().toString(), false)
			.addString(Runs.HOST_PARAMETER, SharedRepository.hostName(), false)
			.addLong("table-jobs", (long) request.tableJobs(), false)
			.addLong("index-jobs", (long) request.indexJobs(), false)
			.toJobParameters();
	}

}

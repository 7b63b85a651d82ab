package io.pgcopydb.job;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.config.DirectoryLock;
import io.pgcopydb.config.SessionTag;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.progress.ProgressReporter;
import io.pgcopydb.progress.RunSummary;
import io.pgcopydb.signal.Signals;
import io.pgcopydb.signal.StopSignal;

/**
 * Runs a job for a command, the same way for every job:
 * <ol>
 * <li>the run's log file in --dir, and a quiet console while a progress bar shows;
 * <li>the lock of --dir, so one job-running process works there at a time (and a run the
 * repository calls running is known to be stale);
 * <li>this process's {@link SessionTag} recorded in --dir, so that the next command can
 * end what this one leaves working on the servers if it is killed;
 * <li>the job's Spring context, on the repository of --dir;
 * <li>SIGTERM and SIGINT routed to a clean stop;
 * <li>the execution the request asks for ({@link JobDefinition#run});
 * <li>the summary table on stdout, and the {@link RunOutcome outcome}: its log lines and
 * exit code.
 * </ol>
 * Failures before or around the run are thrown (the command line's error boundary logs
 * them); a failed run is an outcome, not an exception.
 */
public final class Launcher {

	private static final Logger logger = LoggerFactory.getLogger(Launcher.class);

	private Launcher() {
	}

	/** Runs {@code request} with {@code job}; returns the process exit code. */
	public static <R extends JobRequest> int launch(JobDefinition<R> job, R request) {
		WorkDirectory dir = request.workDirectory();
		LogSetup.attachFile(dir.logFile());
		logger.info("{}: {}, work directory {}", request.command(), request.describe(), dir.root());
		if (ProgressReporter.interactive() && !LogSetup.debugging()) {
			logger.info("Progress below; details in {}", dir.logFile());
			LogSetup.consoleWarningsOnly();
		}
		StopSignal stop = new StopSignal();
		try (DirectoryLock lock = lockAndRecord(dir, request.command(), stop);
				ConfigurableApplicationContext context = BatchContext.start(dir, stop, request, job.configuration());
				Signals signals = Signals.install(stop, "finish with: " + job.interruptedResume(request))) {
			JobExecution execution = job.run(context, request);
			System.out.print(RunSummary.render(execution, (step) -> managerOf(step, job.partitionManagers())));
			System.out.flush();
			RunOutcome outcome = RunOutcome.of(execution, stop.reason(), request.command(),
					job.resumeCommand(context, request, execution), dir.logFile());
			outcome.log(logger);
			return outcome.exitCode().code();
		}
		catch (PgCopyException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new PgCopyException(ExitCode.INTERNAL, request.command() + " could not run: " + ExitCodes.message(ex),
					ex);
		}
	}

	/**
	 * Takes the lock of --dir, then records this process's session tag there before any
	 * session opens. Nothing is undone at the end: the next command finds the tag's
	 * sessions gone, and forgets it.
	 */
	private static DirectoryLock lockAndRecord(WorkDirectory dir, String command, StopSignal stop) {
		DirectoryLock lock = dir.lock(command,
				() -> stop.request("the lease of the run in the repository was lost (its session ended)"));
		try {
			dir.processRecords().register(SessionTag.current(), command);
		}
		catch (RuntimeException ex) {
			lock.close();
			throw ex;
		}
		logger.info("Sessions and child tools of this process show in pg_stat_activity as application_name '{}...'",
				SessionTag.PREFIX + SessionTag.current() + "]");
		if (dir.sharedRepository() != null) {
			logger.info("The run is kept in {} as {}; this process holds its lease there while it runs",
					dir.sharedRepository().connection().endpoint(), dir.sharedRepository().schema());
		}
		return lock;
	}

	/** The manager step whose summary line counts a partition step, by its worker. */
	private static Optional<String> managerOf(String stepName, Map<String, String> managers) {
		if (!PartitionKey.isPartition(stepName)) {
			return Optional.empty();
		}
		String worker = PartitionKey.workerOf(stepName);
		return Optional.of(managers.getOrDefault(worker, worker));
	}

}

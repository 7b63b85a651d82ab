package io.pgcopydb.cli;

import java.sql.SQLException;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.job.clone.CloneWorker;
import io.pgcopydb.job.remote.RemoteWorker;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.signal.Signals;
import io.pgcopydb.signal.StopSignal;

/**
 * {@code pgcopydb worker}: serves a distributed clone ({@code clone --distributed})
 * through the shared repository, on any host that reaches the repository, the source and
 * the target.
 */
@Command(name = "worker", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Run the copies, index builds and VACUUMs of a distributed clone (clone --distributed) that"
				+ " the shared repository holds, until the run completes. Start it on any number of hosts.")
final class WorkerCommand implements Callable<Integer> {

	private static final Logger logger = LoggerFactory.getLogger(WorkerCommand.class);

	@Option(names = "--source", paramLabel = "<uri>",
			description = "The run's source database, as this host reaches it (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = "--target", paramLabel = "<uri>",
			description = "The run's target database, as this host reaches it (default: $PGCOPYDB_TARGET_PGURI).")
	String target;

	@Mixin
	WorkDirOptions workDir;

	@Option(names = "--table-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_TABLE_JOBS:-4}",
			description = "Copies and VACUUMs this worker runs at once (default: ${DEFAULT-VALUE}).")
	int tableJobs;

	@Option(names = "--index-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_INDEX_JOBS:-4}",
			description = "Index builds this worker runs at once (default: ${DEFAULT-VALUE}).")
	int indexJobs;

	@Option(names = "--wait-for-run", paramLabel = "<seconds>", defaultValue = "600",
			description = "How long to wait for the manager to create the run, so that workers may start first"
					+ " (default: ${DEFAULT-VALUE}).")
	int waitForRun;

	@Override
	public Integer call() throws SQLException, InterruptedException {
		LogSetup.init(this.workDir.debug);
		if (this.tableJobs < 1 || this.indexJobs < 1) {
			throw new BadArgumentsException("--table-jobs and --index-jobs must be at least 1");
		}
		if (this.workDir.runName == null || this.workDir.runName.isBlank()) {
			throw new BadArgumentsException("a worker serves a named run: give " + SharedRepository.NAME_OPTION
					+ " (the manager logs it) and " + SharedRepository.URL_OPTION);
		}
		WorkDirectory shared = this.workDir.workDirectory();
		if (shared.sharedRepository() == null) {
			throw new BadArgumentsException("a worker takes its work from a shared repository: give "
					+ SharedRepository.URL_OPTION + " (or " + SharedRepository.URL_VARIABLE + ")");
		}
		// its own directory, for its log: a manager may work in --dir on this host
		WorkDirectory work = new WorkDirectory(
				shared.root()
					.resolve("workers")
					.resolve(SharedRepository.hostName() + "-" + ProcessHandle.current().pid()),
				shared.sharedRepository())
			.create();
		LogSetup.attachFile(work.logFile());
		// the run must exist: a worker does not create it; it waits for its manager
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(this.waitForRun);
		if (!shared.sharedRepository().hasRuns()) {
			logger.info("Waiting up to {} s for a manager to create run {} (clone --distributed {} {})",
					this.waitForRun, shared.sharedRepository().schema(), SharedRepository.NAME_OPTION,
					shared.sharedRepository().schema());
			while (!shared.sharedRepository().hasRuns() && System.nanoTime() < deadline) {
				Thread.sleep(1000);
			}
		}
		BatchContext.start(work).close();
		PgEndpoint sourceEndpoint = Endpoints.of(Side.SOURCE, this.source);
		PgEndpoint targetEndpoint = Endpoints.of(Side.TARGET, this.target);
		StopSignal stop = new StopSignal();
		RemoteWorker worker = new RemoteWorker(shared.sharedRepository(), stop, this.tableJobs, this.indexJobs,
				new CloneWorker(sourceEndpoint, targetEndpoint, work, this.tableJobs, this.indexJobs));
		try (Signals signals = Signals.install(stop,
				"once its lease ends, the manager sends the partitions it ran to other workers")) {
			boolean completed = worker.serve();
			if (completed) {
				return ExitCode.SUCCESS.code();
			}
			logger.warn("Worker {} stopped: {}", worker.id(), stop.reason());
			return ExitCode.STOPPED.code();
		}
	}

}

package io.pgcopydb.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.FollowedTables;
import io.pgcopydb.cdc.receive.StreamCleanup;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.cdc.receive.StreamSetup;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.config.DirectoryLock;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.job.clone.CloneRequest;
import io.pgcopydb.progress.LogSetup;

/**
 * {@code pgcopydb stream setup}: the checks, the publication(s), the slot, the origin on
 * the target, recorded in --dir; prints the slot, its consistent point and the snapshot
 * it exported (which ends with this process: {@code clone --follow} keeps it open for its
 * copy).
 */
@Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Set up logical decoding: publication (pgoutput), replication slot on the source, replication "
				+ "origin on the target.")
final class StreamSetupCommand implements Callable<Integer> {

	@Mixin
	StreamOptions stream;

	@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
			description = "Follow only the tables these filters keep (pgcopydb's filter file).")
	java.nio.file.Path filters;

	@Option(names = "--insert-only-tables",
			description = "Follow tables without replica identity for inserts and truncates only, instead of refusing.")
	boolean insertOnlyTables;

	@Option(names = "--slot-wait-timeout", paramLabel = "<seconds>", defaultValue = "600",
			description = "How long slot creation may wait for open source transactions (default: 600).")
	long slotWaitSeconds;

	@Option(names = "--resume", description = "Reuse the slot, publication and origin this --dir set up.")
	boolean resume;

	@Option(names = "--restart", description = "Drop what this --dir set up before, then set up anew.")
	boolean restart;

	@Override
	public Integer call() {
		LogSetup.init(this.stream.workDir.debug);
		if (this.resume && this.restart) {
			throw new BadArgumentsException("--resume and --restart contradict each other: pass one of them");
		}
		Filters runFilters = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
		try (StreamSetup.Setup setup = setUp(this.stream, runFilters, this.insertOnlyTables,
				Duration.ofSeconds(this.slotWaitSeconds), this.resume, this.restart)) {
			System.out.println("slot " + setup.record().slot() + " plugin " + setup.record().plugin().pluginName()
					+ " consistent point " + setup.record().consistentPoint() + " snapshot "
					+ setup.record().snapshotName());
		}
		return ExitCode.SUCCESS.code();
	}

	/**
	 * Sets up the follow of {@code stream}'s --dir, under its lock; the result holds the
	 * slot's exported snapshot until closed (also by {@code snapshot --follow}, which
	 * keeps it open for the copy).
	 */
	static StreamSetup.Setup setUp(StreamOptions stream, Filters runFilters, boolean insertOnly, Duration slotWait,
			boolean resume, boolean restart) {
		PgEndpoint source = Endpoints.of(Side.SOURCE, stream.source);
		PgEndpoint target = Endpoints.of(Side.TARGET, stream.target);
		WorkDirectory work = stream.workDir.workDirectory().create();
		LogSetup.attachFile(work.logFile());
		try (DirectoryLock lock = work.lock("stream setup");
				ConfigurableApplicationContext context = BatchContext.start(work, StreamRecords.class)) {
			StreamRecords records = context.getBean(StreamRecords.class);
			if (restart) {
				new StreamCleanup(records).cleanup(source, target, stream.names(), work)
					.forEach((line) -> System.err.println(line));
			}
			StreamSetup.Request request = new StreamSetup.Request(source, target, stream.plugin(), stream.names(),
					runFilters, insertOnly, slotWait, resume, CloneRequest.identity(source),
					CloneRequest.identity(target));
			StreamSetup.Setup setup = new StreamSetup(records).setup(request);
			// the follow that runs next in this --dir starts at the slot's consistent
			// point, and stream sentinel get|set work from now on
			SentinelStore sentinel = new SentinelStore(context.getBean(JdbcTemplate.class));
			if (!resume || !hasSentinel(sentinel)) {
				sentinel.init(setup.record().consistentPoint(), Lsn.INVALID);
			}
			return setup;
		}
	}

	private static boolean hasSentinel(SentinelStore sentinel) {
		try {
			sentinel.get();
			return true;
		}
		catch (BadStateException ex) {
			return false;
		}
	}

}

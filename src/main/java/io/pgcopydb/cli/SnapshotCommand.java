package io.pgcopydb.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.snapshot.SnapshotHolder;

/**
 * {@code pgcopydb snapshot}: exports a snapshot of the source, prints its id, publishes
 * it in --dir and holds it until SIGTERM or Ctrl-C ({@link SnapshotHolder}). As
 * pgcopydb's tutorial runs it: {@code coproc ( pgcopydb snapshot )} ... {@code kill -TERM
 * ${COPROC_PID}}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Export a snapshot of the source, print it and hold it until SIGTERM or Ctrl-C; commands "
				+ "in the same --dir read the source through it.")
final class SnapshotCommand implements Callable<Integer> {

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Mixin
	WorkDirOptions workDir;

	// the snapshot covers the whole database whatever a run leaves out: a --filters
	// given to every command of a script is read (a bad file is refused) and changes
	// nothing here
	@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
			description = "Accepted as the other commands take it; the snapshot covers the whole database.")
	java.nio.file.Path filters;

	@Override
	public Integer call() {
		LogSetup.init(this.workDir.debug);
		if (this.filters != null) {
			io.pgcopydb.filter.Filters.load(this.filters);
		}
		PgEndpoint source = Endpoints.of(Side.SOURCE, this.source);
		WorkDirectory work = this.workDir.workDirectory().create();
		LogSetup.attachFile(work.logFile());
		SnapshotHolder holder = new SnapshotHolder(source, work);
		try {
			holder.hold((id) -> {
				System.out.println(id);
				System.out.flush();
			});
			return ExitCode.SUCCESS.code();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ExitCode.STOPPED.code();
		}
	}

}

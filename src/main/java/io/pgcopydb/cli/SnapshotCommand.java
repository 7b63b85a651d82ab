package io.pgcopydb.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.cdc.receive.StreamSetup;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.progress.LogSetup;
import io.pgcopydb.snapshot.SnapshotHolder;

/**
 * {@code pgcopydb snapshot}: exports a snapshot of the source, prints its id, publishes
 * it in --dir and holds it until SIGTERM or Ctrl-C ({@link SnapshotHolder}). As
 * pgcopydb's tutorial runs it: {@code coproc ( pgcopydb snapshot )} ... {@code kill -TERM
 * ${COPROC_PID}}. With {@code --follow} the snapshot is the one the follow's replication
 * slot exports as {@code stream setup} creates it, so that {@code clone} then
 * {@code follow} in the same --dir neither miss nor repeat a change.
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

	@Option(names = "--follow",
			description = "Set up the follow of --dir (stream setup: publication, replication slot, origin on the"
					+ " target) and hold the snapshot the slot exports: a clone in the same --dir copies exactly"
					+ " what precedes the slot's changes, then follow replays them.")
	boolean follow;

	@Option(names = "--target", paramLabel = "<uri>",
			description = "With --follow: target connection string, for the origin (default: $PGCOPYDB_TARGET_PGURI).")
	String target;

	@Option(names = "--plugin", paramLabel = "<plugin>", defaultValue = "${env:PGCOPYDB_OUTPUT_PLUGIN:-pgoutput}",
			description = "With --follow: output plugin, pgoutput (default), test_decoding or wal2json.")
	String plugin;

	@Option(names = "--slot-name", paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_SLOT_NAME}",
			description = "With --follow: replication slot (default: derived from --dir).")
	String slotName;

	@Option(names = "--publication", paramLabel = "<name>",
			description = "With --follow: publication for pgoutput (default: derived from --dir).")
	String publication;

	@Option(names = "--origin", paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_ORIGIN}",
			description = "With --follow: replication origin on the target (default: derived from --dir).")
	String origin;

	@Override
	public Integer call() {
		LogSetup.init(this.workDir.debug);
		if (this.filters != null) {
			Filters.load(this.filters);
		}
		PgEndpoint source = Endpoints.of(Side.SOURCE, this.source);
		WorkDirectory work = this.workDir.workDirectory().create();
		LogSetup.attachFile(work.logFile());
		SnapshotHolder holder = new SnapshotHolder(source, work);
		Consumer<String> print = (id) -> {
			System.out.println(id);
			System.out.flush();
		};
		try {
			if (this.follow) {
				holder.hold(this::setUpFollow, print);
			}
			else {
				holder.hold(print);
			}
			return ExitCode.SUCCESS.code();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ExitCode.STOPPED.code();
		}
	}

	/**
	 * {@code --follow}: stream setup in --dir (the lock of --dir is released once it is
	 * done, so that the clone can run there), and the slot's snapshot to hold.
	 */
	private SnapshotHolder.Exported setUpFollow() {
		StreamOptions stream = new StreamOptions();
		stream.source = this.source;
		stream.target = this.target;
		stream.workDir = this.workDir;
		stream.plugin = this.plugin;
		stream.slotName = blankToNull(this.slotName);
		stream.publication = blankToNull(this.publication);
		stream.origin = blankToNull(this.origin);
		Filters filters = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
		StreamSetup.Setup setup = StreamSetupCommand.setUp(stream, filters, false, Duration.ofMinutes(10), false,
				false);
		System.err.println("slot " + setup.record().slot() + " plugin " + setup.record().plugin().pluginName()
				+ " consistent point " + setup.record().consistentPoint());
		return new SnapshotHolder.Exported() {

			@Override
			public String id() {
				return setup.record().snapshotName();
			}

			@Override
			public void checkAlive() {
				// any command on the replication session would end its exported
				// snapshot: it is left idle, as the copy needs it
			}

			@Override
			public void close() {
				setup.close();
			}

		};
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}

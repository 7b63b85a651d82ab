package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.Launcher;
import io.pgcopydb.job.stream.FollowJob;
import io.pgcopydb.job.stream.FollowRequest;
import io.pgcopydb.progress.LogSetup;

/**
 * {@code pgcopydb follow}: change data capture only, the copy done elsewhere with the
 * slot's snapshot ({@code stream setup} first), or from {@code --startpos}. Also the
 * low-level {@code stream receive} and {@code stream apply}, one step of the same job
 * each.
 */
@Command(name = "follow", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Replay the source's changes on the target (logical decoding), until --endpos or the"
				+ " sentinel's endpos.")
final class FollowCommand implements Callable<Integer> {

	@Mixin
	Sides sides;

	@Mixin
	FollowOptions stream;

	@Override
	public Integer call() {
		return this.sides.launch(this.stream, FollowRequest.ALL, "follow");
	}

	/** --source, --target, --dir, --filters, --resume, --restart of a follow. */
	static final class Sides {

		@Option(names = "--source", paramLabel = "<uri>",
				description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).")
		String source;

		@Option(names = "--target", paramLabel = "<uri>",
				description = "Target database connection string (default: $PGCOPYDB_TARGET_PGURI).")
		String target;

		@Mixin
		WorkDirOptions workDir;

		@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
				description = "Follow only the tables the filter file keeps (as the copy did).")
		Path filters;

		@Option(names = "--resume", description = "Continue the follow of --dir from the target origin's position.")
		boolean resume;

		@Option(names = "--restart",
				description = "Drop the slot, publication, origin and change files of the last follow of --dir and"
						+ " start over.")
		boolean restart;

		int launch(FollowOptions stream, Set<FollowRequest.Part> parts, String command) {
			LogSetup.init(this.workDir.debug);
			if (this.resume && this.restart) {
				throw new BadArgumentsException("--resume and --restart exclude each other: --resume continues the"
						+ " follow of --dir, --restart throws it away");
			}
			WorkDirectory dir = this.workDir.workDirectory().create();
			PgEndpoint sourceEndpoint = Endpoints.of(Side.SOURCE, this.source);
			PgEndpoint targetEndpoint = Endpoints.of(Side.TARGET, this.target);
			Filters filterFile = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
			FollowRequest.Mode mode = this.resume ? FollowRequest.Mode.RESUME
					: this.restart ? FollowRequest.Mode.RESTART : FollowRequest.Mode.FRESH;
			FollowRequest request = stream.request(sourceEndpoint, targetEndpoint, dir, filterFile, mode, parts, false,
					true, command);
			return Launcher.launch(FollowJob.DEFINITION, request);
		}

	}

}

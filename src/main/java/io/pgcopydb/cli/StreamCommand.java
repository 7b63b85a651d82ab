package io.pgcopydb.cli;

import java.util.Set;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.pgcopydb.job.stream.FollowRequest;

/**
 * {@code pgcopydb stream ...}: the parts of a follow, run by hand (setup, receive, apply,
 * cleanup) and the sentinel that steers a running follow.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
		description = "Change data capture by parts: setup, cleanup, sentinel get|set, receive, apply.",
		subcommands = { StreamSetupCommand.class, StreamCleanupCommand.class, StreamSentinelCommand.class })
final class StreamCommand {

	@Command(name = "receive", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Stream changes from the slot into the change files of --dir, until endpos (one step of"
					+ " follow).")
	int receive(@Mixin FollowCommand.Sides sides, @Mixin FollowOptions stream) {
		return sides.launch(stream, Set.of(FollowRequest.Part.SETUP, FollowRequest.Part.RECEIVE), "stream receive");
	}

	@Command(name = "apply", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Apply the change files of --dir to the target, until endpos (one step of follow).")
	int apply(@Mixin FollowCommand.Sides sides, @Mixin FollowOptions stream) {
		return sides.launch(stream, Set.of(FollowRequest.Part.SETUP, FollowRequest.Part.APPLY), "stream apply");
	}

}

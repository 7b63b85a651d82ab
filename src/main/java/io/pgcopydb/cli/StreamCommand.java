package io.pgcopydb.cli;

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
			description = "Stream changes from the slot into the change files of --dir, until endpos (the receive"
					+ " of follow); stream apply or follow --resume continue the follow.")
	int receive(@Mixin FollowCommand.Sides sides, @Mixin FollowOptions stream) {
		return sides.launch(stream, FollowRequest.RECEIVE_PARTS, "stream receive");
	}

	@Command(name = "apply", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Apply the change files of --dir to the target until endpos, then set the sequences"
					+ " (the apply and cut-over of follow); stopped, it is continued by follow --resume.")
	int apply(@Mixin FollowCommand.Sides sides, @Mixin FollowOptions stream) {
		return sides.launch(stream, FollowRequest.APPLY_PARTS, "stream apply");
	}

}

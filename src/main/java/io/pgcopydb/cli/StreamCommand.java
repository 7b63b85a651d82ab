package io.pgcopydb.cli;

import picocli.CommandLine.Command;

/**
 * {@code pgcopydb stream ...}: the parts of a follow, run by hand (setup, receive, apply,
 * cleanup) and the sentinel that steers a running follow.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
		description = "Change data capture by parts: setup, cleanup, sentinel get|set, receive, apply.",
		subcommands = { StreamSentinelCommand.class })
final class StreamCommand {

}

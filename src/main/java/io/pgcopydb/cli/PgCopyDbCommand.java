package io.pgcopydb.cli;

import java.util.Collection;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import io.pgcopydb.error.ExitCode;

/**
 * The root of the pgcopydb command tree. Verbs keep pgcopydb's names, so its tutorial and
 * documentation describe this program.
 */
@Command(name = "pgcopydb", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
		description = "Copy a PostgreSQL database to another server: schema, data, indexes, sequences, large objects.",
		subcommands = { CloneCommand.class, CopyCommand.class, DumpCommand.class, RestoreCommand.class,
				SnapshotCommand.class, ListCommand.class, JobCommand.class, FollowCommand.class, StreamCommand.class,
				PingCommand.class, CompareCommand.class, WorkerCommand.class, StartUpTrainingCommand.class,
				CommandLine.HelpCommand.class },
		footerHeading = "%nExit codes:%n", footer = "%s")
public final class PgCopyDbCommand implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		throw new CommandLine.ParameterException(this.spec.commandLine(), "a command is required, for example: clone");
	}

	private static void exitCodeFooter(Collection<CommandLine> commands, String table) {
		for (CommandLine command : commands) {
			command.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(table);
			exitCodeFooter(command.getSubcommands().values(), table);
		}
	}

	/** Parses and runs {@code args}; returns the process exit code. */
	public static int execute(String... args) {
		CommandLine commandLine = new CommandLine(new PgCopyDbCommand());
		String table = ExitCode.table();
		commandLine.getCommandSpec().usageMessage().footer(table);
		exitCodeFooter(commandLine.getSubcommands().values(), table);
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		commandLine.setExecutionExceptionHandler(new ErrorBoundary());
		commandLine.setParameterExceptionHandler((ex, args1) -> {
			CommandLine failed = ex.getCommandLine();
			failed.getErr().println("pgcopydb: " + ex.getMessage());
			failed.getErr()
				.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
			return ExitCode.BAD_ARGUMENTS.code();
		});
		return commandLine.execute(args);
	}

}

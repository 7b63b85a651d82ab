package io.pgcopydb.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.Runs;
import io.pgcopydb.job.StepNames;

/**
 * {@code pgcopydb job restart ID [clone options]}: finishes a stopped or failed clone by
 * its execution id, for schedulers that track ids. It is {@code clone --resume} once the
 * id is checked to be the last clone of --dir; the connection strings and the snapshot
 * options are clone's.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
		description = "Finish a stopped or failed clone execution (the last clone of --dir): clone --resume; "
				+ "other options are clone's (connection strings, --snapshot, --not-consistent ...).")
final class JobRestartCommand implements Callable<Integer> {

	@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).")
	long id;

	@Mixin
	RepositoryOptions options;

	@Unmatched
	List<String> cloneOptions = new ArrayList<>();

	@Override
	public Integer call() {
		int checked = this.options.run((context) -> {
			List<Runs.Run> clones = context.getBean(Runs.class)
				.list()
				.stream()
				.filter((run) -> run.job().equals(StepNames.CLONE_JOB))
				.toList();
			if (clones.isEmpty() || clones.get(0).executionId() != this.id) {
				throw new BadStateException("job execution " + this.id + " is not the last clone of --dir "
						+ this.options.workDirectory().root()
						+ (clones.isEmpty() ? "" : " (that is " + clones.get(0).executionId() + ")")
						+ ": job restart finishes the last clone; see pgcopydb job list");
			}
			return ExitCode.SUCCESS.code();
		});
		if (checked != ExitCode.SUCCESS.code()) {
			return checked;
		}
		List<String> args = new ArrayList<>(List.of("clone"));
		args.addAll(this.cloneOptions);
		args.addAll(List.of("--resume", "--dir", this.options.workDirectory().root().toString()));
		if (this.options.debug()) {
			args.add("--debug");
		}
		return PgCopyDbCommand.execute(args.toArray(String[]::new));
	}

}

package io.pgcopydb.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.Runs;

/**
 * {@code pgcopydb job list|show|stop|restart|abandon}: the job executions recorded in a
 * --dir, for schedulers and operators; each with {@code --json}. A stop requested here is
 * carried out by the process running the job, which ends STOPPED with exit code 8. A
 * stopped or failed clone is finished with {@code clone --resume}.
 */
@Command(name = "job", mixinStandardHelpOptions = true, subcommands = JobRestartCommand.class,
		description = "The job executions recorded in --dir: list, show, stop, restart, abandon.")
final class JobCommand {

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List the job executions, newest first.")
	int list(@Mixin RepositoryOptions options) {
		return options.run((context) -> {
			List<Runs.Run> runs = context.getBean(Runs.class).list();
			if (options.json) {
				List<Map<String, Object>> rows = new ArrayList<>();
				runs.forEach((run) -> rows.add(Json.run(run)));
				Json.print(rows);
			}
			else {
				System.out.printf("%-6s %-8s %-10s %-10s %-19s %-19s%n", "ID", "JOB", "STATUS", "EXIT", "START", "END");
				for (Runs.Run run : runs) {
					System.out.printf("%-6d %-8s %-10s %-10s %-19s %-19s%n", run.executionId(), run.job(), run.status(),
							run.exitCode(), Json.text(run.start()), Json.text(run.end()));
				}
			}
			return ExitCode.SUCCESS.code();
		});
	}

	@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one job execution and its steps.")
	int show(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		return options.run((context) -> {
			Runs runs = context.getBean(Runs.class);
			Runs.Run run = runs.show(id);
			List<Runs.StepRun> steps = runs.steps(id);
			if (options.json) {
				Map<String, Object> shown = new LinkedHashMap<>(Json.run(run));
				shown.put("steps", steps.stream().map(Json::step).toList());
				Json.print(shown);
			}
			else {
				System.out.printf("Job execution %d (%s): %s, exit %s, started %s, ended %s%n", run.executionId(),
						run.job(), run.status(), run.exitCode(), Json.text(run.start()), Json.text(run.end()));
				Json.printSteps(steps);
			}
			return ExitCode.SUCCESS.code();
		});
	}

	@Command(name = "stop", mixinStandardHelpOptions = true,
			description = "Ask the process running a job execution to stop cleanly (it exits 8; resume later).")
	int stop(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		return options.run((context) -> {
			context.getBean(Runs.class).stop(id, options.workDirectory());
			System.out.println("Stop requested for job execution " + id
					+ ": the running process cancels its statements in flight and stops");
			return ExitCode.SUCCESS.code();
		});
	}

	@Command(name = "abandon", mixinStandardHelpOptions = true,
			description = "Mark a job execution that is not running ABANDONED, so that no --resume picks it up.")
	int abandon(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		return options.run((context) -> {
			try {
				context.getBean(Runs.class).abandon(id, options.workDirectory());
			}
			catch (PgCopyException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new PgCopyException(ExitCode.INTERNAL, "abandoning job execution " + id + ": " + ex.getMessage(),
						ex);
			}
			System.out.println("Job execution " + id + " abandoned");
			return ExitCode.SUCCESS.code();
		});
	}

}

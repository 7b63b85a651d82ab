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
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.Runs;

/**
 * {@code pgcopydb job list|show|stop|restart|abandon}: the job executions recorded in a
 * --dir, for schedulers and operators; each with {@code --json}. A stop requested here is
 * carried out by the process running the job, which ends STOPPED with exit code 8. A
 * stopped or failed clone is finished with {@code job restart ID} or
 * {@code clone --resume}.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
		description = "The job executions recorded in --dir: list, show, stop, restart, abandon.")
final class JobCommand {

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List the job executions, newest first.")
	int list(@Mixin RepositoryOptions options) {
		List<Runs.Run> runs = options.runs(Runs::list);
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
	}

	@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one job execution and its steps.")
	int show(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		record Shown(Runs.Run run, List<Runs.StepRun> steps) {
		}
		Shown shown = options.runs((runs) -> new Shown(runs.show(id), runs.steps(id)));
		if (options.json) {
			Map<String, Object> json = new LinkedHashMap<>(Json.run(shown.run()));
			json.put("steps", shown.steps().stream().map(Json::step).toList());
			Json.print(json);
		}
		else {
			Runs.Run run = shown.run();
			System.out.printf("Job execution %d (%s): %s, exit %s, started %s, ended %s%n", run.executionId(),
					run.job(), run.status(), run.exitCode(), Json.text(run.start()), Json.text(run.end()));
			if (!run.consistent()) {
				System.out.printf("Not consistent: %s%n", run.notConsistent());
			}
			Json.printSteps(shown.steps());
		}
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "stop", mixinStandardHelpOptions = true,
			description = "Ask the process running a job execution to stop cleanly (it exits 8; resume later).")
	int stop(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		options.init();
		RunRepository.stop(options.workDirectory(), id);
		System.out.println("Stop requested for job execution " + id
				+ ": the running process cancels its statements in flight and stops");
		return ExitCode.SUCCESS.code();
	}

	@Command(name = "restart", sortOptions = false, mixinStandardHelpOptions = true,
			description = "Finish a stopped or failed clone execution (the last clone of --dir): clone --resume; "
					+ "the other options are clone's (connection strings, --snapshot, --not-consistent ...).")
	int restart(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin CloneOptions options) {
		return options.resume(id);
	}

	@Command(name = "abandon", mixinStandardHelpOptions = true,
			description = "Mark a job execution that is not running ABANDONED, so that no --resume picks it up.")
	int abandon(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin RepositoryOptions options) {
		options.runs((runs) -> {
			try {
				runs.abandon(id, options.workDirectory());
				return id;
			}
			catch (PgCopyException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new PgCopyException(ExitCode.INTERNAL, "abandoning job execution " + id + ": " + ex.getMessage(),
						ex);
			}
		});
		System.out.println("Job execution " + id + " abandoned");
		return ExitCode.SUCCESS.code();
	}

}

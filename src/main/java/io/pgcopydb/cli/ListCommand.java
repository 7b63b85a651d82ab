package io.pgcopydb.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.RunOutcome;
import io.pgcopydb.job.Runs;
import io.pgcopydb.job.clone.CloneProgress;
import io.pgcopydb.progress.Durations;

/**
 * {@code pgcopydb list progress [--summary] [--json]}: where the last clone of a --dir
 * stands, read from its repository; works while the clone runs, from another process.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List what a --dir records.")
final class ListCommand {

	@Command(name = "progress", mixinStandardHelpOptions = true,
			description = "Progress of the last clone: tables, rows, indexes, steps; works while it runs.")
	int progress(
			@Option(names = "--summary",
					description = "Also show every step with its status and duration.") boolean summary,
			@Mixin RepositoryOptions options) {
		CloneProgress.Progress progress = options.read(CloneProgress.class, CloneProgress::last);
		if (progress == null) {
			throw new BadStateException("no clone is recorded in --dir " + options.workDirectory().root());
		}
		if (options.json) {
			Json.print(json(progress, summary));
		}
		else {
			print(progress, summary);
		}
		return ExitCode.SUCCESS.code();
	}

	private static Map<String, Object> json(CloneProgress.Progress progress, boolean summary) {
		Map<String, Object> json = new LinkedHashMap<>(Json.run(progress.run()));
		json.put("elapsedSeconds", progress.elapsed().toSeconds());
		json.put("tables", Map.of("total", progress.tablesTotal(), "done", progress.tablesDone(), "inProgress",
				progress.tablesInProgress(), "toDo", progress.tablesToDo()));
		json.put("rows", progress.rows());
		json.put("indexes", Map.of("total", progress.indexesTotal(), "done", progress.indexesDone()));
		if (summary) {
			json.put("steps", progress.steps().stream().map(Json::step).toList());
		}
		return json;
	}

	private static void print(CloneProgress.Progress progress, boolean summary) {
		Runs.Run run = progress.run();
		System.out.printf("Clone job execution %d: %s, elapsed %s%n", run.executionId(),
				RunOutcome.PAUSED.equals(run.exitCode()) ? "PAUSED (stages left for the next command)" : run.status(),
				Durations.format(progress.elapsed()));
		System.out.printf("Tables:  %d of %d copied, %d in progress%s, %d to do; %d rows copied%n",
				progress.tablesDone(), progress.tablesTotal(), progress.tablesInProgress().size(),
				progress.tablesInProgress().isEmpty() ? ""
						: " (" + String.join(", ", progress.tablesInProgress()) + ")",
				progress.tablesToDo(), progress.rows());
		System.out.printf("Indexes: %d of %d built%n", progress.indexesDone(), progress.indexesTotal());
		if (summary) {
			Json.printSteps(progress.steps());
		}
	}

}

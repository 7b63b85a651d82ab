package io.pgcopydb.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.pgcopydb.cdc.receive.SlotHealth;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.job.Runs;
import io.pgcopydb.job.clone.CloneSteps;
import io.pgcopydb.job.stream.FollowStatus;
import io.pgcopydb.job.stream.FollowSteps;
import io.pgcopydb.pg.ByteSize;
import io.pgcopydb.progress.Durations;

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

	@Command(name = "show", mixinStandardHelpOptions = true,
			description = "Show one job execution and its steps; for a follow, where it stands (sentinel, lag, change"
					+ " files, where it stopped and why) and the slot's retained WAL read on the source.")
	int show(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Option(names = "--source", paramLabel = "<uri>",
					description = "Source connection string, to read a follow's slot (default:"
							+ " $PGCOPYDB_SOURCE_PGURI; without it the slot is not shown).") String source,
			@Mixin RepositoryOptions options) {
		record Shown(Runs.Run run, List<Runs.StepRun> steps, FollowStatus.Status follow) {
		}
		Shown shown = options.read(FollowStatus.class, (status) -> {
			Runs.Run run = status.runs().show(id);
			boolean follows = FollowSteps.JOB.equals(run.job())
					|| CloneSteps.JOB.equals(run.job()) && "clone --follow".equals(status.lastCommand());
			FollowStatus.Status follow = follows ? status.read(options.workDirectory(),
					FollowSteps.JOB.equals(run.job()) ? run : status.runs().last(FollowSteps.JOB)) : null;
			return new Shown(run, status.runs().steps(id), follow);
		});
		FollowStatus.SlotReading slot = (shown.follow() != null && shown.follow().stream() != null)
				? slot(source, shown.follow().stream().slot()) : null;
		if (options.json) {
			Map<String, Object> json = new LinkedHashMap<>(Json.run(shown.run()));
			json.put("steps", shown.steps().stream().map(Json::step).toList());
			if (shown.follow() != null) {
				json.put("follow", followJson(shown.follow(), slot));
			}
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
			if (shown.follow() != null) {
				printFollow(shown.follow(), slot);
			}
		}
		return ExitCode.SUCCESS.code();
	}

	/**
	 * The slot read on the source named by {@code --source} or the environment; never
	 * fails the command.
	 */
	private static FollowStatus.SlotReading slot(String source, String slotName) {
		PgEndpoint endpoint;
		try {
			endpoint = Endpoints.of(Side.SOURCE, source);
		}
		catch (PgCopyException ex) {
			return new FollowStatus.SlotReading(null,
					"source not reachable: no --source and no PGCOPYDB_SOURCE_PGURI to read the slot with");
		}
		return FollowStatus.slot(endpoint, slotName);
	}

	static Map<String, Object> followJson(FollowStatus.Status follow, FollowStatus.SlotReading slot) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("command", follow.command());
		json.put("ended", follow.ended());
		json.put("last_applied_lsn", follow.lastApplied().asString());
		json.put("sentinel", StreamSentinelCommand.fields(follow.sentinel(), Instant.now()));
		json.put("change_files_bytes", follow.changeFileBytes());
		if (follow.stream() != null) {
			json.put("plugin", follow.stream().plugin().pluginName());
			json.put("slot_name", follow.stream().slot());
			json.put("origin", follow.stream().origin());
			json.put("publication", follow.stream().publication());
		}
		json.put("unfollowed_tables", follow.unfollowed());
		if (slot != null) {
			json.put("slot", slotJson(slot));
		}
		return json;
	}

	static Map<String, Object> slotJson(FollowStatus.SlotReading slot) {
		Map<String, Object> json = new LinkedHashMap<>();
		SlotHealth health = slot.health();
		if (health == null) {
			json.put("unavailable", slot.unavailable());
			return json;
		}
		json.put("active", health.active());
		json.put("wal_status", health.walStatus());
		json.put("safe_wal_size", health.safeWalSize());
		json.put("retained_wal_bytes", health.retainedBytes());
		json.put("restart_lsn", health.restartLsn().asString());
		json.put("confirmed_flush_lsn", health.confirmedFlush().asString());
		json.put("warning", health.warning());
		return json;
	}

	private static void printFollow(FollowStatus.Status follow, FollowStatus.SlotReading slot) {
		Sentinel sentinel = follow.sentinel();
		System.out.printf("Follow%s: %s; last applied LSN %s%n",
				(follow.command() != null) ? " (" + follow.command() + ")" : "",
				(follow.ended() != null) ? follow.ended() : "", follow.lastApplied());
		System.out.printf("  Sentinel: startpos %s, endpos %s, apply %s; write_lsn %s, flush_lsn %s, replay_lsn %s%n",
				sentinel.startpos(), sentinel.endpos(), sentinel.apply() ? "enabled" : "disabled", sentinel.writeLsn(),
				sentinel.flushLsn(), sentinel.replayLsn());
		Duration lag = sentinel.lagTime(Instant.now());
		System.out.printf("  Lag: %s, %s; change files %s on disk%n", ByteSize.pretty(sentinel.lagBytes()),
				(lag != null) ? Durations.format(lag) : "unknown (nothing applied yet)",
				ByteSize.pretty(follow.changeFileBytes()));
		if (follow.stream() != null) {
			System.out.printf("  Slot %s (%s), origin %s%s%n", follow.stream().slot(),
					follow.stream().plugin().pluginName(), follow.stream().origin(),
					(follow.stream().publication() != null) ? ", publication " + follow.stream().publication() : "");
		}
		else {
			System.out.println("  No slot recorded (stream cleanup ran)");
		}
		if (!follow.unfollowed().isEmpty()) {
			System.out.printf(
					"  WARNING: not followed (on the source, not in the publication: created after setup): %s%n",
					String.join(", ", follow.unfollowed()));
		}
		if (slot == null) {
			return;
		}
		SlotHealth health = slot.health();
		if (health == null) {
			System.out.printf("  Slot on the source: %s%n", slot.unavailable());
			return;
		}
		System.out.printf(
				"  Slot on the source: %s, wal_status %s, safe_wal_size %s, retains %s of WAL"
						+ " (restart_lsn %s, confirmed_flush_lsn %s)%n",
				health.active() ? "active" : "inactive", health.walStatus(),
				(health.safeWalSize() != null) ? ByteSize.pretty(health.safeWalSize()) : "unlimited",
				ByteSize.pretty(health.retainedBytes()), health.restartLsn(), health.confirmedFlush());
		if (health.warning() != null) {
			System.out.printf("  WARNING: %s%n", health.warning());
		}
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
			description = "Finish a stopped or failed execution, the last of its job in --dir: a clone with clone"
					+ " --resume, a clone --follow with clone --follow --resume, a follow (follow, stream receive,"
					+ " stream apply) with that command's --resume; the other options are those commands'.")
	int restart(@Parameters(paramLabel = "ID", description = "Job execution id (pgcopydb job list).") long id,
			@Mixin CloneOptions options, @Mixin FollowOptions stream) {
		if (options.restart) {
			throw new BadArgumentsException("job restart resumes the run: it takes no --restart");
		}
		record Target(String job, String command) {
		}
		options.init();
		Target target = RunRepository.read(options.workDir.workDirectory(), FollowStatus.class, (status) -> {
			Runs.Run run;
			try {
				run = status.runs().show(id);
			}
			catch (BadArgumentsException ex) {
				// no such execution: the clone's resume says so, with the last clone's id
				return new Target(CloneSteps.JOB, null);
			}
			String command = FollowSteps.JOB.equals(run.job()) ? status.command(id) : null;
			if (CloneSteps.JOB.equals(run.job()) && "clone --follow".equals(status.lastCommand())) {
				command = "clone --follow";
			}
			return new Target(run.job(), command);
		});
		if ("clone --follow".equals(target.command())) {
			return options.resumeCloneFollow(target.job(), id, stream);
		}
		if (FollowSteps.JOB.equals(target.job())) {
			return options.resumeFollow(id, stream, (target.command() != null) ? target.command() : "follow");
		}
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
